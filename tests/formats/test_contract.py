"""The reader contract, for every built-in reader: the relation has the table's data columns in
order with their declared types, then "$path"; partitions and hidden columns attach to it.
"""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.orc as po
import pyarrow.parquet as pq
import pytest

import lakebed
from lakebed.catalog import Partition
from lakebed.catalog.models import Column, Table
from lakebed.engines.duckdb import extension_path
from lakebed.formats import ScanContext, ScanFile, extension_loader, reader_for, serdes
from lakebed.storage import ObjectStore

COLUMNS = (Column("id", "int"), Column("name", "string"), Column("price", "decimal(10,2)"))
TYPES = ["INTEGER", "VARCHAR", "DECIMAL(10,2)", "VARCHAR"]


def _write(kind: str, path: Path) -> None:
    rows = {"id": [1], "name": ["a"], "price": [1.5]}
    if kind == "parquet":
        pq.write_table(pa.table(rows), path)
    elif kind == "orc":
        po.write_table(pa.table(rows), path)
    elif kind == "avro":
        con = duckdb.connect()
        con.execute(f"LOAD '{extension_path('avro')}'")
        con.execute(f"COPY (SELECT 1 AS id, 'a' AS name, 1.5 AS price) TO '{path}' (FORMAT avro)")
    elif kind == "json":
        path.write_text('{"id": 1, "name": "a", "price": 1.5}\n')
    elif kind == "csv":
        path.write_text('"1","a","1.5"\n')
    elif kind == "regex":
        path.write_text("1 a 1.5\n")
    elif kind == "ion":
        path.write_text('{id: 1, name: "a", price: 1.5}\n')
    elif kind == "xml":
        path.write_text("<rows><r><id>1</id><name>a</name><price>1.5</price></r></rows>")
    else:
        path.write_bytes(gzip.compress(b"1,a,1.5\n"))


CASES = {
    "parquet": (serdes.PARQUET, {}),
    "orc": (serdes.ORC, {}),
    "avro": (serdes.AVRO, {}),
    "json": (serdes.OPENX_JSON, {}),
    "hive-json": (serdes.HIVE_JSON, {}),
    "csv": (serdes.OPEN_CSV, {}),
    "regex": (serdes.REGEX, {"input.regex": r"(\S+) (\S+) (\S+)"}),
    "grok": (serdes.GROK, {"input.format": "%{INT:id} %{WORD:name} %{NUMBER:price}"}),
    "text.gz": (serdes.LAZY_SIMPLE, {"field.delim": ","}),
    "ion": (serdes.ION, {}),
    "xml": (serdes.XML, {"rowTag": "r"}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_relation_has_data_columns_with_declared_types_then_path(
    lb: lakebed.Lakebed, lake_dir: Path, case: str
) -> None:
    serde, params = CASES[case]
    kind = case.split("-")[-1] if case != "grok" else "regex"
    path = lake_dir / f"f.{kind}"
    _write(kind, path)
    table = Table(
        "default",
        "t",
        columns=COLUMNS,
        location=str(lake_dir),
        serde_library=serde,
        serde_parameters=params,
    )
    con = lb.engine.cursor()
    registered: dict[str, object] = {}

    def register(name: str, source: object) -> str:
        registered[name] = source
        return name

    store = ObjectStore(lb.settings)
    ctx = ScanContext(store, None, register, extension_loader(con))
    plan = reader_for(table).scan(table, [ScanFile(str(path), path.stat().st_size)], ctx)
    for name, source in registered.items():
        con.register(name, source)
    described = con.execute(f"DESCRIBE {plan.sql}").fetchall()
    assert [(r[0], r[1]) for r in described] == list(
        zip(["id", "name", "price", "$path"], TYPES, strict=True)
    )
    assert con.execute(plan.sql).fetchall() == [(1, "a", pytest.approx(1.5), str(path))]
    assert plan.bytes_scanned > 0


def test_partitioned_text_table_gets_partition_and_hidden_columns(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    for day, body in (("2024-01-01", b'{"a": 1}\n'), ("2024-01-02", b'{"a": 2}\n{"a": 3}\n')):
        (lake_dir / f"dt={day}").mkdir()
        (lake_dir / f"dt={day}" / "f.json.gz").write_bytes(gzip.compress(body))
    lb.sql(
        "CREATE EXTERNAL TABLE t (a int) PARTITIONED BY (dt date) "
        "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
        f"LOCATION '{lake_dir}/'"
    )
    table = lb.catalog.get_table("default", "t")
    lb.catalog.add_partitions(
        table, [Partition((d,), str(lake_dir / f"dt={d}")) for d in ("2024-01-01", "2024-01-02")]
    )
    res = lb.sql(
        'SELECT a, dt, "$path", "$file_size" > 0 FROM t WHERE dt > DATE \'2024-01-01\' ORDER BY a'
    )
    path = str(lake_dir / "dt=2024-01-02" / "f.json.gz")
    rows = res.fetchall()
    assert [r[:2] for r in rows] == [(2, dt.date(2024, 1, 2)), (3, dt.date(2024, 1, 2))]
    assert rows[0][2:] == (path, True)
    assert res.stats.data_scanned_bytes == Path(path).stat().st_size


def test_reader_error_codes_are_not_taken_from_user_values(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.QueryError) as e:
        lb.sql("SELECT CAST('HIVE_BAD_DATA: not from a reader' AS INTEGER)")
    assert e.value.code == "INVALID_CAST_ARGUMENT"
