"""JSON: JSON-lines files and files holding one top-level array of records, sampled; custom
JSON classifiers pick the records with a JsonPath (``$[*]``, ``$.data.items[*]``...).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lakebed.crawlers.classifiers.base import (
    BaseClassifier,
    Classification,
    FileSample,
    StorageFormat,
)
from lakebed.crawlers.inference import InferredType, Schema, merge_records
from lakebed.errors import InvalidInputError
from lakebed.formats import serdes

MAX_RECORDS = 1000
"""Records of one file that schema inference looks at."""

_DECODER = json.JSONDecoder()


def storage(json_path: str | None = None) -> StorageFormat:
    """OpenX JsonSerDe over text files, as Glue writes JSON tables (``jsonPath`` when the
    records are not one per line).
    """
    params = (("jsonPath", json_path),) if json_path else ()
    return StorageFormat(
        serdes.OPENX_JSON, serdes.TEXT_INPUT, serdes.TEXT_OUTPUT, parameters=params
    )


def _array_items(text: str) -> Iterator[Any]:
    """Elements of a top-level JSON array, decoded one at a time (a cut tail ends the loop)."""
    pos = text.index("[") + 1
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            return
        try:
            item, pos = _DECODER.raw_decode(text, pos)
        except ValueError:
            return
        yield item


def _fold(records: Iterator[Any]) -> tuple[tuple[tuple[str, InferredType], ...], int, bool]:
    """(fields, records seen, whether every record was an object)."""
    fields: tuple[tuple[str, InferredType], ...] = ()
    count = 0
    for record in records:
        if not isinstance(record, dict):
            return fields, count, False
        fields = merge_records(fields, record)
        count += 1
        if count >= MAX_RECORDS:
            break
    return fields, count, True


def serde_paths(schema: Schema) -> dict[str, str]:
    """OpenX JsonSerDe's ``paths``: the top-level keys, comma-separated."""
    return {"paths": ",".join(schema.names)}


class JsonClassifier(BaseClassifier):
    """Glue's built-in ``json`` classifier: JSON lines, or one top-level array of records."""

    name = "json"

    def classify(self, sample: FileSample) -> Classification | None:
        """JSON when the sampled records are objects; certainty is the share of lines that
        parse, and malformed lines are reported as warnings.
        """
        text = sample.text().lstrip()
        if not text or text[0] not in "[{":
            return None
        if text[0] == "[":
            fields, count, objects = _fold(_array_items(text))
            if not count or not objects:
                return None
            return Classification(
                "json",
                Schema(fields),
                storage("$[*]"),
                records=count,
                sample_bytes=len(sample.head),
                classifier=self,
            )
        lines = sample.lines()[:MAX_RECORDS]
        good, bad_lines = [], []
        for n, line in enumerate(lines, 1):
            try:
                good.append(json.loads(line))
            except ValueError:
                bad_lines.append(n)
        fields, count, objects = _fold(iter(good))
        if not count or not objects:
            return None
        warnings = ()
        if bad_lines:
            shown = ", ".join(map(str, bad_lines[:5]))
            warnings = (f"{len(bad_lines)} malformed JSON line(s) skipped (lines {shown}).",)
        return Classification(
            "json",
            Schema(fields),
            storage(),
            certainty=count / len(lines),
            records=count,
            sample_bytes=sum(len(ln) + 1 for ln in lines),
            warnings=warnings,
            classifier=self,
        )

    def serde_parameters(self, schema: Schema, storage: StorageFormat) -> dict[str, str]:
        """``paths``."""
        return serde_paths(schema)


_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[\*\]|\.\*|\['([^']*)'\]|\[\"([^\"]*)\"\]")


def parse_json_path(path: str) -> list[str | int | None]:
    """Steps of a JsonPath: keys (str), indexes (int) and wildcards (None).

    Raises:
        InvalidInputError: the path is not ``$`` followed by dot or bracket steps.
    """
    if not path.startswith("$"):
        raise InvalidInputError(f"JsonPath '{path}' must start with '$'.", code="INVALID_JSON_PATH")
    steps: list[str | int | None] = []
    pos = 1
    while pos < len(path):
        m = _STEP.match(path, pos)
        if m is None:
            raise InvalidInputError(
                f"JsonPath '{path}' is not valid at position {pos}: use $.key, $['key'], "
                "$[0] or $[*].",
                code="INVALID_JSON_PATH",
            )
        key, index, quoted, dquoted = m.groups()
        if key is not None or quoted is not None or dquoted is not None:
            steps.append(key or quoted or dquoted)
        elif index is not None:
            steps.append(int(index))
        else:
            steps.append(None)
        pos = m.end()
    return steps


def _select(value: Any, steps: list[str | int | None]) -> Iterator[Any]:
    if not steps:
        yield value
        return
    step, rest = steps[0], steps[1:]
    if step is None:
        items = (
            value
            if isinstance(value, list)
            else (value.values() if isinstance(value, dict) else [])
        )
        for item in items:
            yield from _select(item, rest)
    elif isinstance(step, int):
        if isinstance(value, list) and step < len(value):
            yield from _select(value[step], rest)
    elif isinstance(value, dict) and step in value:
        yield from _select(value[step], rest)


class JsonPathClassifier(BaseClassifier):
    """A custom JSON classifier: records are what ``json_path`` selects in each document."""

    def __init__(self, name: str, json_path: str) -> None:
        self.name = name
        self.json_path = json_path
        self._steps = parse_json_path(json_path)

    def classify(self, sample: FileSample) -> Classification | None:
        """JSON records selected by the path; ``$[*]`` streams a cut top-level array,
        other paths need the whole document inside the sample.
        """
        text = sample.text().strip()
        if not text or text[0] not in "[{":
            return None
        if self._steps == [None] and text[0] == "[":
            records: Iterator[Any] = _array_items(text)
        else:
            docs: list[Any] = []
            try:
                docs.append(json.loads(text))
            except ValueError:
                for line in sample.lines():  # JSON lines: the path applies to each line
                    try:
                        docs.append(json.loads(line))
                    except ValueError:
                        return None
            records = (r for doc in docs for r in _select(doc, self._steps))
        fields, count, objects = _fold(records)
        if not count or not objects:
            return None
        return Classification(
            "json",
            Schema(fields),
            storage(self.json_path),
            records=count,
            sample_bytes=len(sample.head),
            classifier=self,
        )

    def serde_parameters(self, schema: Schema, storage: StorageFormat) -> dict[str, str]:
        """``paths``."""
        return serde_paths(schema)
