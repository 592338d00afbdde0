"""Stage 5: a bound sqlglot tree (Athena/Trino semantics) → DuckDB SQL text.

sqlglot's Trino→DuckDB generator does most of the work; the rules in ``TRANSFORMS`` fix the
places where DuckDB would give a different answer than Trino. Anything that cannot be
expressed raises NOT_SUPPORTED naming the construct; lakebed never runs SQL that means
something else.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp
from sqlglot.errors import ErrorLevel, UnsupportedError

from lakebed.errors import NotSupportedError

Transform = Callable[[exp.Expression], exp.Expression]

# Rewrites applied to every node (in order) before generating DuckDB SQL.
TRANSFORMS: list[Transform] = []


def to_duckdb(node: exp.Expression) -> str:
    """DuckDB SQL for a bound statement tree.

    Raises:
        NotSupportedError: a construct has no faithful DuckDB equivalent.
    """
    tree = node.copy()
    for rule in TRANSFORMS:
        tree = tree.transform(rule)
    try:
        return tree.sql(dialect="duckdb", unsupported_level=ErrorLevel.RAISE)
    except UnsupportedError as e:
        raise NotSupportedError(str(e), code="NOT_SUPPORTED") from e
