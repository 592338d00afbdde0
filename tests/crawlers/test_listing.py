from __future__ import annotations

import pytest

from lakebed.crawlers.listing import is_excluded


@pytest.mark.parametrize(
    ("path", "patterns", "excluded"),
    [
        ("a.csv", ("*.csv",), True),
        ("dir/a.csv", ("*.csv",), False),
        ("dir/a.csv", ("**.csv",), True),
        ("dir/sub/a.csv", ("dir/**",), True),
        ("dir", ("dir/**",), True),
        ("other/a.csv", ("dir/**",), False),
        ("x/a1.csv", ("x/a?.csv",), True),
        ("x/a12.csv", ("x/a?.csv",), False),
        ("x/b.csv", ("x/[ab].csv",), True),
        ("x/c.csv", ("x/[!ab].csv",), True),
        ("x/a.json", ("x/*.{csv,json}",), True),
        ("x/a.txt", ("x/*.{csv,json}",), False),
        ("deep/a/b/_tmp.parquet", ("**/_tmp.*",), True),
    ],
)
def test_exclusion_globs_follow_glue(path: str, patterns: tuple[str, ...], excluded: bool) -> None:
    assert is_excluded(path, patterns) is excluded
