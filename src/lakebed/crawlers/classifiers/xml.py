"""XML: records are the elements named by the row tag (a custom classifier's ``RowTag``, or
for the built-in classifier the first child of the root). Attributes become fields named
``_<attribute>`` and child elements become fields, structs (when they have children or
attributes) or arrays (when repeated), as Glue's XML reader does.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lakebed.crawlers.classifiers.base import (
    BaseClassifier,
    Classification,
    FileSample,
    StorageFormat,
)
from lakebed.crawlers.inference import (
    NULL,
    STRING,
    Array,
    IncompatibleTypes,
    InferredType,
    Schema,
    Struct,
    merge_fields,
    merge_types,
    type_of_text,
)
from lakebed.formats import serdes

MAX_RECORDS = 1000

ATTRIBUTE_PREFIX = "_"


def storage(row_tag: str) -> StorageFormat:
    """The Hive XML SerDe reading ``<row_tag>`` elements (``xmlinput.start``/``end``)."""
    return StorageFormat(
        serdes.XML,
        serdes.XML_INPUT,
        serdes.XML_OUTPUT,
        parameters=(
            ("rowTag", row_tag),
            ("xmlinput.start", f"<{row_tag}"),
            ("xmlinput.end", f"</{row_tag}>"),
        ),
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def element_type(el: ET.Element) -> InferredType:
    """The type of one element: text → scalar; attributes or children → struct."""
    children = list(el)
    if not children and not el.attrib:
        return type_of_text(el.text or "") if (el.text or "").strip() else NULL
    return Struct(_element_fields(el))


def _element_fields(el: ET.Element) -> tuple[tuple[str, InferredType], ...]:
    fields: dict[str, InferredType] = {}
    for key, value in el.attrib.items():
        fields[f"{ATTRIBUTE_PREFIX}{_local(key).lower()}"] = type_of_text(value)
    counts: dict[str, int] = {}
    for child in el:
        name = _local(child.tag).lower()
        counts[name] = counts.get(name, 0) + 1
    for child in el:
        name = _local(child.tag).lower()
        t = element_type(child)
        if counts[name] > 1:
            t = Array(t)
        if name in fields:
            try:
                fields[name] = merge_types(fields[name], t)
            except IncompatibleTypes:
                fields[name] = STRING
        else:
            fields[name] = t
    return tuple(fields.items())


def read_rows(sample: FileSample, row_tag: str | None) -> tuple[str | None, list[ET.Element]]:
    """(row tag, row elements) from the sample; a cut tail ends the parse quietly."""
    parser = ET.XMLPullParser(events=("start", "end"))
    rows: list[ET.Element] = []
    depth = 0
    root: ET.Element | None = None
    try:
        parser.feed(sample.head)
        if sample.complete:
            parser.close()
    except ET.ParseError:
        pass
    try:
        for event, el in parser.read_events():
            if event == "start":
                depth += 1
                if depth == 1:
                    root = el
                elif depth == 2 and row_tag is None:
                    row_tag = _local(el.tag)
                continue
            depth -= 1
            if row_tag is not None and _local(el.tag) == row_tag and el is not root:
                rows.append(el)
                if len(rows) >= MAX_RECORDS:
                    break
    except ET.ParseError:
        pass
    return row_tag, rows


class XmlClassifier(BaseClassifier):
    """The built-in ``xml`` classifier (row tag: the root's first child), or a custom XML
    classifier when ``row_tag`` is given.
    """

    def __init__(
        self, name: str = "xml", row_tag: str | None = None, classification: str = "xml"
    ) -> None:
        self.name = name
        self.row_tag = row_tag
        self.classification = classification

    def classify(self, sample: FileSample) -> Classification | None:
        """XML when the sample parses and holds at least one row element."""
        if not sample.text().lstrip().startswith("<"):
            return None
        row_tag, rows = read_rows(sample, self.row_tag)
        if row_tag is None or not rows:
            return None
        fields: tuple[tuple[str, InferredType], ...] = ()
        for row in rows:
            row_fields = _element_fields(row)
            if not row.attrib and not list(row):
                row_fields = (("value", element_type(row)),)
            try:
                fields = merge_fields(fields, row_fields)
            except IncompatibleTypes:
                continue
        if not fields:
            return None
        return Classification(
            self.classification,
            Schema(fields),
            storage(row_tag),
            records=len(rows),
            sample_bytes=len(sample.head),
            classifier=self,
        )

    def serde_parameters(self, schema: Schema, storage: StorageFormat) -> dict[str, str]:
        """``column.xpath.<column>`` for every column (attributes as ``@name``)."""
        row_tag = dict(storage.parameters)["rowTag"]
        out = {}
        for name, t in schema.fields:
            if name.startswith(ATTRIBUTE_PREFIX):
                out[f"column.xpath.{name}"] = f"/{row_tag}/@{name[len(ATTRIBUTE_PREFIX) :]}"
            elif isinstance(t, Struct | Array):
                out[f"column.xpath.{name}"] = f"/{row_tag}/{name}"
            else:
                out[f"column.xpath.{name}"] = f"/{row_tag}/{name}/text()"
        return out
