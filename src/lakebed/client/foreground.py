"""Statements run in the foreground of a terminal: Ctrl-C cancels the running one.

The statement runs on a worker thread while this thread waits: the ``KeyboardInterrupt``
reaches the waiting thread at once, whatever DuckDB is doing, and the query is cancelled the
way ``lakebed queries cancel`` cancels it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lakebed.client.embedded import Lakebed
    from lakebed.client.remote import RemoteLakebed
    from lakebed.client.result import QueryResult


def run_in_foreground(lake: Lakebed | RemoteLakebed, text: str, **kwargs: Any) -> QueryResult:
    """Run one statement (``sql``'s keywords) and wait for its result.

    Raises:
        QueryError: the statement failed, or Ctrl-C cancelled it (``USER_CANCELLED``; its
            result is returned instead when it finished before the cancel arrived).
    """
    query_id = lake.start_query(text, **kwargs)
    try:
        return lake.result(query_id)
    except KeyboardInterrupt:
        lake.cancel(query_id)
        return lake.result(query_id)
