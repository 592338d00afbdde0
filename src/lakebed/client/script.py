"""SQL text as a list of statements, each ended by ``;`` outside quotes and comments (the
shell's input, a script given to ``lakebed sql``).
"""

from __future__ import annotations

import re

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)


def split_statements(text: str) -> tuple[list[str], str]:
    """Complete statements (each ended by ``;`` outside quotes and comments) and the rest.

    >>> split_statements("SELECT ';'; SELECT 2 /* ; */; SELECT")
    (["SELECT ';'", 'SELECT 2 /* ; */'], ' SELECT')
    """
    done: list[str] = []
    start = 0
    i = 0
    quote: str | None = None
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = None
        elif ch in ("'", '"', "`"):
            quote = ch
        elif text.startswith(("--", "/*"), i):
            closer = "\n" if text.startswith("--", i) else "*/"
            end = text.find(closer, i + 2)
            if end < 0:  # the comment is still open: so is the statement
                break
            i = end + len(closer)
            continue
        elif ch == ";":
            stmt = text[start:i].strip()
            if stmt:
                done.append(stmt)
            start = i + 1
        i += 1
    return done, text[start:]


def script_statements(text: str) -> list[str]:
    r"""Every statement of a script; the last one needs no ``;``, and text after the last
    ``;`` that is only comments is not a statement.

    >>> script_statements("SELECT 1; SELECT 2 -- two\n; -- done")
    ['SELECT 1', 'SELECT 2 -- two']
    """
    done, rest = split_statements(text)
    if _COMMENTS.sub("", rest).strip():
        done.append(rest.strip())
    return done
