"""A tour of Iceberg tables in lakebed (run by tests/iceberg/test_docs.py)."""

from __future__ import annotations

import tempfile

import lakebed
from lakebed.catalog.iceberg import LakebedCatalog
from lakebed.iceberg import evolution, schedule


def main(home: str) -> None:
    with lakebed.connect(home) as lb:
        # 1. Create a partitioned Iceberg table (format v2).
        lb.sql(
            "CREATE TABLE orders (id bigint, customer string, amount double, ts timestamp) "
            "PARTITIONED BY (day(ts), bucket(8, customer)) "
            "TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet', "
            "'write_compression'='zstd')"
        )

        # 2. DML: each statement is one atomic commit and reports its UpdateCount.
        r = lb.sql(
            "INSERT INTO orders VALUES (1, 'ann', 10.0, TIMESTAMP '2024-05-01 09:00:00'), "
            "(2, 'bob', 20.0, TIMESTAMP '2024-05-01 10:00:00'), "
            "(3, 'cid', 30.0, TIMESTAMP '2024-05-02 11:00:00')"
        )
        assert r.update_count == 3
        assert lb.sql("UPDATE orders SET amount = amount * 2 WHERE id = 2").update_count == 1
        assert lb.sql("DELETE FROM orders WHERE customer = 'cid'").update_count == 1
        merged = lb.sql(
            "MERGE INTO orders o USING (SELECT 1 AS id, 15.0 AS amount UNION ALL "
            "SELECT 4, 40.0) s ON o.id = s.id "
            "WHEN MATCHED THEN UPDATE SET amount = s.amount "
            "WHEN NOT MATCHED THEN INSERT (id, customer, amount, ts) "
            "VALUES (s.id, 'dan', s.amount, TIMESTAMP '2024-05-03 12:00:00')"
        )
        assert merged.update_count == 2
        assert lb.sql("SELECT id, amount FROM orders ORDER BY id").fetchall() == [
            (1, 15.0),
            (2, 40.0),
            (4, 40.0),
        ]

        # 3. Time travel and metadata tables.
        first = lb.sql(
            'SELECT snapshot_id FROM "orders$history" ORDER BY made_current_at LIMIT 1'
        ).fetchall()[0][0]
        old = lb.sql(f"SELECT count(*) FROM orders FOR VERSION AS OF {first}").fetchall()
        assert old == [(3,)]
        ops = lb.sql('SELECT operation FROM "orders$snapshots" ORDER BY committed_at')
        assert [o for (o,) in ops.fetchall()] == ["append", "overwrite", "delete", "overwrite"]

        # 4. The same table through PyIceberg.
        table = LakebedCatalog.of(lb).load_table("default.orders")
        assert table.scan().to_arrow().num_rows == 3

        # 5. Evolution and maintenance from Python and SQL.
        from lakebed.catalog.models import Column

        evolution.add_columns(table, [Column("note", "string")])
        lb.sql("ALTER TABLE orders DROP PARTITION FIELD day(ts)")
        lb.sql("ALTER TABLE orders ADD PARTITION FIELD month(ts)")  # old files keep day(ts)
        lb.sql("OPTIMIZE orders REWRITE DATA USING BIN_PACK")
        report = schedule.check(lb, "default", "orders")  # dry run: changes nothing
        print("\n".join(report.actions()) or "nothing to do")
        lb.sql("VACUUM orders")
        assert lb.sql("SELECT count(*) FROM orders WHERE note IS NULL").fetchall() == [(3,)]


if __name__ == "__main__":
    main(tempfile.mkdtemp())
