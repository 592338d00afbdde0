r"""Delimited text: the built-in ``csv`` classifier (delimiters ``,`` ``|`` tab ``;`` ``\x01``,
quoting, Glue's header heuristic) and custom CSV classifiers.

Glue's header heuristic, applied as written in its docs: the first row is a header when every
value in it is a string, every value but the last is shorter than 150 characters, there are
at least two columns and two rows, and at least one data column is not a string (the header
must differ from the data). Otherwise the columns are ``col0, col1, ...`` and the first row is
data (the "all-string header" fallback).
"""

from __future__ import annotations

import csv
import io
import re

from lakebed.crawlers.classifiers.base import (
    BaseClassifier,
    Classification,
    FileSample,
    StorageFormat,
)
from lakebed.crawlers.inference import (
    NULL,
    STRING,
    InferredType,
    Scalar,
    Schema,
    merge_types,
    type_of_text,
)
from lakebed.formats import serdes

MAX_ROWS = 1000
BUILTIN_DELIMITERS = (",", "|", "\t", ";", "\x01")
_NAME_OK = re.compile(r"^[^\x00-\x1f`\"]{1,255}$")

# CustomDatatypes names → the Hive type each allows, narrowest first.
CUSTOM_DATATYPES = {
    "BOOLEAN": "boolean",
    "SHORT": "smallint",
    "INT": "int",
    "LONG": "bigint",
    "FLOAT": "float",
    "DOUBLE": "double",
    "DECIMAL": "decimal(38,18)",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "BINARY": "binary",
    "STRING": "string",
}
_WIDER = {
    "smallint": ("int", "bigint", "double"),
    "int": ("bigint", "double"),
    "bigint": ("double",),
    "float": ("double",),
    "date": ("timestamp",),
}


def text_storage(delimiter: str, quote: str | None, serde: str | None = None) -> StorageFormat:
    """LazySimpleSerDe for plain delimited text; OpenCSVSerde when fields are quoted (or
    when ``serde`` asks for it), with the parameters Glue writes.
    """
    quoted = quote is not None
    use_open_csv = serde == "OpenCSVSerDe" or (serde is None and quoted)
    params = (
        ("areColumnsQuoted", str(quoted).lower()),
        ("columnsOrdered", "true"),
        ("delimiter", delimiter),
    )
    if use_open_csv:
        serde_params: tuple[tuple[str, str], ...] = (
            ("escapeChar", "\\"),
            ("quoteChar", quote or '"'),
            ("separatorChar", delimiter),
        )
        return StorageFormat(
            serdes.OPEN_CSV, serdes.TEXT_INPUT, serdes.TEXT_OUTPUT, serde_params, params
        )
    return StorageFormat(
        serdes.LAZY_SIMPLE,
        serdes.TEXT_INPUT,
        serdes.TEXT_OUTPUT,
        (("field.delim", delimiter),),
        params,
    )


def split_rows(sample: FileSample, delimiter: str, quote: str) -> tuple[list[list[str]], bool]:
    """(rows of the sample, whether any field was quoted)."""
    lines = sample.lines()[:MAX_ROWS]
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter, quotechar=quote))
    quoted = any(quote in ln for ln in lines)
    return rows, quoted


def _column_types(rows: list[list[str]], width: int, *, trim: bool = True) -> list[InferredType]:
    """Each column's type; without ``trim``, a value with surrounding spaces is a string."""
    types: list[InferredType] = [NULL] * width
    for row in rows:
        for i, value in enumerate(row[:width]):
            padded = not trim and value != value.strip()
            types[i] = merge_types(types[i], STRING if padded else type_of_text(value))
    return types


def _is_header(header: list[str], data_types: list[InferredType]) -> bool:
    if not all(type_of_text(v) in (STRING,) for v in header):
        return False
    if any(len(v) >= 150 for v in header[:-1]):
        return False
    if not all(_NAME_OK.match(v.strip()) for v in header):
        return False
    return any(t not in (STRING, NULL) for t in data_types)


def header_names(header: list[str]) -> list[str]:
    """Column names from a header row: trimmed, lower case, blanks and repeats numbered."""
    names: list[str] = []
    for i, raw in enumerate(header):
        name = raw.strip().lower() or f"col{i}"
        while name in names:
            name = f"{name}_{i}"
        names.append(name)
    return names


def _schema(names: list[str], types: list[InferredType]) -> Schema:
    return Schema(tuple(zip(names, types, strict=True)), by_position=True)


class CsvClassifier(BaseClassifier):
    """Glue's built-in ``csv`` classifier."""

    name = "csv"

    def classify(self, sample: FileSample) -> Classification | None:
        """The first delimiter (in Glue's order) that splits every sampled line into the same
        number (≥ 2) of fields.
        """
        for delimiter in BUILTIN_DELIMITERS:
            rows, quoted = split_rows(sample, delimiter, '"')
            if len(rows) < 1 or len(rows[0]) < 2:
                continue
            if any(len(r) != len(rows[0]) for r in rows):
                continue
            return _classify_rows(
                self, rows, delimiter, '"' if quoted else None, header=None, sample=sample
            )
        return None


def _classify_rows(
    classifier: BaseClassifier,
    rows: list[list[str]],
    delimiter: str,
    quote: str | None,
    *,
    header: bool | None,
    sample: FileSample,
    serde: str | None = None,
    names: list[str] | None = None,
    allowed: list[str] | None = None,
    trim: bool = True,
) -> Classification:
    width = len(rows[0])
    if header is None:
        header = len(rows) >= 2 and _is_header(rows[0], _column_types(rows[1:], width))
    data = rows[1:] if header else rows
    types = _column_types(data, width, trim=trim)
    if allowed is not None:
        types = [_restrict(t, allowed) for t in types]
    if names is None:
        names = header_names(rows[0]) if header else [f"col{i}" for i in range(width)]
    st = text_storage(delimiter, quote, serde)
    if header:
        st = StorageFormat(
            st.serde_library,
            st.input_format,
            st.output_format,
            st.serde_parameters,
            (*st.parameters, ("skip.header.line.count", "1")),
        )
    return Classification(
        "csv",
        _schema(names, types),
        st,
        records=len(data),
        sample_bytes=len(sample.head),
        classifier=classifier,
    )


def _restrict(t: InferredType, allowed: list[str]) -> InferredType:
    """The narrowest allowed type that holds ``t`` (``string`` when none does)."""
    if not isinstance(t, Scalar) or t == NULL:
        return t
    if t.name in allowed:
        return t
    for wider in _WIDER.get(t.name, ()):
        if wider in allowed:
            return Scalar(wider)
    return STRING


class CustomCsvClassifier(BaseClassifier):
    """A custom CSV classifier (Glue's ``CsvClassifier``)."""

    def __init__(
        self,
        name: str,
        *,
        delimiter: str = ",",
        quote_symbol: str = '"',
        contains_header: str = "UNKNOWN",
        header: list[str] | None = None,
        disable_value_trimming: bool = False,
        allow_single_column: bool = False,
        custom_datatype_configured: bool = False,
        custom_datatypes: list[str] | None = None,
        serde: str | None = None,
    ) -> None:
        self.name = name
        self.delimiter = delimiter
        self.quote = quote_symbol
        self.contains_header = contains_header
        self.header = [h.lower() for h in header] if header else None
        self.disable_value_trimming = disable_value_trimming
        self.allow_single_column = allow_single_column
        self.allowed = (
            [CUSTOM_DATATYPES[d.upper()] for d in custom_datatypes or ["STRING"]]
            if custom_datatype_configured
            else None
        )
        self.serde = None if serde in (None, "None") else serde

    def classify(self, sample: FileSample) -> Classification | None:
        """Rows split by the configured delimiter and quote, all of one width."""
        rows, quoted = split_rows(sample, self.delimiter, self.quote)
        if not rows:
            return None
        width = len(rows[0])
        if width < (1 if self.allow_single_column else 2):
            return None
        if any(len(r) != width for r in rows):
            return None
        if self.header is not None and len(self.header) != width:
            return None
        header = {"PRESENT": True, "ABSENT": False}.get(self.contains_header)
        return _classify_rows(
            self,
            rows,
            self.delimiter,
            self.quote if quoted else None,
            header=header,
            sample=sample,
            serde=self.serde,
            names=self.header,
            allowed=self.allowed,
            trim=not self.disable_value_trimming,
        )
