"""HTTP under load: gunicorn with 4 workers on a province of 20,000 soldiers, `wrk` with 16
connections for 30 s on the soldier list and on the dashboard, logged in as an hq_staff account
(a session made with Django's SessionStore, sent as a cookie). Requests per second and the p50 /
p99 latencies from `wrk --latency`. Only the loopback address is ever a target, and each run
stops by itself after its 30 s.

    DATABASE_URL=... python -m bench.http
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from typing import TYPE_CHECKING, Any

from bench.common import ROOT, hq_account, save, setup, signed_in, vacuum
from bench.figures import dashboard

if TYPE_CHECKING:
    from units.models import User

HOST, PORT = "127.0.0.1", 8765
WORKERS, CONNECTIONS, THREADS, DURATION = 4, 16, 2, os.environ.get("BENCH_WRK_DURATION", "30s")
PAGES = {"soldier_list": "/soldiers/", "dashboard": "/reports/dashboard/"}
WARMUP = "5s"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def main() -> None:
    setup()
    if shutil.which("wrk") is None:
        save("http", {"skipped": "wrk is not installed (apt-get install wrk)"})
        print("wrk is not installed: HTTP part skipped", flush=True)
        return
    # As autovacuum would have by then: the ledger benchmark's rolled-back imports leave dead
    # rows that a fresh province does not have (a tenfold table read 2-3× slower).
    vacuum()
    cookie = f"sessionid={session_key(hq_account())}"
    # The same page in-process first: at a province's scale, with no other load.
    in_process = dashboard()
    server = start_gunicorn()
    try:
        results: dict[str, Any] = {
            "dashboard_in_process": in_process,
            "workers": WORKERS,
            "connections": CONNECTIONS,
            "duration": DURATION,
            "soldiers": _soldiers(),
            "pages": {},
        }
        for name, path in PAGES.items():
            url = f"http://{HOST}:{PORT}{path}"
            assert _status(url, cookie) == 200, f"{path} does not answer 200 with the session"
            wrk(url, cookie, duration=WARMUP)  # every worker compiles its templates first
            results["pages"][name] = wrk(url, cookie) | {"path": path, "load": os.getloadavg()}
            print(f"{name}: {results['pages'][name]}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    save("http", results)


def session_key(user: User) -> str:
    """A signed-in session for `user` in the session table, as a sign-in would store it."""
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    signed_in(session, user)
    session.set_expiry(3600)
    session.create()
    return session.session_key


def start_gunicorn() -> subprocess.Popen:
    command = [
        os.path.join(os.path.dirname(sys.executable), "gunicorn"),
        "config.wsgi:application",
        *("--bind", f"{HOST}:{PORT}", "--workers", str(WORKERS)),
        *("--log-level", "warning"),
    ]
    # Its own process group, so that stopping it stops its workers too.
    server = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, PORT), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    raise RuntimeError("gunicorn did not start within 30 s")


def _status(url: str, cookie: str) -> int:
    # Our own server on the loopback address, http only.
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    # A redirect to the login page would mean the session is not accepted: do not follow it.
    opener = urllib.request.build_opener(_NoRedirect())
    with opener.open(request, timeout=30) as response:
        return response.status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def wrk(url: str, cookie: str, duration: str = DURATION) -> dict[str, Any]:
    command = [
        "wrk",
        *("-t", str(THREADS), "-c", str(CONNECTIONS), "-d", duration),
        "--latency",
        *("--timeout", "10s"),
        *("-H", f"Cookie: {cookie}"),
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "requests": int(re.search(r"(\d+) requests in", out)[1]),
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+)(us|ms|s)", out)),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+)(us|ms|s)", out)),
        "non_2xx": int(errors[1]) if errors else 0,
        "output": out,
    }


def _ms(match: re.Match[str]) -> float:
    return float(match[1]) * UNITS[match[2]]


def _soldiers() -> int:
    from soldiers.models import Soldier

    return Soldier.objects.count()


if __name__ == "__main__":
    main()
