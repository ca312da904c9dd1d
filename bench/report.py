"""bench/RESULTS.md from the JSON each benchmark saved in bench/data/, with the goals of issue 6
and DESIGN.md §10 beside each figure, and the notes of bench/what_changed.md.

    python -m bench.report
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from bench.common import ROOT, load

RESULTS = ROOT / "bench" / "RESULTS.md"
NOTES = ROOT / "bench" / "what_changed.md"


def write() -> None:
    parts = [
        "# Benchmarks (issue 6)\n",
        "Written by `make bench` (bench/run.py); do not edit by hand. Each time is the median of "
        "repeated runs; each baseline was measured in the same run, in turn with what it is "
        "compared to.\n",
        _machine(load("machine")),
        _load(load("load")),
        _figures(load("figures")),
        _summary(load("summary")),
        _ledger(load("ledger")),
        _http(load("http")),
        _plans(load("figures")),
        "## What changed and why\n",
        NOTES.read_text() if NOTES.exists() else "",
    ]
    RESULTS.write_text("\n".join(part for part in parts if part))
    print(f"wrote {RESULTS}")


def _load_line(data: dict[str, Any]) -> str:
    return f"Load average of the machine when this part ended: {data.get('load_average')}.\n\n"


def _table(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _machine(data: dict[str, Any] | None) -> str:
    if not data:
        return ""
    commit = data["commit"] + (" (with uncommitted changes)" if data["uncommitted_changes"] else "")
    return "## Where\n\n" + _table(
        ("commit", "date (UTC)", "nproc", "memory", "CPU", "PostgreSQL", "Python"),
        [
            (
                f"`{commit}`",
                data["date"],
                data["nproc"],
                f"{data['memory_gb']} GB",
                data["cpu"],
                f"{data['postgresql']} (shared_buffers {data['shared_buffers']})",
                data["python"],
            )
        ],
    )


def _load(data: dict[str, Any] | None) -> str:
    if not data:
        return ""
    rows = []
    for name, run in data["databases"].items():
        steps = re.search(r"^Thời gian \(giây\) — (.*)$", run["output"], re.MULTILINE)
        counts = re.findall(r"^([\w.]+): (\d+)$", run["output"], re.MULTILINE)
        rows.append(
            (
                f"`{name}`",
                f"{run['soldiers']:,}",
                f"{run['units']:,}",
                f"{run['seconds']:.0f} s",
                steps[1] if steps else "",
                ", ".join(f"{label.split('.')[-1]} {int(n):,}" for label, n in counts),
                run["date"],
            )
        )
    return (
        "## Load generation (`manage.py generate_load`)\n\n"
        "In one transaction: the big tables' secondary indexes, unique constraints and foreign "
        "keys set aside; rows written with PostgreSQL COPY in dependency order; the related "
        "tables' indexes made again; the milestone columns filled by ONE "
        "`soldiers.milestones.refresh()`; the soldiers' indexes and every foreign key made again "
        "(each checked in one query); commit; then VACUUM ANALYZE.\n\n"
        + _table(
            (
                "database",
                "soldiers",
                "units",
                "whole command",
                "steps",
                "rows per table",
                "made on",
            ),
            rows,
        )
    )


# (time limit in ms, ratio limit, as written): DESIGN.md §10 and issue 6. A province has a time
# budget only: at about a millisecond of database work, its ratio measures the fixed cost of
# building the query in Python, not the database (see "What changed and why").
FIGURE_GOALS = {
    "country": (100, 1.5, "< 100 ms, ≤ 1.5× bare SQL"),
    "province": (20, None, "< 20 ms"),
    "by_unit": (None, 1.5, "≤ 1.5× bare SQL"),
    "compute_targets": (100, 1.5, "< 100 ms, ≤ 1.5× bare SQL"),
}
FIGURE_LABELS = {
    "country": "`reports.targets.figures`, the country",
    "province": "`figures`, one province",
    "by_unit": "`figures_by_unit`, every unit",
    "compute_targets": "`compute_targets` command, the country",
}


def _figures(data: dict[str, Any] | None) -> str:
    if not data:
        return ""
    rows = []
    for name, case in data["cases"].items():
        limit, most, goal = FIGURE_GOALS[name]
        median = case["ours"]["median_ms"]
        ok = (most is None or case["ratio"] <= most) and (limit is None or median < limit)
        rows.append(
            (
                FIGURE_LABELS[name],
                f"{median:.1f} ms",
                f"{case['bare']['median_ms']:.1f} ms",
                f"{case['ratio']:.2f}",
                goal,
                _met(ok),
            )
        )
    dashboard = data["dashboard"]
    page = dashboard["timing"]["median_ms"]
    rows.append(
        (
            "province dashboard page, hq_staff (test client, whole view and template)",
            f"{page:.0f} ms ({dashboard['queries']} queries)",
            "",
            "",
            "< 300 ms (issue 6)",
            _met(page < 300),
        )
    )
    province = data["province"]
    return (
        f"## The three figures at {data['soldiers']:,} soldiers (PostgreSQL)\n\n"
        f"{_load_line(data)}"
        f"Cohort {data['year']} as of {data['as_of']}: {data['cohort']:,} soldiers in the country; "
        f"the province is {province['code']} ({province['name']}), {province['cohort']:,} of "
        f"them (the province closest to a 34th of all soldiers). Median of "
        f"{data['cases']['country']['ours']['runs']} runs each, taken in turn with the bare SQL "
        "(a hand-written `COUNT(*) FILTER (WHERE …)` over the same milestone columns).\n\n"
        + _table(("measurement", "median", "bare SQL", "ratio", "goal", "met"), rows)
    )


def _summary(data: dict[str, Any] | None) -> str:
    if not data:
        return ""
    ours, bare = data["ours"], data["bare"]
    return (
        f"## Summary workbook, {data['rows']:,} soldier rows (cohort {data['year']})\n\n"
        f"{_load_line(data)}"
        "`/usr/bin/time -v` on a process that writes the workbook (peak memory); the median of "
        "five runs each, in turn; bare = the same soldier rows read with a plain server-side "
        "cursor and appended to a write-only openpyxl sheet. Wall times swing with the other "
        "work on the machine, so the goal is judged on the CPU time of the writing process "
        "(both read the same rows with the same query).\n\n"
        + _table(
            ("writer", "wall time", "CPU time", "peak memory (RSS)", "file", "goal", "met"),
            [
                (
                    "`reports.summary.summary_write` (five sheets)",
                    f"{ours['seconds']:.1f} s",
                    f"{ours['cpu_seconds']:.1f} s",
                    f"{ours['peak_mb']:.0f} MB",
                    f"{ours['file_mb']:.1f} MB",
                    "≤ 1.3× bare, < 150 MB",
                    _met(data["cpu_ratio"] <= 1.3 and ours["peak_mb"] < 150),
                ),
                (
                    "bare openpyxl write-only",
                    f"{bare['seconds']:.1f} s",
                    f"{bare['cpu_seconds']:.1f} s",
                    f"{bare['peak_mb']:.0f} MB",
                    f"{bare['file_mb']:.1f} MB",
                    "",
                    "",
                ),
                ("ratio", f"{data['ratio']:.2f}", f"{data['cpu_ratio']:.2f}", "", "", "", ""),
            ],
        )
    )


def _ledger(data: dict[str, Any] | None) -> str:
    if not data:
        return ""
    kept = ", ".join(f"{name} {count:,}" for name, count in data["kept"].items())
    bad = data["bad_last_row"]
    return (
        f"## Ledger import, {data['rows']:,} rows ({data['file_mb']:.1f} MB)\n\n"
        f"{_load_line(data)}"
        f"New soldiers with their outcomes; each import saves: {kept}. Every run inside a "
        "transaction rolled back after `SET CONSTRAINTS ALL IMMEDIATE` (the deferred foreign-key "
        "checks are counted).\n\n"
        + _table(
            ("import", "time", "ratio", "goal", "met"),
            [
                (
                    "reading the file alone (`read_rows`)",
                    f"{data['read_seconds']:.1f} s",
                    "",
                    "",
                    "",
                ),
                (
                    "`reports.ledger.ledger_apply` (median of 3)",
                    f"{data['ours_seconds']:.1f} s",
                    f"{data['ratio_to_read']:.1f}× the read",
                    "≤ 3× the read (DESIGN §10)",
                    _met(data["ratio_to_read"] <= 3),
                ),
                (
                    "django-import-export, `use_bulk`, one resource per model",
                    f"{data['import_export_seconds']:.1f} s",
                    f"ours {data['speedup_vs_import_export']:.1f}× faster",
                    "≥ 2× (issue 6), ≥ 4× (DESIGN §10)",
                    _met(data["speedup_vs_import_export"] >= 2),
                ),
            ],
        )
        + "\nAll or nothing: the same file with an occupation missing from the catalogue on its "
        "last row.\n\n"
        + _table(
            ("import", "rows kept"),
            [
                ("`ledger_apply`", _kept(bad["ours"])),
                (
                    "django-import-export (each resource in its transaction)",
                    _kept(bad["import_export"]),
                ),
            ],
        )
    )


def _kept(counts: dict[str, int]) -> str:
    kept = {name: count for name, count in counts.items() if count}
    return ", ".join(f"{name} {count:,}" for name, count in kept.items()) or "nothing"


def _http(data: dict[str, Any] | None) -> str:
    if not data:
        return ""
    if "skipped" in data:
        return f"## HTTP under load\n\nSkipped: {data['skipped']}.\n"
    inside = data["dashboard_in_process"]
    rows = [
        (
            f"`/reports/dashboard/` in-process, one request at a time ({inside['queries']} "
            "queries)",
            "",
            f"{inside['timing']['median_ms']:.0f} ms (median)",
            "",
            "",
            "",
            "",
        )
    ] + [
        (
            f"`{page['path']}`",
            f"{page['requests_per_second']:.0f}",
            f"{page['p50_ms']:.1f} ms",
            f"{page['p99_ms']:.1f} ms",
            page["non_2xx"],
            "p99 < 150 ms",
            _met(page["p99_ms"] < 150 and not page["non_2xx"]),
        )
        for page in data["pages"].values()
    ]
    return (
        f"## HTTP under load ({data['soldiers']:,} soldiers)\n\n"
        f"{_load_line(data)}"
        f"gunicorn, {data['workers']} workers, DEBUG off; `wrk --latency` with "
        f"{data['connections']} connections for {data['duration']}, logged in as hq_staff; "
        "wrk, gunicorn and PostgreSQL share the machine's cores.\n\n"
        + _table(("page", "requests/s", "p50", "p99", "non-2xx", "goal", "met"), rows)
    )


def _plans(data: dict[str, Any] | None) -> str:
    if not data or "plans" not in data:
        return ""
    text = "## Query plans of `reports.targets.figures` (EXPLAIN ANALYZE, BUFFERS)\n"
    for name, plan in data["plans"].items():
        text += f"\n{name}:\n\n```\n{plan}\n```\n"
    return text


if __name__ == "__main__":
    write()
