"""Arithmetic as Trino does it: exact division and modulo by zero fail with DIVISION_BY_ZERO.

DuckDB answers NULL. Integer division truncates toward zero in both once the cursor sets
``integer_division`` (see ``engines/duckdb.py``); overflow already fails in both.
"""

from __future__ import annotations

import re

from sqlglot import exp

from lakebed.errors import InvalidInputError, ParseError
from lakebed.sql.dialect import is_typed_literal
from lakebed.sql.transforms._calls import internal


def checked_division(node: exp.Expression) -> exp.Expression:
    """``a / b`` → ``a / lb_divisor(a, b)``, which fails when an exact ``b`` is zero."""
    if (
        isinstance(node, (exp.Div, exp.Mod, exp.IntDiv))
        and node.find_ancestor(exp.Try) is None  # inside try(), NULL is the answer
    ):
        divisor = exp.Anonymous(this="lb_divisor", expressions=[node.this.copy(), node.expression])
        node.set("expression", divisor)
    return node


# Trino's bitwise functions take and return bigint; DuckDB keeps the operand type.
_BIGINT_RESULTS = (
    exp.BitwiseAnd,
    exp.BitwiseOr,
    exp.BitwiseXor,
    exp.BitwiseNot,
    exp.BitwiseAndAgg,
    exp.BitwiseOrAgg,
)


def bigint_results(node: exp.Expression) -> exp.Expression:
    """Bitwise functions return bigint, as in Trino."""
    if isinstance(node, _BIGINT_RESULTS):
        return exp.cast(node, exp.DataType.build("BIGINT"))
    return node


# The text of a ``DECIMAL '…'`` literal: digits with an optional fraction, no blanks.
_DECIMAL_TEXT = re.compile(r"[+-]?(?=\.?\d)(\d*)(?:\.(\d*))?")


_DECIMAL_LITERAL = re.compile(r"(\d*)\.(\d+)")


def _decimal_literal(node: exp.Literal) -> exp.Expression:
    """``0.25`` is ``decimal(2,2)`` in Trino (DuckDB counts the leading zero: ``(3,2)``)."""
    m = _DECIMAL_LITERAL.fullmatch(node.name)
    if m is None or m.group(1).lstrip("0") or node.find_ancestor(exp.TableSample):
        return node
    scale = len(m.group(2))
    return exp.Cast(this=node, to=exp.DataType.build(f"DECIMAL({scale}, {scale})"))


def _check_integer_literal(node: exp.Literal) -> None:
    """An integer literal must be a bigint (``-9223372036854775808`` included).

    Raises:
        ParseError: SYNTAX_ERROR, as Trino's parser says.
    """
    if not node.name.isdigit():
        return
    limit = 2**63 if isinstance(node.parent, exp.Neg) else 2**63 - 1
    if int(node.name) > limit:
        raise ParseError(f"Invalid numeric literal: {node.name}")


def math_domain(node: exp.Expression) -> exp.Expression:
    """``sqrt``/``ln`` outside their domain give NaN/-Infinity; ``DECIMAL '1.50'`` is
    ``decimal(3,2)`` (DuckDB would read the literal as ``decimal(18,3)``; INVALID_LITERAL
    when the text is no decimal), ``0.5`` is
    ``decimal(1,1)``, and ``CAST(x AS decimal)`` is ``decimal(38,0)`` (DuckDB: ``(18,3)``).
    """
    if isinstance(node, exp.Literal) and node.is_number:
        _check_integer_literal(node)
        return node if isinstance(node.parent, exp.Cast) else _decimal_literal(node)
    if (
        isinstance(node, exp.Cast)
        and node.to.this == exp.DataType.Type.DECIMAL
        and not node.to.expressions
        and not is_typed_literal(node)
    ):
        node.set("to", exp.DataType.build("DECIMAL(38, 0)"))
        return node
    if isinstance(node, exp.Sqrt):
        return internal("lb_sqrt", node.this)
    if isinstance(node, exp.Ln):
        return internal("lb_ln", node.this)
    if is_typed_literal(node) and node.to.this == exp.DataType.Type.DECIMAL:
        m = _DECIMAL_TEXT.fullmatch(node.this.name)
        if m is None:
            raise InvalidInputError(
                f"'{node.this.name}' is not a valid DECIMAL literal", code="INVALID_LITERAL"
            )
        whole, frac = m.group(1).lstrip("0"), m.group(2) or ""
        precision = max(len(whole) + len(frac), 1)
        node.set("to", exp.DataType.build(f"DECIMAL({precision}, {len(frac)})"))
    return node
