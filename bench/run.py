"""`make bench`: prepare the three benchmark databases, run every benchmark against the right one,
and write bench/RESULTS.md.

DATABASE_URL names the PostgreSQL database of the 1,000,000 soldiers (csnv_bench by default); two
more are made beside it: <name>_summary (500,000 soldiers: cohorts of about 100,000 for the
workbook) and <name>_http (a province of 20,000 soldiers for HTTP and the ledger). A database is
created if missing and loaded with `manage.py generate_load`; one already holding soldiers is
dropped and made again only if its name starts with csnv_bench (never anyone else's data).
BENCH_REUSE=1 keeps a database that already holds its load (the generation time shown is then
that of the run that made it).
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench import report
from bench.common import ROOT, load, save

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/csnv_bench"
OURS = "csnv_bench"
# (suffix, soldiers, units, the benchmarks that read it)
DATABASES = (
    ("", 1_000_000, 3_500, ["bench.figures"]),
    ("_summary", 500_000, 3_500, ["bench.summary"]),
    ("_http", 20_000, 100, ["bench.http", "bench.ledger"]),
)
PYTHON = sys.executable
SETTINGS = "bench.settings"


def main() -> None:
    base = os.environ.get("DATABASE_URL") or DEFAULT_URL
    save("machine", machine())
    failed = []
    for suffix, soldiers, units, parts in DATABASES:
        url = _renamed(base, suffix)
        env = os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": SETTINGS}
        try:
            prepare(url, env, soldiers=soldiers, units=units)
        except (subprocess.CalledProcessError, RefusedDatabase) as error:
            print(f"!! {url}: {error}", flush=True)
            failed.append(url)
            continue
        for part in parts:
            print(f"== {part} on {_name(url)}", flush=True)
            started = time.perf_counter()
            done = subprocess.run([PYTHON, "-m", part], cwd=ROOT, env=env, check=False)
            print(f"== {part}: {time.perf_counter() - started:.0f} s", flush=True)
            if done.returncode:
                failed.append(part)
    report.write()
    if failed:
        sys.exit(f"Failed: {', '.join(failed)}")


class RefusedDatabase(Exception):
    pass


def prepare(url: str, env: dict[str, str], *, soldiers: int, units: int) -> None:
    """Create the database if missing, migrate it and load it, unless it holds the load and
    BENCH_REUSE=1."""
    name = _name(url)
    held = _soldiers(url)
    if held is not None and os.environ.get("BENCH_REUSE") == "1" and held == soldiers:
        print(f"== {name}: reusing its {held:,} soldiers", flush=True)
        _manage(env, "migrate", "--noinput", "--verbosity", "0")
        return
    if held:
        if not name.startswith(OURS):
            raise RefusedDatabase(f"{name} holds soldiers and is not a benchmark database")
        _admin(url, f'DROP DATABASE "{name}" WITH (FORCE)')
        held = None
    if held is None:
        _admin(url, f'CREATE DATABASE "{name}"')
    _manage(env, "migrate", "--noinput", "--verbosity", "0")
    print(f"== {name}: generate_load --soldiers {soldiers} --units {units}", flush=True)
    started = time.perf_counter()
    out = _manage(env, "generate_load", "--soldiers", str(soldiers), "--units", str(units))
    seconds = time.perf_counter() - started
    print(out, flush=True)
    loads = (load("load") or {}).get("databases", {})
    loads[name] = {
        "soldiers": soldiers,
        "units": units,
        "seconds": seconds,
        "output": out,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    save("load", {"databases": loads})


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _renamed(url: str, suffix: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}{suffix}"))


def _admin(url: str, statement: str) -> None:
    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(statement)


def _soldiers(url: str) -> int | None:
    """How many soldiers the database holds; None if it does not exist."""
    try:
        connection = psycopg.connect(url)
    except psycopg.OperationalError as error:
        if "does not exist" in str(error):
            return None
        raise
    with connection:
        try:
            return connection.execute("SELECT COUNT(*) FROM soldiers_soldier").fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return 0


def machine() -> dict[str, object]:
    memory = re.search(r"MemTotal:\s+(\d+) kB", open("/proc/meminfo").read())  # noqa: SIM115
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    dirty = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True).stdout
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    with psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres"))) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
        buffers = connection.execute("SHOW shared_buffers").fetchone()[0]
    return {
        "commit": commit.strip(),
        "uncommitted_changes": bool(dirty.strip()),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "memory_gb": round(int(memory[1]) / 2**20, 1) if memory else None,
        "cpu": _cpu(),
        "python": platform.python_version(),
        "postgresql": version,
        "shared_buffers": buffers,
    }


def _cpu() -> str:
    for line in open("/proc/cpuinfo"):  # noqa: SIM115
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


if __name__ == "__main__":
    main()
