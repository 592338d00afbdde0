"""docs/crawlers.md: a small lake, a crawler over it, and its dry run."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import lakebed


def build_lake(lake: Path) -> None:
    """Hive-style partitions, unnamed partitions, a CSV folder and a stray file."""
    for day in ("2024-01-01", "2024-01-02"):
        folder = lake / "sales" / f"dt={day}"
        folder.mkdir(parents=True)
        pq.write_table(pa.table({"id": [1, 2], "amount": [9.5, 3.0]}), folder / "part-0.parquet")
    for region in ("eu", "us"):
        folder = lake / "clicks" / region
        folder.mkdir(parents=True)
        (folder / "c.json").write_text('{"user": "a", "ts": 1, "tags": ["x"]}\n')
    (lake / "customers").mkdir()
    (lake / "customers" / "c.csv").write_text("id,name,since\n1,ann,2020-01-01\n2,bob,2021-06-30\n")
    (lake / "customers" / "notes.txt").write_text("one column\nof free text\n")


def main() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        lake = Path(tmp) / "lake"
        build_lake(lake)
        with lakebed.connect(Path(tmp) / "home") as lb:
            lb.crawlers.create_crawler(
                {
                    "Name": "raw",
                    "DatabaseName": "default",
                    "Targets": {"S3Targets": [{"Path": str(lake)}]},
                }
            )
            report = lb.crawlers.dry_run("raw")
            from lakebed.crawlers.dryrun import render

            text = render(report, crawler="raw")
        return text.replace(str(lake), "/data/lake")


if __name__ == "__main__":
    print(main())
