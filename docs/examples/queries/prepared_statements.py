"""Prepared statements, execution parameters, result reuse, named queries and EXPLAIN."""

import tempfile

import lakebed

with lakebed.connect(tempfile.mkdtemp()) as lb:
    lb.sql("""
        CREATE VIEW cities AS
        SELECT * FROM (VALUES ('Oslo', 709000), ('Lima', 10092000), ('Bergen', 291000))
            AS t(name, population)
    """)

    # PREPARE … FROM, then EXECUTE … USING (values bind to the ? in order).
    lb.sql("PREPARE bigger_than FROM SELECT name FROM cities WHERE population > ? ORDER BY name")
    print(lb.sql("EXECUTE bigger_than USING 500000").fetchall())
    print(lb.sql("EXECUTE bigger_than", parameters=[1_000_000]).fetchall())
    print([p.name for p in lb.list_prepared_statements()])
    lb.sql("DEALLOCATE PREPARE bigger_than")

    # Result reuse: the same query within the max age answers from the earlier result.
    first = lb.sql("SELECT count(*) FROM cities", reuse_max_age_minutes=60)
    again = lb.sql("SELECT count(*) FROM cities", reuse_max_age_minutes=60)
    print(again.reused_previous_result, again.execution.reused_from == first.query_id)

    # Named queries are saved texts.
    saved = lb.create_named_query("largest", "SELECT max(population) FROM cities")
    print(lb.sql(lb.get_named_query(saved).query).fetchall())

    # EXPLAIN shows DuckDB's plan, one line per row; EXPLAIN ANALYZE runs it and profiles.
    plan = lb.sql("EXPLAIN SELECT name FROM cities WHERE population > 500000")
    print(plan.columns[0].name, any("FILTER" in line for (line,) in plan.fetchall()))
