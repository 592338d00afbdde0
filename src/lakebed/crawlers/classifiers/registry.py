"""Which classifier decides a file: custom classifiers first (in the crawler's order), then
the built-ins in Glue's order. The first answer with certainty 1.0 wins; otherwise the most
certain answer; with none, the file is ``UNKNOWN``
(https://docs.aws.amazon.com/glue/latest/dg/add-classifier.html).
"""

from __future__ import annotations

from collections.abc import Sequence

from lakebed.crawlers.classifiers.avro import AvroClassifier
from lakebed.crawlers.classifiers.base import Classification, Classifier, FileSample
from lakebed.crawlers.classifiers.csv import CsvClassifier, CustomCsvClassifier
from lakebed.crawlers.classifiers.ion import IonClassifier
from lakebed.crawlers.classifiers.json import JsonClassifier, JsonPathClassifier
from lakebed.crawlers.classifiers.logs import GrokClassifier, builtin_log_classifiers
from lakebed.crawlers.classifiers.orc import OrcClassifier
from lakebed.crawlers.classifiers.parquet import ParquetClassifier
from lakebed.crawlers.classifiers.xml import XmlClassifier
from lakebed.crawlers.models import (
    ClassifierSpec,
    CsvClassifierSpec,
    GrokClassifierSpec,
    JsonClassifierSpec,
    XMLClassifierSpec,
)


def builtin_classifiers() -> list[Classifier]:
    """The built-in classifiers in Glue's order."""
    return [
        AvroClassifier(),
        OrcClassifier(),
        ParquetClassifier(),
        JsonClassifier(),
        XmlClassifier(),
        IonClassifier(),
        *builtin_log_classifiers(),
        CsvClassifier(),
    ]


BUILTIN_NAMES = tuple(c.name for c in builtin_classifiers())


def from_spec(spec: ClassifierSpec) -> Classifier:
    """The classifier a stored custom classifier definition describes.

    Raises:
        InvalidInputError: the definition does not compile (bad grok or JsonPath).
    """
    if isinstance(spec, GrokClassifierSpec):
        return GrokClassifier(
            spec.name, spec.classification, spec.grok_pattern, spec.custom_patterns
        )
    if isinstance(spec, XMLClassifierSpec):
        return XmlClassifier(spec.name, spec.row_tag, spec.classification)
    if isinstance(spec, JsonClassifierSpec):
        return JsonPathClassifier(spec.name, spec.json_path)
    assert isinstance(spec, CsvClassifierSpec)
    return CustomCsvClassifier(
        spec.name,
        delimiter=spec.delimiter,
        quote_symbol=spec.quote_symbol,
        contains_header=spec.contains_header,
        header=list(spec.header) or None,
        disable_value_trimming=spec.disable_value_trimming,
        allow_single_column=spec.allow_single_column,
        custom_datatype_configured=spec.custom_datatype_configured,
        custom_datatypes=list(spec.custom_datatypes),
        serde=spec.serde,
    )


def classify(
    sample: FileSample, custom: Sequence[Classifier], builtins: Sequence[Classifier]
) -> Classification | None:
    """Glue's resolution over ``custom`` then ``builtins``; None means ``UNKNOWN``.

    Raises:
        BadFileError: a classifier recognised the file's format but the file is broken.
    """
    best: Classification | None = None
    for classifier in (*custom, *builtins):
        result = classifier.classify(sample)
        if result is None or result.certainty <= 0.0:
            continue
        if result.certainty >= 1.0:
            return result
        if best is None or result.certainty > best.certainty:
            best = result
    return best
