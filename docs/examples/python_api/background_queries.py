"""Queries in the background: start, poll, wait, cancel."""

import tempfile
import time

import lakebed

LONG = (
    "SELECT count(*) FROM UNNEST(sequence(1, 100000)) AS a(x) "
    "CROSS JOIN UNNEST(sequence(1, 100000)) AS b(y) WHERE x + y = 3"
)

with lakebed.connect(tempfile.mkdtemp()) as lb:
    quick = lb.start_query("SELECT 6 * 7 AS answer")
    print(lb.result(quick).fetchall())  # waits for it

    slow = lb.start_query(LONG)
    while lb.query(slow).state != "RUNNING":
        time.sleep(0.01)
    lb.cancel(slow)
    execution = lb.wait(slow)
    print(execution.state, execution.error["code"])
