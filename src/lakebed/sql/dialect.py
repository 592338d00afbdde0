"""lakebed's reading of Athena SQL: sqlglot's Athena dialect, keeping what translation must
tell apart and sqlglot's Athena parser folds together.

- A typed literal (``DATE '…'``, ``TIMESTAMP '…'``, ``DECIMAL '…'``) is the ``Cast`` sqlglot
  makes of it, marked ``meta[TYPED_LITERAL]``: Trino rejects an impossible literal with
  INVALID_LITERAL where ``CAST('…' AS date)`` fails with INVALID_CAST_ARGUMENT.
- ``to_char`` stays a call by its name (Trino has none: FUNCTION_NOT_FOUND) instead of
  becoming sqlglot's date-formatting node.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlglot import exp
from sqlglot.dialects.athena import Athena
from sqlglot.parsers.athena import AthenaParser, AthenaTrinoParser

# The ``meta`` key a typed literal's ``Cast`` carries.
TYPED_LITERAL = "typed_literal"

_LITERAL_TYPES = (exp.DType.DATE, exp.DType.TIMESTAMP, exp.DType.DECIMAL)


def is_typed_literal(node: exp.Expression) -> bool:
    """``node`` is a ``DATE '…'`` / ``TIMESTAMP '…'`` / ``DECIMAL '…'`` literal."""
    return isinstance(node, exp.Cast) and bool(node.meta.get(TYPED_LITERAL))


def _typed_literal(base: Any) -> Any:
    """A type-literal parser that marks what ``base`` (or a plain cast) makes of the literal."""

    def parse(parser: Any, this: exp.Expression, to: exp.DataType) -> exp.Expression:
        node = base(parser, this, to) if base else parser.expression(exp.Cast(this=this, to=to))
        node.meta[TYPED_LITERAL] = True
        return node

    return parse


class _TrinoParser(AthenaTrinoParser):
    FUNCTIONS: ClassVar = {k: v for k, v in AthenaTrinoParser.FUNCTIONS.items() if k != "TO_CHAR"}
    TYPE_LITERAL_PARSERS: ClassVar = {
        **AthenaTrinoParser.TYPE_LITERAL_PARSERS,
        **{
            kind: _typed_literal(AthenaTrinoParser.TYPE_LITERAL_PARSERS.get(kind))
            for kind in _LITERAL_TYPES
        },
    }


class _Parser(AthenaParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        athena = self._trino_parser
        self._trino_parser = _TrinoParser(
            error_level=athena.error_level,
            error_message_context=athena.error_message_context,
            max_errors=athena.max_errors,
            max_nodes=athena.max_nodes,
            dialect=athena.dialect,
        )


class LakebedAthena(Athena):
    """Athena as lakebed parses it (generation is Athena's)."""

    Parser = _Parser
