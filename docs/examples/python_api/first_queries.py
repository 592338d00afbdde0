"""The Python API: run statements, read results and statistics, handle errors."""

import tempfile

import lakebed

with lakebed.connect(tempfile.mkdtemp()) as lb:
    # lb.sql runs one statement and waits for it.
    result = lb.sql("SELECT x, x * x AS square FROM UNNEST(sequence(1, 4)) AS t(x) ORDER BY x")
    print([(c.name, c.type) for c in result.columns])
    print(result.fetchone())  # rows stream from the result file
    print(result.fetchmany(2))
    print(result.fetchall())
    print(result.arrow().num_rows, "rows as Arrow;", int(result.df()["square"].sum()), "in pandas")
    print(result.stats.rows, result.stats.data_scanned_bytes, result.stats.total_ms >= 0)

    # ? placeholders take Python values, bound as SQL literals (never spliced into the text).
    print(lb.sql("SELECT ? AS name, ? + 1 AS next", parameters=["O'Brien", 41]).fetchall())

    # Every error is a lakebed.QueryError subclass with a stable code and the query id.
    try:
        lb.sql("SELECT * FROM no_such_table")
    except lakebed.NotFoundError as e:
        print(e.code, e.query_id == lb.list_queries(limit=1)[0].id)
        print(lb.query(e.query_id).state)
