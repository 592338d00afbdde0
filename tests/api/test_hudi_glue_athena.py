"""The seed's Hudi workflow through the AWS APIs: a Merge-on-Read table written by Spark + Hudi
(tests/formats/data/hudi), registered through Glue as Hudi's Hive sync does, queried through
Athena with boto3.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

HUDI = Path(__file__).parents[1] / "formats" / "data" / "hudi"
EXPECTED = json.loads((HUDI / "expected.json").read_text())
REALTIME = "org.apache.hudi.hadoop.realtime.HoodieParquetRealtimeInputFormat"


def _query(athena: Any, sql: str) -> dict[str, Any]:
    qid = athena.start_query_execution(
        QueryString=sql, QueryExecutionContext={"Database": "default"}
    )["QueryExecutionId"]
    while True:
        q = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
        if q["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            return q
        time.sleep(0.02)


def test_glue_registered_merge_on_read_table_answers_athena_like_spark(
    server: Any, tmp_path: Path
) -> None:
    where = tmp_path / "mor"
    shutil.copytree(HUDI / "mor", where)
    glue, athena = server.client("glue"), server.client("athena")
    columns = [
        {"Name": n, "Type": "string"} for n in ("_hoodie_commit_time", "_hoodie_record_key", "name")
    ] + [{"Name": "id", "Type": "int"}]
    parquet = {
        "InputFormat": REALTIME,
        "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "SerdeInfo": {
            "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
        },
    }
    glue.create_table(
        DatabaseName="default",
        TableInput={
            "Name": "tickets_rt",
            "TableType": "EXTERNAL_TABLE",
            "PartitionKeys": [{"Name": "region", "Type": "string"}],
            "StorageDescriptor": {"Columns": columns, "Location": str(where), **parquet},
        },
    )
    glue.batch_create_partition(
        DatabaseName="default",
        TableName="tickets_rt",
        PartitionInputList=[
            {
                "Values": [region],
                "StorageDescriptor": {"Location": f"{where}/region={region}", **parquet},
            }
            for region in ("ap", "eu", "us")
        ],
    )
    q = _query(athena, "SELECT id, name, region FROM tickets_rt ORDER BY id")
    assert q["Status"]["State"] == "SUCCEEDED", q["Status"]
    rows = athena.get_query_results(QueryExecutionId=q["QueryExecutionId"])["ResultSet"]["Rows"]
    got = [tuple(c["VarCharValue"] for c in r["Data"]) for r in rows[1:]]
    assert got == [(str(r["id"]), r["name"], r["region"]) for r in EXPECTED["mor"]["snapshot"]]

    q = _query(athena, "INSERT INTO tickets_rt (id, name, region) VALUES (9, 'x', 'eu')")
    assert q["Status"]["State"] == "FAILED"
    assert "NOT_SUPPORTED" in q["Status"]["AthenaError"]["ErrorMessage"]
    assert "Hudi table" in q["Status"]["AthenaError"]["ErrorMessage"]
