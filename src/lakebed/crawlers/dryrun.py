"""The dry run's report: tables, columns, partitions, the changes a crawl would make, why
each folder became a table root or a partition, and the per-file errors.
"""

from __future__ import annotations

from lakebed.crawlers.crawl import CrawlPlan

MAX_PARTITIONS_SHOWN = 5


def render(plan: CrawlPlan, *, crawler: str) -> str:
    """The plan as text, one section per table."""
    lines = [f"Dry run of crawler '{crawler}': nothing was written.", ""]
    lines += [f"Note: {n}" for n in plan.notes]
    for tp in plan.tables:
        t = tp.table
        lines.append(f"Table {t.database}.{t.name}  ({t.parameters.get('classification')})")
        lines.append(f"  location: {t.location}")
        if t.serde_library:
            lines.append(f"  serde:    {t.serde_library}")
        for c in t.columns:
            lines.append(f"  column    {c.name} {c.type}")
        for k in t.partition_keys:
            lines.append(f"  partition key {k.name} {k.type}")
        if tp.partitions:
            shown = ", ".join("/".join(p.values) for p in tp.partitions[:MAX_PARTITIONS_SHOWN])
            more = len(tp.partitions) - MAX_PARTITIONS_SHOWN
            lines.append(
                f"  partitions ({len(tp.partitions)}): {shown}"
                + (f" ... and {more} more" if more > 0 else "")
            )
        for why in tp.explanation:
            lines.append(f"  why: {why}")
        lines.append("")
    lines.append("Changes:" if plan.changes else "Changes: none")
    lines += [f"  {c}" for c in plan.changes]
    if plan.errors.count:
        lines.append("")
        lines.append(f"Errors ({plan.errors.count}):")
        lines += [f"  {e.code}: {e.message}" for e in plan.errors.kept]
        if plan.errors.count > len(plan.errors.kept):
            lines.append(f"  ... and {plan.errors.count - len(plan.errors.kept)} more")
    s = plan.stats
    lines.append("")
    lines.append(
        f"Scanned {s.folders_seen} folder(s), {s.files_seen} file(s), sampled {s.files_sampled}."
    )
    return "\n".join(lines)
