# ruff: noqa: E501
"""Known gaps in the Trino corpus: statement -> why lakebed's answer differs.

Strict expected failures: when a fix makes a statement pass, remove it here.
"""

from __future__ import annotations

KNOWN_GAPS: dict[str, str] = {
    "SELECT reduce(ARRAY[1.5, 2.5], 0, (s, x) -> s + x, s -> s)": "Trino fails with GENERIC_INTERNAL_ERROR (its signature solver does not converge on an integer start and a decimal step); lakebed answers 4.0 as decimal(12,1), the start widened to the step's type",
    "SELECT numeric_histogram(2, x) FROM (VALUES 1e0, 2e0, 10e0) AS t(x)": "numeric_histogram is not implemented: Trino merges the closest bins (its NumericHistogram), which no DuckDB aggregate does; lakebed fails with FUNCTION_NOT_FOUND",
}
