"""Prometheus metrics: HTTP requests and latencies, query executions by state, bytes scanned.

Query figures are read from the metastore at scrape time, so they are exact across every
server process sharing it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

if TYPE_CHECKING:
    from lakebed.client.embedded import Lakebed

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _QueryCollector:
    def __init__(self, lb: Lakebed) -> None:
        self._lb = lb

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        totals = self._lb.queries.totals()
        by_state = GaugeMetricFamily(
            "lakebed_queries", "Query executions in the history, by state", labels=["state"]
        )
        scanned = CounterMetricFamily(
            "lakebed_data_scanned_bytes",
            "Bytes scanned by queries, by final state",
            labels=["state"],
        )
        for state, (count, scanned_bytes) in sorted(totals.items()):
            by_state.add_metric([state], count)
            scanned.add_metric([state], scanned_bytes)
        yield by_state
        yield scanned


class Metrics:
    """The server's metrics registry."""

    def __init__(self, lb: Lakebed) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "lakebed_http_requests",
            "HTTP requests by API operation and status",
            ["operation", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "lakebed_http_request_seconds",
            "HTTP request latency by API operation",
            ["operation"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.registry.register(_QueryCollector(lb))  # type: ignore[arg-type]

    def observe(self, operation: str, status: int, seconds: float) -> None:
        """Count one request."""
        self.requests.labels(operation, str(status)).inc()
        self.latency.labels(operation).observe(seconds)

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)
