"""Statements that act on the query service itself rather than on the lake: ``?`` execution
parameters, ``PREPARE``, ``EXECUTE … USING`` and ``DEALLOCATE PREPARE``.

``EXECUTE`` is replaced by the prepared statement it names before a runner is chosen, so the
execution records the type of the statement that actually ran, as Athena does.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from lakebed.errors import InvalidInputError, NotSupportedError
from lakebed.queries.prepared import PreparedStatements
from lakebed.sql.parse import DIALECT, parse
from lakebed.sql.prepared import Deallocate, Execute, Prepare
from lakebed.sql.run import Outcome
from lakebed.sql.statements import Statement

# Athena prepares SELECT, INSERT INTO, CTAS and UNLOAD statements only.
PREPARABLE = ("SELECT", "INSERT", "CREATE_TABLE_AS_SELECT", "UNLOAD")
SESSION_KINDS = (Prepare.kind, Deallocate.kind)


def _placeholders(node: exp.Expression) -> list[exp.Placeholder]:
    return [p for p in node.find_all(exp.Placeholder) if not p.args.get("this")]


def _in_text_order(node: exp.Expression) -> list[exp.Placeholder]:
    """The ``?`` placeholders in the order they appear in the statement's text.

    A tree walk visits them in another order (``SELECT ? || 'x', ?`` meets the second one
    first), so each is marked and found in the SQL generated from the tree.
    """
    holders = _placeholders(node)
    if len(holders) < 2:
        return holders
    probe = node.copy()
    for i, holder in enumerate(_placeholders(probe)):
        holder.replace(exp.var(f"__lb_param_{i}__"))
    text = probe.sql(dialect=DIALECT)
    order = sorted(range(len(holders)), key=lambda i: text.find(f"__lb_param_{i}__"))
    return [holders[i] for i in order]


def bind_parameters(node: exp.Expression, parameters: list[str]) -> exp.Expression:
    """Replace ``?`` placeholders, in order, by the parameters (SQL literal text, as
    Athena's ExecutionParameters are).

    Raises:
        InvalidInputError: the counts differ or a parameter is not a literal.
    """
    holders = _in_text_order(node)
    if len(holders) != len(parameters):
        raise InvalidInputError(
            f"The query has {len(holders)} parameter placeholder(s) but "
            f"{len(parameters)} execution parameter(s) were given.",
            code="INVALID_PARAMETER_USAGE",
        )
    for holder, value in zip(holders, parameters, strict=True):
        try:
            literal = sqlglot.parse_one(value, dialect=DIALECT)
        except sqlglot.errors.ParseError as e:
            raise InvalidInputError(
                f"Execution parameter {value!r} is not a SQL literal.",
                code="INVALID_PARAMETER_USAGE",
            ) from e
        if any(literal.find_all(exp.Column, exp.Select, exp.Table)):
            raise InvalidInputError(
                f"Execution parameter {value!r} is not a SQL literal.",
                code="INVALID_PARAMETER_USAGE",
            )
        holder.replace(literal)
    return node


def resolve(
    stmt: Statement, parameters: list[str], *, prepared: PreparedStatements, workgroup: str
) -> Statement:
    """The statement to run: ``EXECUTE`` replaced by its prepared statement and every ``?``
    bound to the execution parameters (or the ``USING`` values). ``stmt`` is not changed.

    Raises:
        NotFoundError: EXECUTE names no prepared statement of the workgroup.
        InvalidInputError: parameters are given twice, or their count is wrong.
    """
    if isinstance(stmt.node, Execute):
        if stmt.node.using and parameters:
            raise InvalidInputError(
                "EXECUTE … USING and execution parameters cannot be combined; use one.",
                code="INVALID_PARAMETER_USAGE",
            )
        parameters = list(stmt.node.using) or parameters
        stmt = parse(prepared.get(workgroup, stmt.node.name).query)
    node = stmt.node
    # a ``?`` placeholder needs a ``?`` in the text: most statements skip the walk
    if isinstance(node, exp.Expression) and (
        parameters or ("?" in stmt.text and node.find(exp.Placeholder))
    ):
        node = bind_parameters(node.copy(), parameters)
        key = None if stmt.key is None else repr((stmt.key, parameters))
        return Statement(stmt.kind, stmt.statement_type, node, stmt.text, key=key)
    if parameters:
        raise InvalidInputError(
            f"{stmt.kind.replace('_', ' ')} takes no execution parameters.",
            code="INVALID_PARAMETER_USAGE",
        )
    return stmt


def run_session_statement(
    stmt: Statement, *, prepared: PreparedStatements, workgroup: str
) -> Outcome:
    """Run PREPARE (create or replace) or DEALLOCATE PREPARE.

    Raises:
        NotSupportedError: the statement to prepare is of a kind Athena does not prepare.
        NotFoundError: DEALLOCATE names no prepared statement of the workgroup.
    """
    node = stmt.node
    if isinstance(node, Prepare):
        inner = node.parse_body()
        if inner.kind not in PREPARABLE:
            raise NotSupportedError(
                f"PREPARE supports {', '.join(PREPARABLE)} statements; "
                f"got {inner.kind.replace('_', ' ')}."
            )
        prepared.put(workgroup, node.name, node.body)
    else:
        assert isinstance(node, Deallocate)
        prepared.delete(workgroup, node.name)
    return Outcome()
