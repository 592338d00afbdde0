"""The 100 partitions × buckets limit, enforced while DuckDB produces rows."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from lakebed.errors import InvalidInputError
from lakebed.formats.write.spec import MAX_OPEN_WRITERS


def too_many_writers() -> InvalidInputError:
    """Athena's error for a statement writing more than 100 partitions × buckets."""
    return InvalidInputError(
        f"Exceeded limit of {MAX_OPEN_WRITERS} open writers for partitions/buckets: the "
        "statement writes more. Write fewer partitions per statement (filter the query "
        "and run several INSERT INTO statements) or use fewer buckets.",
        code="HIVE_TOO_MANY_OPEN_PARTITIONS",
    )


class WriterLimit:
    """Stops the query as soon as its rows reach a 101st partition × bucket, before DuckDB
    opens a file for it: a DuckDB function over each chunk's partition keys.
    """

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self._cursor = cursor
        self.name = f"__lb_writer_limit_{uuid.uuid4().hex}"
        self.tripped = False
        self._seen: set[str | None] = set()
        self._lock = threading.Lock()
        cursor.create_function(
            self.name,
            self._check,
            ["VARCHAR", "VARCHAR"],
            "VARCHAR",
            type="arrow",
            side_effects=True,
        )

    def sql(self, first: str, keys: Sequence[str]) -> str:
        """``first`` (the first key's text), counted by the combination of ``keys``."""
        return f"{self.name}({first}, concat_ws(chr(0), {', '.join(keys)}))"

    def _check(self, first: pa.Array, combined: pa.Array) -> pa.Array:
        new = pc.unique(combined).to_pylist()
        with self._lock:
            self._seen.update(new)
            if len(self._seen) > MAX_OPEN_WRITERS:
                self.tripped = True
                raise ValueError("too many partitions")
        return first

    def close(self) -> None:
        self._cursor.remove_function(self.name)
