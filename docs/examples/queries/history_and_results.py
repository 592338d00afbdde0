"""Query executions: Athena's record of every statement, and the result files it wrote."""

import tempfile
from pathlib import Path

import lakebed

home = tempfile.mkdtemp()
with lakebed.connect(home) as lb:
    result = lb.sql("SELECT 'a,b' AS s, CAST(NULL AS varchar) AS n, 1e3 AS d, ARRAY[1, 2] AS xs")
    plan = lb.sql("EXPLAIN SELECT 1")

# History survives restarts.
with lakebed.connect(home) as lb:
    execution = lb.query(result.query_id)
    print(execution.state, execution.statement_type, execution.substatement_type)
    print(execution.stats.rows, "row;", execution.completed_at >= execution.submitted_at)

    # <id>.csv: header, every value double-quoted, NULL as an empty unquoted field.
    csv_file = Path(execution.output_location)
    print(csv_file.name == f"{execution.id}.csv")
    print(csv_file.read_text(), end="")
    print(Path(f"{csv_file}.metadata").exists())

    # DDL and utility statements (EXPLAIN, SHOW …) write <id>.txt, tab-separated, no header.
    print(Path(lb.query(plan.query_id).output_location).suffix)
    print([q.id for q in lb.list_queries()] == [plan.query_id, result.query_id])
