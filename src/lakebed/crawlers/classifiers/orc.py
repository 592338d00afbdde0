"""ORC: recognised by its ``ORC`` magic; the schema comes from the file footer."""

from __future__ import annotations

import pyarrow.orc as po

from lakebed.crawlers.classifiers.base import (
    BadFileError,
    BaseClassifier,
    Classification,
    FileSample,
    StorageFormat,
)
from lakebed.crawlers.classifiers.parquet import arrow_schema
from lakebed.formats import serdes

STORAGE = StorageFormat(serdes.ORC, serdes.ORC_INPUT, serdes.ORC_OUTPUT)


class OrcClassifier(BaseClassifier):
    """Glue's built-in ``orc`` classifier."""

    name = "orc"

    def classify(self, sample: FileSample) -> Classification | None:
        """ORC when the file starts with ``ORC``.

        Raises:
            BadFileError: the magic is there but the footer is not readable.
        """
        if not sample.head.startswith(b"ORC") or sample.compression:
            return None
        try:
            with sample.open() as f:
                orc = po.ORCFile(f)
                schema, rows = orc.schema, orc.nrows
        except Exception as e:  # pyarrow raises several types for corrupt files
            raise BadFileError(f"is not a valid ORC file ({e}).") from e
        return Classification(
            "orc",
            arrow_schema(schema),
            STORAGE,
            records=rows,
            sample_bytes=sample.size,
            classifier=self,
        )
