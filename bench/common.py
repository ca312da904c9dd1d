"""What every benchmark shares: Django set up on the database named by DATABASE_URL, medians of
repeated runs, the results saved as JSON in bench/data/ for bench/report.py to turn into
bench/RESULTS.md."""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

    from units.models import User

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RUNS = 9  # the median of at least 7 runs, after one warm-up run


def setup() -> None:
    """Django on the database of DATABASE_URL, with the production settings (bench/settings.py:
    DEBUG off, no query log, cached templates)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


@dataclass(frozen=True)
class Timing:
    median_ms: float
    min_ms: float
    max_ms: float
    runs: int

    @property
    def text(self) -> str:
        return f"{self.median_ms:.1f} ms (min {self.min_ms:.1f}, max {self.max_ms:.1f})"


def timed(work: Callable[[], Any], *, runs: int = RUNS, warmup: int = 1) -> Timing:
    """The median wall time of `runs` calls of `work`, after `warmup` calls not counted."""
    for _ in range(warmup):
        work()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(statistics.median(samples), min(samples), max(samples), runs)


def interleaved(
    ours: Callable[[], Any], bare: Callable[[], Any], *, runs: int = RUNS
) -> tuple[Timing, Timing]:
    """Both timings from runs taken in turn, so that a change in the machine's load between
    them weighs on both alike."""
    ours(), bare()
    samples: dict[str, list[float]] = {"ours": [], "bare": []}
    for _ in range(runs):
        for name, work in (("ours", ours), ("bare", bare)):
            started = time.perf_counter()
            work()
            samples[name].append((time.perf_counter() - started) * 1000)
    return tuple(  # type: ignore[return-value]
        Timing(statistics.median(s), min(s), max(s), runs) for s in samples.values()
    )


def save(name: str, data: dict[str, Any]) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    # Other work on the machine weighs on every figure: its load is kept with them.
    data = data | {"load_average": [round(n, 2) for n in os.getloadavg()]}
    path = DATA / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=_plain))
    return path


def load(name: str) -> dict[str, Any] | None:
    path = DATA / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def vacuum() -> None:
    """VACUUM ANALYZE the database: rows rolled back by an earlier measurement are dead but still
    in the tables and their indexes, and slow the next one down."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def hq_account() -> User:
    """A PX01 account of the first province (hq_staff: the whole country in this database)."""
    from units.models import Unit, User
    from units.services import account_create

    user = User.objects.filter(username="bench.px01").first()
    if user is None:
        head = Unit.objects.filter(parent=None).order_by("pk").first()
        user = account_create(
            username="bench.px01", unit=head, role=User.Role.HQ_STAFF, password=None
        )
    return user


def signed_in(session: SessionBase, user: User) -> None:
    """Mark `session` as `user`'s, signed in with his second factor given (hq_staff must have
    one: a confirmed TOTP device is made for him if missing), as a real sign-in leaves it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = next(
        b for b in settings.AUTHENTICATION_BACKENDS if b.endswith("ModelBackend")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id


def _plain(value: Any) -> Any:
    if isinstance(value, Timing):
        return asdict(value)
    return str(value)
