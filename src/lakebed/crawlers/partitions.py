"""Table-root and partition detection over a scanned folder tree, with Glue's rules.

1. A folder holding Iceberg, Delta or Hudi metadata is one table of that format.
2. A folder's own files form a table at that folder (the largest compatible group; other
   files are reported as mixed formats).
3. A folder without own files whose sub-folders each resolve to exactly one table of equal
   partition depth becomes the table root when the majority (more than half) of those
   sub-folders are similar (see ``grouping``); they become its partitions and the dissimilar
   minority stay tables of their own. A single sub-folder only becomes a partition when it
   is named ``key=value`` or itself holds unnamed partitions (one plain folder above a
   table is not evidence of partitioning).
4. ``TableLevelConfiguration`` forces table roots at that absolute level instead.

Partition keys: ``key=value`` folder names give ``key`` (when every folder of that level
uses the same key), other names give ``partition_0, partition_1, ...``; all of type
``string`` as in Glue. Every decision is recorded as an explanation line for the dry run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from lakebed.crawlers.grouping import FileGroup, merge_groups, similar
from lakebed.crawlers.scan import FolderScan


@dataclass
class Leaf:
    """One partition (or the table's own folder when unpartitioned)."""

    names: tuple[str, ...]
    """Folder names from the table root down to the partition folder."""
    location: str
    group: FileGroup | None
    """None for a known partition folder skipped by a new-folders-only crawl."""


@dataclass
class LeftOut:
    """Files under a table root that are not part of the table, and why."""

    group: FileGroup
    code: str
    reason: str


@dataclass
class Unit:
    """A table candidate rooted at ``root``."""

    root: FolderScan
    group: FileGroup | None
    depth: int
    leaves: list[Leaf]
    why: list[str] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def is_format_table(self) -> bool:
        """An Iceberg, Delta or Hudi table."""
        return self.root.format_table is not None


@dataclass
class Rules:
    """The grouping settings of one crawl."""

    combine_compatible: bool = False
    table_level: int | None = None


def resolve(node: FolderScan, rules: Rules) -> list[Unit]:
    """The tables under ``node`` (``node`` included)."""
    if node.format_table is not None:
        return [Unit(node, None, 0, [Leaf((), node.uri, None)], [node.format_table.explanation])]
    if rules.table_level is not None and node.level == rules.table_level:
        forced = _force(node)
        return [forced] if forced is not None else []
    own = _own_unit(node)
    child_units = [(c, resolve(c, rules)) for c in node.children]
    child_units = [(c, us) for c, us in child_units if us or c.known]
    if (
        own is None
        and child_units
        and (rules.table_level is None or node.level > rules.table_level)
    ):
        combined, reason = _combine(node, child_units, rules)
        if combined is not None:
            return combined
        if reason:
            for _, us in child_units:
                for u in us:
                    u.why.append(f"{node.uri}/ is not a table root: {reason}")
    elif own is not None and child_units:
        for _, us in child_units:
            for u in us:
                u.why.append(
                    f"{node.uri}/ holds files of its own, so its sub-folders are not "
                    "partitions: they are tables of their own."
                )
    out = [u for _, us in child_units for u in us]
    return ([own] if own else []) + out


def _own_unit(node: FolderScan) -> Unit | None:
    if not node.groups:
        return None
    main, *others = node.groups
    why = [f"{node.uri}/: {main.file_count} {main.first.classification} file(s) → table root."]
    for g in others:
        why.append(
            f"{node.uri}/: {g.file_count} {g.first.classification} file(s) differ from the "
            "folder's majority format or schema; left out (one table per folder)."
        )
    left = [
        LeftOut(g, "MIXED_FORMATS", "differ from the folder's majority format or schema")
        for g in others
    ]
    return Unit(node, main, 0, [Leaf((), node.uri, main)], why, left)


def _is_kv(name: str) -> bool:
    return "=" in name and not name.startswith("=")


def _continues_partitions(child: FolderScan, units: list[Unit]) -> bool:
    """Whether a lone sub-folder is a partition: it is named ``key=value``, or it already
    holds unnamed partition folders (``2024/01``, ``2024/02`` under ``logs``).
    """
    if _is_kv(child.name):
        return True
    return bool(units) and units[0].depth > 0 and not _is_kv(units[0].leaves[0].names[0])


def _combine(
    node: FolderScan, child_units: list[tuple[FolderScan, list[Unit]]], rules: Rules
) -> tuple[list[Unit] | None, str | None]:
    """Sub-folders → partitions of ``node`` when the majority are similar; else the reason."""
    for c, us in child_units:
        if not c.known and (len(us) != 1 or us[0].is_format_table):
            what = "a table format" if us and us[0].is_format_table else f"{len(us)} tables"
            return None, f"its sub-folder {c.name}/ holds {what}."
    singles = [(c, us[0]) for c, us in child_units if not c.known]
    known = [c for c, _ in child_units if c.known]
    if len(child_units) == 1 and not _continues_partitions(*child_units[0]):
        return None, (
            f"its only sub-folder {child_units[0][0].name}/ is not named key=value, so it is "
            "taken as a table, not a partition."
        )
    clusters: list[tuple[FileGroup, list[tuple[FolderScan, Unit]]]] = []
    for c, u in singles:
        assert u.group is not None
        for i, (merged, members) in enumerate(clusters):
            if members[0][1].depth == u.depth and similar(
                merged, u.group, combine_compatible=rules.combine_compatible
            ):
                clusters[i] = (merge_groups(merged, u.group), [*members, (c, u)])
                break
        else:
            clusters.append((u.group, [(c, u)]))
    if not clusters:
        return None, None
    merged, members = max(clusters, key=lambda cl: len(cl[1]))
    total = len(singles) + len(known)
    if (len(members) + len(known)) * 2 <= total:
        formats = {u.group.format_key for _, u in singles if u.group is not None}
        hint = (
            "; Grouping.TableGroupingPolicy CombineCompatibleSchemas would combine them"
            if len(formats) == 1 and not rules.combine_compatible
            else f"; their formats differ ({', '.join(sorted(f[0] for f in formats))})"
            if len(formats) > 1
            else ""
        )
        return None, (
            f"at most {len(members) + len(known)} of its {total} sub-folders have similar "
            f"schemas, and a majority is needed{hint}."
        )
    depth = members[0][1].depth + 1
    leaves = [
        Leaf((c.name, *leaf.names), leaf.location, leaf.group)
        for c, u in members
        for leaf in u.leaves
    ]
    leaves += [Leaf((c.name,), c.uri, None) for c in known]
    leaves.sort(key=lambda leaf: leaf.names)
    why = [
        f"{node.uri}/: {len(members)} of {total} sub-folders have similar schemas "
        f"({merged.first.classification}) → table root with {depth} partition level(s)."
    ]
    for _, u in members:
        why.extend(u.why[1:])
    table = Unit(node, merged, depth, leaves, why, [x for _, u in members for x in u.left_out])
    rest = [u for m, ms in clusters if ms is not members for _, u in ms]
    for u in rest:
        u.why.insert(0, f"{u.root.uri}/: schema not similar to its siblings → separate table.")
    return [table, *rest], None


def _force(node: FolderScan) -> Unit | None:
    """A table root set by ``TableLevelConfiguration`` (or a catalog target): every folder
    below holding files at the most common depth is a partition; compatible schemas merge.
    """
    why = [f"{node.uri}/: level {node.level} is the configured table level → table root."]
    found: list[tuple[tuple[str, ...], FolderScan]] = []

    def walk(n: FolderScan, names: tuple[str, ...]) -> None:
        if n.format_table is not None:
            why.append(f"{n.uri}/: a {n.table_format} table inside a table root; left out.")
            return
        if n.groups or n.known:
            found.append((names, n))
        for c in n.children:
            walk(c, (*names, c.name))

    walk(node, ())
    if not found:
        return None
    depths = Counter(len(names) for names, _ in found)
    depth = max(depths, key=lambda d: (depths[d], d))
    merged: FileGroup | None = None
    leaves: list[Leaf] = []
    left: list[LeftOut] = []
    for names, n in found:
        if len(names) != depth:
            why.append(f"{n.uri}/: files at partition depth {len(names)}, not {depth}; left out.")
            left.extend(
                LeftOut(
                    g,
                    "PARTITION_DEPTH_MISMATCH",
                    f"are at partition depth {len(names)}, not the table's {depth}",
                )
                for g in n.groups
            )
            continue
        if n.known:
            leaves.append(Leaf(names, n.uri, None))
            continue
        main, *others = n.groups
        left.extend(
            LeftOut(g, "MIXED_FORMATS", "differ from the folder's majority format or schema")
            for g in others
        )
        if merged is None or similar(merged, main, combine_compatible=True):
            merged = main if merged is None else merge_groups(merged, main)
            leaves.append(Leaf(names, n.uri, main))
        else:
            why.append(f"{n.uri}/: schema incompatible with the table's; left out.")
            left.append(
                LeftOut(main, "INCOMPATIBLE_SCHEMA", "have a schema incompatible with the table's")
            )
    if merged is None:
        return None
    leaves.sort(key=lambda leaf: leaf.names)
    return Unit(node, merged, depth, leaves, why, left)


def partition_keys(unit: Unit, override: tuple[str, ...] | None) -> list[str]:
    """Names of a unit's partition keys: ``override``, else the ``key=value`` key of each
    level, else ``partition_<level>``.
    """
    if override and len(override) == unit.depth:
        return list(override)
    names = []
    for level in range(unit.depth):
        keys = {
            lf.names[level].split("=", 1)[0].lower() if _is_kv(lf.names[level]) else None
            for lf in unit.leaves
        }
        key = next(iter(keys)) if len(keys) == 1 else None
        names.append(key if key else f"partition_{level}")
    return names


def partition_values(unit: Unit) -> list[tuple[tuple[str, ...], Leaf]]:
    """(values, leaf) of every partition: the text after ``key=`` on levels whose folders
    all name the same key, else the whole folder name.
    """
    auto = partition_keys(unit, None)
    out = []
    for lf in unit.leaves:
        values = []
        for key, name in zip(auto, lf.names, strict=True):
            k, sep, v = name.partition("=")
            values.append(v if sep and k.lower() == key else name)
        out.append((tuple(values), lf))
    return out
