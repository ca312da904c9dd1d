"""The three figures at national scale (DESIGN.md §5, §10): reports.targets for the country and
for one province, figures_by_unit, the compute_targets command and the province dashboard page,
each the median of repeated runs, against the bare SQL aggregate over the same milestone columns
measured in turn with it.

Run on the 1,000,000-soldier database: DATABASE_URL=... python -m bench.figures
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bench.common import hq_account, interleaved, save, setup, signed_in, timed

if TYPE_CHECKING:
    from units.models import Unit

YEAR = 2026
COUNTS = """
    COUNT(*) AS cohort,
    COUNT(*) FILTER (WHERE first_counselling_on <= COALESCE(actual_discharge_date,
        expected_discharge_date) AND first_counselling_on <= %(as_of)s) AS counselled,
    COUNT(*) FILTER (WHERE need_training AND need_training_since <= %(as_of)s) AS need_training,
    COUNT(*) FILTER (WHERE need_training AND need_training_since <= %(as_of)s
        AND enrolled_on <= %(as_of)s) AS trained,
    COUNT(*) FILTER (WHERE need_training AND need_training_since <= %(as_of)s
        AND enrolled_on <= %(as_of)s AND employed_on <= %(as_of)s) AS employed
"""
# Constant SQL made of the constants here; every value is bound as a parameter.
COUNTRY_SQL = f"""SELECT {COUNTS} FROM soldiers_soldier
    WHERE cohort_year = %(year)s AND NOT archived"""  # noqa: S608
# The units of a province are a prefix of the materialised path; the list of their ids is read
# first, so that the aggregate probes the (cohort_year, unit) index once per unit.
PROVINCE_SQL = f"""SELECT {COUNTS} FROM soldiers_soldier
    WHERE cohort_year = %(year)s AND NOT archived
    AND unit_id = ANY(ARRAY(SELECT id FROM units_unit WHERE path LIKE %(prefix)s))"""  # noqa: S608
# Each unit with its sub-units: the units' own counts, each added to every unit of its path.
BY_UNIT_SQL = f"""WITH own AS (SELECT unit_id, {COUNTS} FROM soldiers_soldier
        WHERE cohort_year = %(year)s AND NOT archived GROUP BY unit_id)
    SELECT ancestor::bigint, SUM(cohort), SUM(counselled), SUM(need_training), SUM(trained),
        SUM(employed)
    FROM own JOIN units_unit u ON u.id = own.unit_id
    CROSS JOIN LATERAL unnest(string_to_array(trim(both '/' from u.path), '/')) AS ancestor
    GROUP BY ancestor"""  # noqa: S608


def main() -> None:
    setup()
    from django.db import connection
    from django.utils import timezone

    from reports.targets import COUNTS as FIGURES

    as_of = timezone.localdate()
    province = average_province()
    params = {"year": YEAR, "as_of": as_of, "prefix": f"{province.path}%"}

    def bare(sql: str, many: bool = False) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if many else cursor.fetchone()

    cases = _cases(province, as_of, bare)
    results: dict[str, Any] = {
        "year": YEAR,
        "as_of": as_of.isoformat(),
        "soldiers": _count("SELECT COUNT(*) FROM soldiers_soldier"),
        "cohort": bare(COUNTRY_SQL)[0],
        "province": {"code": province.code, "name": province.name, "cohort": bare(PROVINCE_SQL)[0]},
        "cases": {},
    }
    for name, (ours, baseline, same) in cases.items():
        assert same(ours(), baseline()), f"{name}: the figures differ from the bare SQL"
        mine, theirs = interleaved(ours, baseline)
        results["cases"][name] = {
            "ours": mine,
            "bare": theirs,
            "ratio": mine.median_ms / theirs.median_ms,
        }
        print(f"{name}: {mine.text} / bare {theirs.text}", flush=True)
    results["dashboard"] = dashboard()
    results["plans"] = plans(province, as_of)
    results["figures"] = list(FIGURES)
    save("figures", results)


def average_province() -> Unit:
    """The province whose soldiers are closest to the country's average (a 34th of them)."""
    from django.db.models import Count

    from units.models import Unit

    heads = list(Unit.objects.filter(parent=None).order_by("pk"))
    sizes = {
        head.pk: Unit.objects.filter(path__startswith=head.path).aggregate(n=Count("soldiers"))["n"]
        for head in heads
    }
    average = sum(sizes.values()) / len(sizes)
    return min(heads, key=lambda head: abs(sizes[head.pk] - average))


def _cases(
    province: Unit, as_of: dt.date, bare: Callable[..., Any]
) -> dict[str, tuple[Callable[[], Any], Callable[[], Any], Callable[[Any, Any], bool]]]:
    from django.core.management import call_command

    from reports.targets import COUNTS as FIGURES
    from reports.targets import figures, figures_by_unit

    def as_tuple(result) -> tuple[int, ...]:
        return tuple(getattr(result, key) for key in FIGURES)

    def by_unit_same(ours: dict[int, Any], rows: list[tuple[int, ...]]) -> bool:
        # Units with no soldier below them are absent from the SQL: they must be all zeros.
        rolled = {row[0]: tuple(row[1:]) for row in rows}
        return all(as_tuple(f) == rolled.get(pk, (0,) * len(FIGURES)) for pk, f in ours.items())

    def command() -> str:
        out = io.StringIO()
        call_command("compute_targets", year=YEAR, as_of=as_of, stdout=out)
        return out.getvalue()

    return {
        "country": (
            lambda: figures(year=YEAR, as_of=as_of),
            lambda: bare(COUNTRY_SQL),
            lambda a, b: as_tuple(a) == tuple(b),
        ),
        "province": (
            lambda: figures(year=YEAR, as_of=as_of, unit=province),
            lambda: bare(PROVINCE_SQL),
            lambda a, b: as_tuple(a) == tuple(b),
        ),
        "by_unit": (
            lambda: figures_by_unit(year=YEAR, as_of=as_of),
            lambda: bare(BY_UNIT_SQL, many=True),
            by_unit_same,
        ),
        "compute_targets": (
            command,
            lambda: bare(COUNTRY_SQL),
            lambda text, row: f"/ {row[0]:<7}" in text,
        ),
    }


def _count(sql: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def dashboard() -> dict[str, Any]:
    """The province dashboard as an hq_staff account gets it (the test client, the whole view
    with its template), and the queries it makes."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    session = client.session
    signed_in(session, hq_account())
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key

    def page() -> None:
        response = client.get("/reports/dashboard/")
        assert response.status_code == 200, response.status_code

    queries: list[str] = []

    def count(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    page()
    with connection.execute_wrapper(count):
        page()
    timing = timed(page)
    print(f"dashboard: {timing.text}, {len(queries)} queries", flush=True)
    return {"timing": timing, "queries": len(queries)}


def plans(province: Unit, as_of: dt.date) -> dict[str, str]:
    """EXPLAIN ANALYZE of the queries reports.targets makes, for the record."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.targets import figures

    found = {}
    for name, unit in (("country", None), ("province", province)):
        with CaptureQueriesContext(connection) as queries:
            figures(year=YEAR, as_of=as_of, unit=unit)
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {queries[-1]['sql']}")
            found[name] = "\n".join(row[0] for row in cursor.fetchall())
    return found


if __name__ == "__main__":
    main()
