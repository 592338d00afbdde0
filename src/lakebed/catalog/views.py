"""Views as Athena stores them in Glue, and the check that a view still fits its tables.

Athena keeps a view as a ``VIRTUAL_VIEW`` table whose ``ViewOriginalText`` is
``/* Presto View: <base64 of a JSON document> */``; the document holds the view's SQL
(``originalSql``), the catalog and schema it was created in and its columns with Trino types
(https://docs.aws.amazon.com/athena/latest/ug/views.html). Views created by other tools with
plain SQL text are read as they are.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass

from lakebed.catalog.models import Column, Table, TableType
from lakebed.errors import InvalidInputError
from lakebed.types import parse_type, trino_type

PRESTO_VIEW_PREFIX = "/* Presto View: "
PRESTO_VIEW_SUFFIX = " */"
PRESTO_EXPANDED_TEXT = "/* Presto View */"
PRESTO_VIEW_PARAMETERS = {"presto_view": "true", "comment": "Presto View"}

# Implicit coercions Trino applies when a view's query type differs from the stored type
# (a narrower type read where a wider one is stored).
_WIDER: dict[str, tuple[str, ...]] = {
    "tinyint": ("smallint", "int", "bigint", "float", "double", "decimal"),
    "smallint": ("int", "bigint", "float", "double", "decimal"),
    "int": ("bigint", "float", "double", "decimal"),
    "bigint": ("double", "decimal"),
    "float": ("double",),
    "decimal": ("double", "float"),
    "char": ("varchar", "string"),
    "varchar": ("string", "varchar"),
    "string": ("varchar",),
    "date": ("timestamp",),
}


def make_view(
    database: str,
    name: str,
    sql: str,
    columns: Sequence[Column],
    *,
    schema: str,
    owner: str | None = None,
) -> Table:
    """A view as Athena writes it to the catalog.

    Args:
        database: where the view is stored.
        name: the view's name.
        sql: its query.
        columns: what the query returns.
        schema: the session's database when the view was created, in which the query's
            unqualified names resolve (as in Trino).
        owner: who created it.
    """
    doc = {
        "originalSql": sql,
        "catalog": "awsdatacatalog",
        "schema": schema,
        "columns": [{"name": c.name, "type": trino_type(c.type)} for c in columns],
        "owner": owner or "lakebed",
        "runAsInvoker": False,
        "properties": {},
    }
    encoded = base64.b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode()
    return Table(
        database=database,
        name=name,
        table_type=TableType.VIRTUAL_VIEW,
        columns=tuple(columns),
        view_original_text=f"{PRESTO_VIEW_PREFIX}{encoded}{PRESTO_VIEW_SUFFIX}",
        view_expanded_text=PRESTO_EXPANDED_TEXT,
        parameters=dict(PRESTO_VIEW_PARAMETERS),
        owner=owner,
    )


@dataclass(frozen=True, slots=True)
class ViewDefinition:
    """What a view means: its SQL and the database its unqualified names resolve in."""

    sql: str
    database: str


def view_definition(view: Table) -> ViewDefinition:
    """The SQL of a view, decoded from Athena's Presto form when stored that way.

    Raises:
        InvalidInputError: the stored text is neither SQL nor a readable Presto view.
    """
    text = (view.view_original_text or "").strip()
    if text.startswith(PRESTO_VIEW_PREFIX) and text.endswith(PRESTO_VIEW_SUFFIX):
        payload = text[len(PRESTO_VIEW_PREFIX) : -len(PRESTO_VIEW_SUFFIX)].strip()
        try:
            doc = json.loads(base64.b64decode(payload, validate=True))
            return ViewDefinition(str(doc["originalSql"]), str(doc.get("schema") or view.database))
        except (binascii.Error, ValueError, KeyError, TypeError) as e:
            raise InvalidInputError(
                f"View '{view.database}.{view.name}' has an unreadable definition; "
                "recreate it with CREATE OR REPLACE VIEW.",
                code="INVALID_VIEW",
            ) from e
    sql = text or (view.view_expanded_text or "")
    return ViewDefinition(sql, view.database)


def _base(hive: str) -> str:
    return hive.split("(", 1)[0].strip().lower()


def coercible(actual: str, stored: str) -> bool:
    """Whether a value of Hive type ``actual`` can stand where ``stored`` is declared."""
    if parse_type(actual) == parse_type(stored):
        return True
    a, s = _base(actual), _base(stored)
    if a == s and a in ("varchar", "char", "decimal"):
        return True
    return s in _WIDER.get(a, ())


def check_view_columns(view: Table, described: Sequence[tuple[str, str]]) -> list[bool]:
    """Compare what the view's query yields today (names and DuckDB types, as ``DESCRIBE``
    prints them) with the columns stored for the view.

    Returns:
        for each column, whether it needs a cast to the stored type.

    Raises:
        InvalidInputError: VIEW_IS_STALE, naming the column that no longer fits.
    """
    name = f"'{view.database}.{view.name}'"
    stored = view.columns
    if not stored:
        return [False] * len(described)
    if len(described) != len(stored):
        raise InvalidInputError(
            f"View {name} is stale or in invalid state: the query now returns "
            f"{len(described)} column(s) but the view was defined with {len(stored)}. "
            "Recreate it with CREATE OR REPLACE VIEW.",
            code="VIEW_IS_STALE",
        )
    # a DuckDB type with no Hive spelling is taken to be the stored one
    actual = [
        Column(n, hive_type_of_duckdb(t, default=s.type))
        for (n, t), s in zip(described, stored, strict=True)
    ]
    casts = []
    for i, (a, s) in enumerate(zip(actual, stored, strict=True)):
        if a.name.lower() != s.name.lower():
            raise InvalidInputError(
                f"View {name} is stale or in invalid state: column [{a.name}] of type "
                f"{trino_type(a.type)} projected from query view at position {i} has a "
                f"different name from column [{s.name}] of type {trino_type(s.type)} stored "
                "in view definition. Recreate it with CREATE OR REPLACE VIEW.",
                code="VIEW_IS_STALE",
            )
        if not coercible(a.type, s.type):
            raise InvalidInputError(
                f"View {name} is stale or in invalid state: column [{a.name}] of type "
                f"{trino_type(a.type)} projected from query view at position {i} cannot be "
                f"coerced to column [{s.name}] of type {trino_type(s.type)} stored in view "
                "definition. Recreate it with CREATE OR REPLACE VIEW.",
                code="VIEW_IS_STALE",
            )
        casts.append(parse_type(a.type) != parse_type(s.type))
    return casts


# DuckDB types with no Hive spelling, as Trino would type the same expression (``sum`` of
# integers is a HUGEINT in DuckDB and a bigint in Trino).
_DUCKDB_ONLY = {
    "HUGEINT": "BIGINT",
    "UHUGEINT": "BIGINT",
    "UBIGINT": "BIGINT",
    "UINTEGER": "BIGINT",
    "USMALLINT": "INTEGER",
    "UTINYINT": "SMALLINT",
}


def hive_type_of_duckdb(duck: str, *, default: str | None = None) -> str:
    """The Hive spelling of a type as DuckDB names it (``DESCRIBE`` output).

    Raises:
        NotSupportedError: the type has no Hive spelling and no ``default`` is given.
    """
    from sqlglot import exp

    from lakebed.errors import NotSupportedError
    from lakebed.types import hive_type

    try:
        return hive_type(exp.DataType.build(_DUCKDB_ONLY.get(duck.upper(), duck), dialect="duckdb"))
    except NotSupportedError:
        if default is None:
            raise
        return default
