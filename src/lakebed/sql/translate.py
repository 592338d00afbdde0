"""Stage 5: a bound sqlglot tree (Athena/Trino semantics) → DuckDB SQL text.

sqlglot's Trino→DuckDB generator does most of the work; the rules in ``TRANSFORMS`` fix the
places where DuckDB would give a different answer than Trino (one module per family under
``sql/transforms/``). Anything that cannot be expressed raises NOT_SUPPORTED naming the
construct; lakebed never runs SQL that means something else.

``query_sql`` adds what only the bound query can tell: the result's column names as Trino
names them (``_col0`` for unnamed expressions) and its types as Trino types them. It costs
DuckDB binds (typing probes), so its answer is kept for the same bound tree over the same
relations (``TRANSLATIONS``): a repeated query is translated once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import duckdb
from sqlglot import exp
from sqlglot.errors import ErrorLevel, UnsupportedError

from lakebed.errors import LakebedError, NotSupportedError
from lakebed.sql._lru import Lru
from lakebed.sql.transforms import (
    aggregates,
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
    zones,
)

Transform = Callable[[exp.Expression], exp.Expression]

# Rewrites applied to every node (in order) before generating DuckDB SQL.
TRANSFORMS: list[Transform] = [
    functions.check_known,
    strings.varchar_typeof,
    clauses.check_clauses,
    zones.rewrite,
    datetime.rewrite,
    collections.reduce,
    collections.check_cast,
    collections.subscript,
    collections.array_functions,
    regexp.rewrite,
    strings.rewrite,
    functions.rename,
    aggregates.rewrite,
    arithmetic.checked_division,
    arithmetic.bigint_results,
    arithmetic.math_domain,
    collections.anonymous_rows,
]


def _children_first(tree: exp.Expression) -> list[exp.Expression]:
    """Every node of ``tree``, children before parents: ``reversed(list(tree.dfs()))``
    without a generator per node (this walk is most of translation's own time).
    """
    out: list[exp.Expression] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        out.append(node)
        for value in reversed(node.args.values()):
            if type(value) is list:
                stack.extend(v for v in reversed(value) if isinstance(v, exp.Expression))
            elif isinstance(value, exp.Expression):
                stack.append(value)
    out.reverse()
    return out


def _bottom_up(tree: exp.Expression, rule: Transform) -> exp.Expression:
    """Apply ``rule`` to every node, children before parents (so a rewritten node's
    arguments are already rewritten, however deeply functions nest).
    """
    for node in _children_first(tree):
        parent, key, index = node.parent, node.arg_key, node.index
        new = rule(node)
        if new is node:
            continue
        if node is tree:
            tree = new
        elif parent is not None and key:
            parent.set(key, new, index)
    return tree


def to_duckdb(node: exp.Expression, *, copy: bool = True) -> str:
    """DuckDB SQL for a bound statement tree.

    Args:
        node: the tree (Trino semantics).
        copy: False when the caller hands over ``node`` (it is rewritten in place).

    Raises:
        NotSupportedError: a construct has no faithful DuckDB equivalent.
        NotFoundError: a function is not one Athena has (FUNCTION_NOT_FOUND).
    """
    tree = node.copy() if copy else node
    for rule in TRANSFORMS:
        tree = _bottom_up(tree, rule)
    try:  # the tree is this function's own: the generator need not copy it again
        return tree.sql(dialect="duckdb", copy=False, unsupported_level=ErrorLevel.RAISE)
    except UnsupportedError as e:
        raise NotSupportedError(str(e), code="NOT_SUPPORTED") from e


class TranslationCache(Lru[bytes, str]):
    """The DuckDB SQL of recently translated queries (least recently used go first).

    A key is the bound tree's identity and the SQL of every relation it reads, which fixes
    the types the probes see; translation depends on nothing else (the DuckDB macros are
    the same in every database). The identity is what the tree was made from when the
    binder can tell (``BoundStatement.key``), else its exact structure (``repr``: node
    classes, arguments, quoted values), which costs a walk of the whole tree.
    """

    def __init__(self, size: int = 512) -> None:
        super().__init__(size)

    @staticmethod
    def key(tree: exp.Expression | str, relations: str) -> bytes:
        """The key of a tree, or of what it was made from, read over ``relations``."""
        identity = f"made of {tree}" if isinstance(tree, str) else repr(tree)
        return hashlib.sha256(f"{identity}\0{relations}".encode()).digest()


TRANSLATIONS = TranslationCache()


def known_sql(tree_key: str | None, relations: str | None) -> str | None:
    """The kept translation of the tree made from ``tree_key`` (``BoundStatement.key``)
    over ``relations``, if there is one: found without the tree.
    """
    if tree_key is None or relations is None:
        return None
    return TRANSLATIONS.get(TranslationCache.key(tree_key, relations))


def query_sql(
    node: exp.Expression,
    cursor: duckdb.DuckDBPyConnection,
    *,
    relations: str | None = None,
    tree_key: str | None = None,
) -> str:
    """DuckDB SQL for a query whose result columns are named and typed as Trino's.

    Rules that depend on operand types (``transforms/typed.py``, ``transforms/unnest.py``)
    learn them by binding probe queries on ``cursor``; the final query is bound once more to
    learn its output columns, which are renamed and cast where Trino's answer differs.
    Binding runs nothing, but each probe is a DuckDB bind (one per SELECT scope and nesting
    level that holds such an expression).

    Args:
        node: the bound query tree (not changed).
        cursor: where the tree's relations are defined.
        relations: the SQL of those relations; given, the translation is reused for the
            same tree over the same relations (``TRANSLATIONS``).
        tree_key: what the tree was made from (``BoundStatement.key``), when known: it
            stands for the tree in the cache key.

    Raises:
        NotSupportedError: a construct has no faithful DuckDB equivalent.
        NotFoundError: a function is not one Athena has (FUNCTION_NOT_FOUND).
        InvalidInputError: the query is wrong in a way Trino reports before running it.
    """
    tree = node if tree_key is None else tree_key
    key = None if relations is None else TranslationCache.key(tree, relations)
    if key is not None and (known := TRANSLATIONS.get(key)) is not None:
        return known
    marked = _bottom_up(naming.mark_unnamed(node.copy()), strings.varchar_typeof)
    unbound = False

    def probe(select: exp.Select) -> list[str] | None:
        nonlocal unbound
        try:
            return [str(t) for t in cursor.sql(to_duckdb(select)).types]
        except duckdb.BinderException:
            # a scope that cannot bind alone (it refers to an outer query's columns) fails
            # again for the same tree over the same relations: still worth keeping
            return None  # such a scope keeps DuckDB's types
        except (duckdb.Error, LakebedError):
            unbound = True
            return None

    typed_tree = typed.rewrite(unnest.rewrite(marked, probe), probe)
    sql = naming.shape(to_duckdb(typed_tree, copy=False), cursor, values=naming.is_values(node))
    if key is not None and not unbound:  # another failed probe may bind later (an extension)
        TRANSLATIONS.put(key, sql)
    return sql
