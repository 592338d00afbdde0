"""Workgroups: result location, enforcement, limits, enabled state."""

import tempfile
from pathlib import Path

import lakebed

root = Path(tempfile.mkdtemp())
with lakebed.connect(root / "home") as lb:
    print([wg.name for wg in lb.list_workgroups()])  # primary always exists

    lb.create_workgroup(
        "analysts",
        description="ad-hoc queries",
        output_location=str(root / "analyst-results"),
        enforce_configuration=True,  # clients cannot choose another result location
        bytes_scanned_cutoff=1_000_000_000,  # cancel queries that would scan more than 1 GB
        max_concurrent_queries=4,  # the fifth waits QUEUED for a free slot
    )
    result = lb.sql("SELECT 1", workgroup="analysts", output_location=str(root / "elsewhere"))
    print(Path(result.execution.output_location).parent.name)

    lb.update_workgroup("analysts", state="DISABLED")
    try:
        lb.sql("SELECT 1", workgroup="analysts")
    except lakebed.InvalidInputError as e:
        print(e.code)
