"""XML tables, as Glue crawlers register them (``classification=xml``, the Hive XML SerDe
``com.ibm.spss.hive.serde2.xml.XmlSerDe``). Athena itself has no XML SerDe; lakebed reads these
tables so that what a crawler found can be queried, the way Glue's XML reader sees it.

Each element named by the table's ``rowTag`` property (else the tag in ``xmlinput.start``) is
a row. A column reads, by default, the row's attribute ``<name>`` when it is called ``_<name>``
(Glue's prefix), else its child element of that name (case-insensitively), else, for a column
``value``, the row's own text. A ``column.xpath.<column>`` SerDe property overrides this with a
path of child names ending in ``@attribute`` or ``text()`` (``/book/author/text()``). Elements
become values of the column's type: text parses as the scalar type (a value that does not
parse is NULL), an element with children or attributes as a struct (fields found as above,
``_value`` for its own text), repeated elements as an array. Files are parsed as a stream by
lxml's ``iterparse`` (compressed files too; entities are not resolved, nothing is fetched),
which hands over only the row elements, and rows are freed once read; a file that is not
well-formed XML fails with HIVE_BAD_DATA naming the file, line and column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from lxml import etree
from sqlglot import exp

from lakebed.errors import DataError, InvalidInputError, NotSupportedError
from lakebed.formats import serdes
from lakebed.formats._compression import CorruptStreamError
from lakebed.formats._rowstream import RowStream, decompressed, open_split, table_schema
from lakebed.formats._sql import quote_ident
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan
from lakebed.formats.orc import arrow_type
from lakebed.types import duckdb_type, parse_type

if TYPE_CHECKING:
    from lakebed.catalog.models import Table
    from lakebed.storage import ObjectStore

T = exp.DataType.Type
ROW_TAG = "rowTag"
XMLINPUT_START = "xmlinput.start"
XPATH_PREFIX = "column.xpath."
ATTRIBUTE_PREFIX = "_"
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # safe to hand to lxml's findall
_INTEGER = re.compile(r"\s*[+-]?\d+\s*")
_INT_RANGES = {
    T.TINYINT: 1 << 7,
    T.SMALLINT: 1 << 15,
    T.INT: 1 << 31,
    T.BIGINT: 1 << 63,
}

# A step from an element: ('child', name) | ('attr', name) | ('text', '').
Step = tuple[str, str]
Element = etree._Element
Node = Element | str | None  # an element, an attribute's text, or nothing
Convert = Callable[[list[Node]], Any]


def is_xml(table: Table) -> bool:
    """Whether a catalog table holds XML (the Hive XML SerDe, or ``classification=xml``)."""
    classification = table.parameters.get("classification", "").lower()
    return table.serde_library == serdes.XML or classification == "xml"


def row_tag(table: Table) -> str:
    """The tag of the row elements.

    Raises:
        InvalidInputError: the table has neither ``rowTag`` nor ``xmlinput.start``.
    """
    tag = table.parameters.get(ROW_TAG) or table.serde_parameters.get(ROW_TAG)
    start = table.serde_parameters.get(XMLINPUT_START) or table.parameters.get(XMLINPUT_START)
    if not tag and start:
        m = re.match(r"\s*<([^\s>/]+)", start)
        tag = m.group(1) if m else None
    if not tag:
        raise InvalidInputError(
            f"XML table '{table.database}.{table.name}' names no row element: set the table "
            f"property '{ROW_TAG}' (or the SerDe property '{XMLINPUT_START}').",
            code="INVALID_TABLE_PROPERTY",
        )
    return tag


@lru_cache(maxsize=4096)
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _elements(node: Element) -> Iterator[Element]:
    """Child elements (not comments or processing instructions)."""
    return (c for c in node if isinstance(c.tag, str))


def xpath_steps(path: str, tag: str, *, column: str) -> list[Step]:
    """A ``column.xpath`` value as steps below the row element.

    Raises:
        NotSupportedError: the path is more than child names ending in ``@a`` or ``text()``.
    """
    parts = [p for p in path.strip().split("/") if p]
    if parts and parts[0].lower() == tag.lower():
        parts = parts[1:]
    steps: list[Step] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if last and part.startswith("@") and re.fullmatch(r"@[\w.:-]+", part):
            steps.append(("attr", part[1:].lower()))
        elif last and part == "text()":
            steps.append(("text", ""))
        elif re.fullmatch(r"[\w.:-]+", part):
            steps.append(("child", part.lower()))
        else:
            raise NotSupportedError(
                f"SerDe property '{XPATH_PREFIX}{column}' = '{path}' uses '{part}': lakebed's "
                "XML paths take child element names ending in @attribute or text().",
                code="NOT_SUPPORTED",
            )
    return steps


def _default_steps(name: str) -> list[Step]:
    if name.startswith(ATTRIBUTE_PREFIX) and len(name) > 1:
        return [("attr", name[1:])]
    return [("child", name)]


def _follow(nodes: list[Node], steps: list[Step]) -> list[Node]:
    """The nodes ``steps`` reach from ``nodes`` (every match, for repeated elements). Names
    match exactly first (fast, in lxml), then ignoring case and namespace.
    """
    for kind, name in steps:
        found: list[Node] = []
        for node in nodes:
            if not isinstance(node, Element):
                continue
            if kind == "child":
                exact = node.findall(name) if _PLAIN_NAME.fullmatch(name) else ()
                found.extend(exact or (c for c in _elements(node) if _local(c.tag) == name))
            elif kind == "attr":
                value = node.get(name)
                if value is None:
                    value = next((v for k, v in node.attrib.items() if _local(k) == name), None)
                if value is not None:
                    found.append(value)
            else:
                found.append(node.text or "")
        nodes = found
    return nodes


def _text_of(node: Node) -> str | None:
    if node is None:
        return None
    if isinstance(node, str):
        return node
    if node.attrib or (len(node) and any(True for _ in _elements(node))):
        return None  # an element with structure has no scalar value
    return node.text or ""


def _scalar(dtype: exp.DataType) -> Callable[[str], Any]:
    kind = dtype.this
    if kind in (T.VARCHAR, T.CHAR, T.TEXT):
        return lambda s: s
    if kind in _INT_RANGES:
        bound = _INT_RANGES[kind]

        def integer(s: str) -> Any:
            if not _INTEGER.fullmatch(s):
                return None
            n = int(s)
            return n if -bound <= n < bound else None

        return integer
    if kind in (T.FLOAT, T.DOUBLE):

        def real(s: str) -> Any:
            try:
                return float(s)
            except ValueError:
                return None

        return real
    if kind == T.DECIMAL:
        target = arrow_type(dtype)
        assert isinstance(target, pa.Decimal128Type)
        quantum = Decimal(1).scaleb(-target.scale)

        def decimal(s: str) -> Any:
            try:
                d = Decimal(s.strip()).quantize(quantum)
            except InvalidOperation:
                return None
            return d if len(d.as_tuple().digits) <= target.precision else None

        return decimal
    if kind == T.BOOLEAN:
        return lambda s: {"true": True, "false": False}.get(s.strip().lower())
    if kind == T.DATE:

        def date(s: str) -> Any:
            try:
                return dt.date.fromisoformat(s.strip())
            except ValueError:
                return None

        return date
    if kind == T.TIMESTAMP:

        def timestamp(s: str) -> Any:
            try:
                value = dt.datetime.fromisoformat(s.strip().replace("Z", "+00:00"))
            except ValueError:
                return None
            if value.tzinfo is not None:
                value = value.astimezone(dt.UTC).replace(tzinfo=None)
            return value

        return timestamp
    if kind in (T.BINARY, T.VARBINARY):
        return lambda s: s.encode()
    raise NotSupportedError(
        f"Type '{dtype.sql(dialect='hive')}' is not supported in XML tables.",
        code="NOT_SUPPORTED",
    )


def converter(dtype: exp.DataType) -> Convert:
    """A function from the nodes a column or field reaches to its value."""
    kind = dtype.this
    if kind == T.ARRAY:
        item = converter(dtype.expressions[0])
        return lambda nodes: [item([n]) for n in nodes] if nodes else None
    if kind == T.MAP:
        value = converter(dtype.expressions[1])

        def mapping(nodes: list[Node]) -> Any:
            node = nodes[0] if nodes else None
            if not isinstance(node, Element):
                return None
            attributes = [
                (f"{ATTRIBUTE_PREFIX}{_local(k)}", value([v])) for k, v in node.attrib.items()
            ]
            return attributes + [(_local(c.tag), value([c])) for c in _elements(node)]

        return mapping
    if kind == T.STRUCT:
        fields = []
        for f in dtype.expressions:
            ftype = f.args["kind"] if isinstance(f, exp.ColumnDef) else f
            name = f.name.lower()
            steps = [("text", "")] if name == "_value" else _default_steps(name)
            fields.append((f.name, steps, converter(ftype)))

        def struct(nodes: list[Node]) -> Any:
            node = nodes[0] if nodes else None
            if not isinstance(node, Element):
                return None
            return {name: conv(_follow([node], steps)) for name, steps, conv in fields}

        return struct
    scalar = _scalar(dtype)
    is_text = kind in (T.VARCHAR, T.CHAR, T.TEXT)

    def value(nodes: list[Node]) -> Any:
        text = _text_of(nodes[0]) if nodes else None
        if text is None or (text.strip() == "" and not is_text):
            return None
        return scalar(text)

    return value


class XmlStream(RowStream):
    """The rows of XML files as a fresh Arrow stream each time DuckDB scans it."""

    def __init__(
        self, store: ObjectStore, table: Table, uris: Sequence[str], columns: frozenset[str] | None
    ) -> None:
        self._tag = row_tag(table)
        self._tag_lower = self._tag.lower()
        # (steps, whether the row's own text is the fallback, converter); None: not needed.
        reads: list[tuple[list[Step], bool, Convert] | None] = []
        for c in table.columns:
            if columns is not None and c.name.lower() not in columns:
                reads.append(None)
                continue
            xpath = table.serde_parameters.get(f"{XPATH_PREFIX}{c.name}")
            if xpath:
                steps, own_text = xpath_steps(xpath, self._tag, column=c.name), False
            else:
                steps, own_text = _default_steps(c.name.lower()), c.name.lower() == "value"
            reads.append((steps, own_text, converter(parse_type(c.type))))
        super().__init__(store, uris, table_schema(table), reads)

    def _value(
        self, row: Element, read: tuple[list[Step], bool, Convert], uri: str, index: int
    ) -> Any:
        steps, own_text, convert = read
        nodes = _follow([row], steps)
        if not nodes and own_text and not any(True for _ in _elements(row)):
            nodes = [row.text or ""]
        return convert(nodes)

    def _rows(self, uri: str) -> Iterator[Element]:
        with open_split(self._store, uri) as raw:
            source = decompressed(raw, uri)
            events = etree.iterparse(
                source,
                events=("end",),
                tag=f"{{*}}{self._tag}",
                resolve_entities=False,
                no_network=True,
                huge_tree=True,
            )
            try:
                for _, el in events:
                    parent = el.getparent()
                    # A row has a parent (it is not the root) and no row above it.
                    if parent is None or any(
                        _local(a.tag) == self._tag_lower for a in el.iterancestors()
                    ):
                        continue
                    yield el
                    el.clear(keep_tail=True)  # free the row and the rows before it
                    while el.getprevious() is not None:
                        del parent[0]
            except etree.XMLSyntaxError as e:
                line, column = e.position
                raise DataError(
                    f"Error reading XML file {uri}: not well-formed at line {line}, column "
                    f"{column} ({e.msg}).",
                    code="HIVE_BAD_DATA",
                ) from e
            except CorruptStreamError as e:
                raise DataError(f"Error reading file {uri}: {e}.", code="HIVE_BAD_DATA") from e


class XmlReader:
    """Reads XML row elements with a streaming parser."""

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan an XML scan (property errors are raised here, before any file is read)."""
        stream = XmlStream(ctx.store, table, [f.uri for f in files], ctx.columns)
        name = quote_ident(ctx.register("__lb_xml", stream))
        select = [
            f"CAST({quote_ident(c.name)} AS {duckdb_type(c.type)}) AS {quote_ident(c.name)}"
            for c in table.columns
        ]
        select.append('"$path"')
        return ScanPlan(f"SELECT {', '.join(select)} FROM {name}", sum(f.size for f in files))
