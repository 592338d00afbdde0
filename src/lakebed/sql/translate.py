"""Stage 5: a bound sqlglot tree (Athena/Trino semantics) → DuckDB SQL text.

sqlglot's Trino→DuckDB generator does most of the work; the rules in ``TRANSFORMS`` fix the
places where DuckDB would give a different answer than Trino (one module per family under
``sql/transforms/``). Anything that cannot be expressed raises NOT_SUPPORTED naming the
construct; lakebed never runs SQL that means something else.

``query_sql`` adds what only the bound query can tell: the result's column names as Trino
names them (``_col0`` for unnamed expressions) and its types as Trino types them.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
from sqlglot import exp
from sqlglot.errors import ErrorLevel, UnsupportedError

from lakebed.errors import LakebedError, NotSupportedError
from lakebed.sql.transforms import (
    arithmetic,
    clauses,
    collections,
    datetime,
    functions,
    naming,
    regexp,
    strings,
    typed,
    unnest,
)

Transform = Callable[[exp.Expression], exp.Expression]

# Rewrites applied to every node (in order) before generating DuckDB SQL.
TRANSFORMS: list[Transform] = [
    functions.check_known,
    strings.varchar_typeof,
    clauses.check_clauses,
    datetime.rewrite,
    collections.reduce,
    collections.check_cast,
    collections.subscript,
    collections.array_functions,
    regexp.rewrite,
    strings.rewrite,
    functions.rename,
    arithmetic.checked_division,
    arithmetic.bigint_results,
    arithmetic.math_domain,
]


def _bottom_up(tree: exp.Expression, rule: Transform) -> exp.Expression:
    """Apply ``rule`` to every node, children before parents (so a rewritten node's
    arguments are already rewritten, however deeply functions nest).
    """
    for node in reversed(list(tree.dfs())):
        parent, key, index = node.parent, node.arg_key, node.index
        new = rule(node)
        if new is node:
            continue
        if node is tree:
            tree = new
        elif parent is not None and key:
            parent.set(key, new, index)
    return tree


def to_duckdb(node: exp.Expression) -> str:
    """DuckDB SQL for a bound statement tree.

    Raises:
        NotSupportedError: a construct has no faithful DuckDB equivalent.
        NotFoundError: a function is not one Athena has (FUNCTION_NOT_FOUND).
    """
    tree = node.copy()
    for rule in TRANSFORMS:
        tree = _bottom_up(tree, rule)
    try:
        return tree.sql(dialect="duckdb", unsupported_level=ErrorLevel.RAISE)
    except UnsupportedError as e:
        raise NotSupportedError(str(e), code="NOT_SUPPORTED") from e


def query_sql(node: exp.Expression, cursor: duckdb.DuckDBPyConnection) -> str:
    """DuckDB SQL for a query whose result columns are named and typed as Trino's.

    Rules that depend on operand types (``transforms/typed.py``, ``transforms/unnest.py``)
    learn them by binding probe queries on ``cursor``; the final query is bound once more to
    learn its output columns, which are renamed and cast where Trino's answer differs.
    Binding runs nothing, but each probe is a DuckDB bind (one per SELECT scope and nesting
    level that holds such an expression).

    Raises:
        NotSupportedError: a construct has no faithful DuckDB equivalent.
        NotFoundError: a function is not one Athena has (FUNCTION_NOT_FOUND).
        InvalidInputError: the query is wrong in a way Trino reports before running it.
    """
    marked = _bottom_up(naming.mark_unnamed(node.copy()), strings.varchar_typeof)

    def probe(select: exp.Select) -> list[str] | None:
        try:
            return [str(t) for t in cursor.sql(to_duckdb(select)).types]
        except (duckdb.Error, LakebedError):
            return None  # a scope DuckDB cannot bind alone keeps DuckDB's types

    typed_tree = typed.rewrite(unnest.rewrite(marked, probe), probe)
    return naming.shape(to_duckdb(typed_tree), cursor, values=naming.is_values(node))
