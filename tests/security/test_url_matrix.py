"""Every URL pattern × every role × an object inside and outside the role's scope.

The URL names come from the URL configuration itself (django.urls.get_resolver), so a new view
cannot be forgotten: a name missing from EXPECTED fails `test_every_url_name_is_in_the_matrix`.
EXPECTED is the design, written out by hand for each URL name (never derived from what the code
does today): for each role, in the order of url_world.ROLES

    unit_officer commune_officer hq_staff (PX01) leader institution_staff employer_staff anonymous

the outcome of a GET, and for the views that write, of a POST with an empty body by those who
may not write (which must change no row of any table). An outcome is "ok" (200, or a redirect to
a page other than the sign-in page), "403", "404", "405" or "login" (a redirect to sign in);
"own/other" gives the outcome with an object of the role's own scope, then of another unit (or
another institution or employer); "-" is a writer, whom the empty POST does not concern.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.url_world import ROLES, YEAR, World, build_world
from units.models import User

NOW = dt.datetime(2026, 9, 10, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
Role = User.Role


# ---- the URL configuration ----


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: tuple[str, ...]


def _walk(patterns: list, namespace: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield Route(name, tuple(pattern.pattern.regex.groupindex))


def routes() -> dict[str, Route]:
    """Every named URL pattern of the project, read from the URL configuration now."""
    return {route.name: route for route in _walk(get_resolver().url_patterns)}


# ---- the objects a URL names: (world, role, "own" | "other") → its keyword arguments ----

Kwargs = dict[str, object]


def _side_pk(attribute: str) -> Callable[[World, str, str], object]:
    return lambda world, role, which: getattr(world.side(which), attribute).pk


def _export_job(world: World, role: str, which: str) -> object:
    """One's own workbook job (those who may ask for one have one), else a stranger's."""
    user = world.accounts[role]
    own = world.export_jobs.get(getattr(user, "pk", None))
    return (own if which == "own" and own else world.stranger_job).pk


def _report(world: World, role: str, which: str) -> Kwargs:
    """The report of the role's own unit, institution or employer (or another's)."""
    side = world.side(which)
    report = side.partner_reports.get(role, side.unit_report)
    key = report.unit.code if report.unit else _partner_key(report)
    return {"code": report.obligation.code, "year": YEAR, "unit": key}


def _partner_key(report: object) -> str:
    if report.institution_id:
        return f"institution-{report.institution_id}"
    return f"employer-{report.employer_id}"


KINDS: dict[str, Callable[[World, str, str], object]] = {
    "soldier": _side_pk("soldier"),
    "registration": _side_pk("registration"),
    "card": _side_pk("card"),
    "application": _side_pk("application"),
    "institution": _side_pk("institution"),
    "institution_staff": _side_pk("institution_staff"),
    "course": _side_pk("course"),
    "proposed_course": _side_pk("proposed_course"),
    "sent_list": _side_pk("sent_list"),
    "employer": _side_pk("employer"),
    "employer_staff": _side_pk("employer_staff"),
    "opening": _side_pk("opening"),
    "referral": _side_pk("referral"),
    "loan": _side_pk("loan"),
    "fair": _side_pk("fair"),
    "unit_code": lambda world, role, which: world.side(which).unit.code,
    "export_job": _export_job,
    "invitation": lambda world, role, which: (
        world.invitation_token if which == "own" else "no-such-invitation-token"
    ),
    "uidb64": lambda world, role, which: "MQ",
    "reset_token": lambda world, role, which: "not-a-valid-token",
}
# Keyword arguments filled together by one builder.
GROUP_KINDS: dict[str, Callable[[World, str, str], Kwargs]] = {"report": _report}


# ---- the expectations ----


@dataclass(frozen=True)
class Expect:
    """The design of one URL name. `get` and `post` are seven outcomes, one per role (see the
    module docstring); `kinds` says what object each keyword argument names."""

    get: str
    post: str | None = None
    kinds: dict[str, str] = field(default_factory=dict)

    def outcomes(self, which: str, method: str) -> dict[str, str]:
        spec = self.get if method == "GET" else self.post
        tokens = spec.split()
        assert len(tokens) == len(ROLES), f"{spec!r} needs {len(ROLES)} outcomes"
        return {
            role: token.split("/")[0 if which == "own" else -1]
            for role, token in zip(ROLES, tokens, strict=True)
        }

    @property
    def names_objects(self) -> bool:
        return bool(self.kinds)


PUBLIC = "ok ok ok ok ok ok ok"
SIGNED_IN = "ok ok ok ok ok ok login"
POLICE_READ = "ok ok ok ok 403 403 login"
# A POST-only police page: GET is 405 (partners are stopped before it, config/partner_area.py).
POST_ONLY = "405 405 405 405 403 403 login"
EVERYONE_POST_ONLY = "405 405 405 405 405 405 login"
# A province-wide list kept by one department (and PX01): the matrix's hq_staff is PX01.
KEEPER = "403 403 ok 403 403 403 login"
KEEPER_POST = "403 403 - 403 403 403 login"
# The soldier's file, kept by his unit's officers and headquarters.
FILE_WRITE = "ok/404 403/404 ok 403 403 403 login"
FILE_WRITE_POST = "-/404 403/404 - 403 403 403 login"
# What happens after service (training, support, jobs, loans): his commune records it too.
OUTCOME_WRITE = "ok/404 ok/404 ok 403 403 403 login"
OUTCOME_WRITE_POST = "-/404 -/404 - 403 403 403 login"
# Whoever sees the soldier reads it.
SOLDIER_READ = "ok/404 ok/404 ok ok 403 403 login"
# Pages of the soldier import and the ledger: writers with a unit or the province.
IMPORTER = "ok 403 ok 403 403 403 login"
IMPORTER_POST = "- 403 - 403 403 403 login"
# Partner portals: an institution's or an employer's own staff only.
INSTITUTION_ONLY = "403 403 403 403 ok 403 login"
INSTITUTION_OBJECT = "403 403 403 403 ok/404 403 login"
INSTITUTION_OBJECT_POST = "403 403 403 403 -/404 403 login"
EMPLOYER_ONLY = "403 403 403 403 403 ok login"
EMPLOYER_OBJECT = "403 403 403 403 403 ok/404 login"
EMPLOYER_OBJECT_POST = "403 403 403 403 403 -/404 login"
# The province's figures: headquarters and leaders.
PROVINCE_READ = "403 403 ok ok 403 403 login"
# PX01, the lead department (the matrix's hq_staff), alone.
LEAD_ONLY = "403 403 ok 403 403 403 login"
LEAD_POST = "403 403 - 403 403 403 login"
# One party's report: its own preparers, and the province.
REPORT_READ = "ok/404 403 ok ok ok/404 ok/404 login"
REPORT_PREPARE_POST = "-/404 403 403 403 -/404 -/404 login"
REPORT_REVIEW_POST = "403/404 403 - 403 403 403 login"

SOLDIER = {"pk": "soldier"}
SOLDIER_PK = {"soldier_pk": "soldier"}
REPORT = {"code": "report", "year": "report", "unit": "report"}


def keeper(**kinds: str) -> Expect:
    return Expect(KEEPER, post=KEEPER_POST, kinds=kinds)


def file_write(**kinds: str) -> Expect:
    return Expect(FILE_WRITE, post=FILE_WRITE_POST, kinds=kinds or SOLDIER)


def outcome_write(**kinds: str) -> Expect:
    return Expect(OUTCOME_WRITE, post=OUTCOME_WRITE_POST, kinds=kinds)


def institution_object(kind: str) -> Expect:
    return Expect(INSTITUTION_OBJECT, post=INSTITUTION_OBJECT_POST, kinds={"pk": kind})


def employer_object(kind: str) -> Expect:
    return Expect(EMPLOYER_OBJECT, post=EMPLOYER_OBJECT_POST, kinds={"pk": kind})


EXPECTED: dict[str, Expect] = {
    # -- the installation, signing in, accounts --
    "home": Expect(SIGNED_IN),
    "healthz": Expect(PUBLIC),
    "board": Expect(PUBLIC),
    "login": Expect(PUBLIC),
    "logout": Expect(EVERYONE_POST_ONLY),
    "invitation_accept": Expect(PUBLIC, kinds={"token": "invitation"}),
    "password_change": Expect(SIGNED_IN, post="- - - - - - login"),
    "password_change_done": Expect(SIGNED_IN),
    "password_reset": Expect(PUBLIC),
    "password_reset_done": Expect(PUBLIC),
    "password_reset_confirm": Expect(PUBLIC, kinds={"uidb64": "uidb64", "token": "reset_token"}),
    "password_reset_complete": Expect(PUBLIC),
    # -- units --
    "units:list": Expect("ok 403 ok ok 403 403 login"),
    "units:notifications": Expect(SIGNED_IN, post="- - - - - - login"),
    # Who did what (issue 9): PX01 alone reads the audit log; the province reads the record of
    # processing.
    "units:audit": Expect(LEAD_ONLY),
    "units:audit_xlsx": Expect(LEAD_ONLY),
    "units:processing_record": Expect(PROVINCE_READ),
    # One's own account: every signed-in account, partners included (config/partner_area.py).
    "units:two_factor": Expect(SIGNED_IN),
    "units:two_factor_verify": Expect(SIGNED_IN),
    "units:two_factor_setup": Expect(SIGNED_IN),
    "units:two_factor_recovery_codes": Expect(EVERYONE_POST_ONLY),
    "units:sessions": Expect(SIGNED_IN),
    "units:sessions_end": Expect(EVERYONE_POST_ONLY),
    # Accounts administered by PX01 (and superusers).
    "units:two_factor_reset": Expect(LEAD_ONLY, post=LEAD_POST),
    "units:account_import": Expect(LEAD_ONLY, post=LEAD_POST),
    "units:account_import_preview": Expect(LEAD_ONLY),
    "units:account_import_confirm": Expect(POST_ONLY, post=LEAD_POST),
    "units:account_import_template": Expect(LEAD_ONLY),
    # -- soldiers --
    "soldiers:list": Expect(POLICE_READ),
    "soldiers:create": Expect("ok 403 ok 403 403 403 login", post="- 403 - 403 403 403 login"),
    "soldiers:wards": Expect(POLICE_READ),
    "soldiers:detail": Expect(SOLDIER_READ, kinds=SOLDIER),
    "soldiers:edit": file_write(),
    "soldiers:archive": file_write(),
    "soldiers:restore": Expect(POST_ONLY, post=FILE_WRITE_POST, kinds=SOLDIER),
    # Showing the whole citizen ID writes who saw it: anyone who sees the soldier may.
    "soldiers:reveal_id": Expect(POST_ONLY, post="-/404 -/404 - - 403 403 login", kinds=SOLDIER),
    "soldiers:worklist": Expect("ok 403 ok 403 403 403 login"),
    "soldiers:counselling_add": file_write(),
    "soldiers:import": Expect(IMPORTER, post=IMPORTER_POST),
    "soldiers:import_preview": Expect(IMPORTER),
    "soldiers:import_confirm": Expect(POST_ONLY, post=IMPORTER_POST),
    "soldiers:import_template": Expect(IMPORTER),
    # -- training: the survey, PA03's catalogue, registrations and support --
    "training:survey": file_write(soldier_pk="soldier"),
    "training:institutions": Expect(POLICE_READ),
    "training:institution_create": keeper(),
    "training:institution_detail": Expect(POLICE_READ, kinds={"pk": "institution"}),
    "training:institution_edit": keeper(pk="institution"),
    "training:institution_staff_invite": keeper(pk="institution"),
    "training:institution_staff_reinvite": Expect(
        POST_ONLY,
        post=KEEPER_POST,
        kinds={"pk": "institution", "staff_pk": "institution_staff"},
    ),
    "training:courses": Expect(POLICE_READ),
    "training:course_create": keeper(),
    "training:course_edit": keeper(pk="course"),
    "training:course_approve": Expect(POST_ONLY, post=KEEPER_POST, kinds={"pk": "proposed_course"}),
    "training:courses_export": Expect(POLICE_READ),
    "training:registration_create": outcome_write(soldier_pk="soldier"),
    "training:registration_course": outcome_write(pk="registration"),
    "training:registration_enrol": outcome_write(pk="registration"),
    "training:registration_complete": outcome_write(pk="registration"),
    "training:registration_withdraw": outcome_write(pk="registration"),
    "training:send": Expect("ok ok ok 403 403 403 login", post="- - - 403 403 403 login"),
    "training:sent_lists": Expect(POLICE_READ),
    "training:sent_list_xlsx": Expect(SOLDIER_READ, kinds={"pk": "sent_list"}),
    "training:support_card_issue": outcome_write(soldier_pk="soldier"),
    "training:support_card_settle": outcome_write(pk="card"),
    "training:support_apply": outcome_write(soldier_pk="soldier"),
    "training:support_decide": outcome_write(pk="application"),
    # -- training: an institution's own staff --
    "training:partner_home": Expect(INSTITUTION_ONLY),
    "training:partner_enrol": institution_object("registration"),
    "training:partner_complete": institution_object("registration"),
    "training:partner_withdraw": institution_object("registration"),
    "training:partner_card_settle": institution_object("card"),
    "training:partner_courses": Expect(INSTITUTION_ONLY),
    "training:partner_course_create": Expect(INSTITUTION_ONLY, post="403 403 403 403 - 403 login"),
    "training:partner_course_edit": institution_object("proposed_course"),
    # -- employers: PA04's catalogue, referrals, placements, loans, PX03's fairs --
    "employers:employers": Expect(POLICE_READ),
    "employers:employer_create": keeper(),
    "employers:employer_detail": Expect(POLICE_READ, kinds={"pk": "employer"}),
    "employers:employer_edit": keeper(pk="employer"),
    "employers:employer_staff_invite": keeper(pk="employer"),
    "employers:employer_staff_reinvite": Expect(
        POST_ONLY, post=KEEPER_POST, kinds={"pk": "employer", "staff_pk": "employer_staff"}
    ),
    "employers:openings": Expect(POLICE_READ),
    "employers:opening_create": keeper(),
    "employers:openings_export": Expect(POLICE_READ),
    "employers:opening_detail": Expect(POLICE_READ, kinds={"pk": "opening"}),
    "employers:opening_edit": keeper(pk="opening"),
    "employers:opening_approve": Expect(POST_ONLY, post=KEEPER_POST, kinds={"pk": "opening"}),
    "employers:refer": Expect(
        POST_ONLY, post=OUTCOME_WRITE_POST, kinds={"pk": "opening", "soldier_pk": "soldier"}
    ),
    "employers:gaps": Expect(POLICE_READ),
    "employers:matches": Expect(SOLDIER_READ, kinds=SOLDIER_PK),
    "employers:refer_from_soldier": Expect(
        POST_ONLY,
        post=OUTCOME_WRITE_POST,
        kinds={"soldier_pk": "soldier", "opening_pk": "opening"},
    ),
    "employers:placement_create": outcome_write(soldier_pk="soldier"),
    "employers:loan_create": outcome_write(soldier_pk="soldier"),
    "employers:loan_status": outcome_write(pk="loan"),
    "employers:fairs": Expect(POLICE_READ),
    "employers:fair_create": keeper(),
    "employers:fair_detail": Expect(POLICE_READ, kinds={"pk": "fair"}),
    "employers:fair_edit": keeper(pk="fair"),
    "employers:fair_attendance": Expect(
        POST_ONLY, post="- - - 403 403 403 login", kinds={"pk": "fair"}
    ),
    # -- employers: an employer's own staff --
    "employers:partner_home": Expect(EMPLOYER_ONLY),
    "employers:partner_hire": employer_object("referral"),
    "employers:partner_decline": employer_object("referral"),
    "employers:partner_opening_create": Expect(EMPLOYER_ONLY, post="403 403 403 403 403 - login"),
    "employers:partner_opening_edit": employer_object("opening"),
    # -- reports: PH10's forecast, the counselling sheet --
    "reports:funding": Expect(PROVINCE_READ),
    "reports:funding_xlsx": Expect(PROVINCE_READ),
    "reports:funding_institution_xlsx": Expect(PROVINCE_READ, kinds={"pk": "institution"}),
    "reports:sheet": Expect(SOLDIER_READ, kinds=SOLDIER_PK),
    "reports:sheet_pdf": Expect(SOLDIER_READ, kinds=SOLDIER_PK),
    # A commune officer's units are his commune police alone: no managing unit to print.
    "reports:sheet_batch": Expect(
        "ok/404 404 ok ok 403 403 login", kinds={"unit_code": "unit_code"}
    ),
    # -- reports: deadlines and submissions (units and partners) --
    "reports:submissions": Expect("ok 403 ok ok ok ok login"),
    "reports:submission": Expect(REPORT_READ, kinds=REPORT),
    # Partners prepare and submit their own reports: they reach these POST-only pages too.
    "reports:submission_generate": Expect(
        EVERYONE_POST_ONLY, post=REPORT_PREPARE_POST, kinds=REPORT
    ),
    "reports:submission_submit": Expect(EVERYONE_POST_ONLY, post=REPORT_PREPARE_POST, kinds=REPORT),
    "reports:submission_accept": Expect(POST_ONLY, post=REPORT_REVIEW_POST, kinds=REPORT),
    "reports:submission_return": Expect(POST_ONLY, post=REPORT_REVIEW_POST, kinds=REPORT),
    "reports:submission_file": Expect(REPORT_READ, kinds=REPORT),
    # -- reports: dashboards, the summary workbook, the ledger --
    "reports:dashboard": Expect("ok 403 ok ok 403 403 login"),
    "reports:drilldown": Expect("ok 403 ok ok 403 403 login"),
    "reports:summary_xlsx": Expect(PROVINCE_READ),
    # A workbook job is its asker's alone: anyone else's is a 404 whatever his role.
    "reports:export_job": Expect("404 404 ok/404 ok/404 403 403 login", kinds={"pk": "export_job"}),
    "reports:export_job_file": Expect(
        "404 404 ok/404 ok/404 403 403 login", kinds={"pk": "export_job"}
    ),
    "reports:ledger": Expect("ok 403 ok ok 403 403 login", post=IMPORTER_POST),
    "reports:ledger_export": Expect("ok 403 ok ok 403 403 login"),
    "reports:ledger_preview": Expect(IMPORTER),
    "reports:ledger_confirm": Expect(POST_ONLY, post=IMPORTER_POST),
    # -- reports: duties to the people in the data, PX01's alone (the matrix's hq_staff) --
    "reports:subject_access": Expect(KEEPER, kinds=SOLDIER_PK),
    "reports:subject_access_pdf": Expect(KEEPER, kinds=SOLDIER_PK),
    "reports:subject_access_xlsx": Expect(KEEPER, kinds=SOLDIER_PK),
    "reports:anonymisation": Expect(KEEPER),
    "reports:anonymisation_drop": Expect(POST_ONLY, post=KEEPER_POST),
    "reports:anonymisation_approve": Expect(POST_ONLY, post=KEEPER_POST),
}
# The admin site lets in staff accounts only (none of the roles above): every page of it sends
# them to its own sign-in ("admin"), whatever model it is about, so one rule covers every admin
# URL; partners are stopped before it (config/partner_area.py), the anonymous at the site's
# sign-in. Its logout (a POST) sends a GET back to the admin's index.
ADMIN_PREFIX = "admin:"
ADMIN_EXPECTED = {
    "admin:login": Expect(PUBLIC),
    "admin:logout": Expect("ok ok ok ok 403 403 admin"),
    # The site's own pages (not a model's) send the anonymous to the admin's sign-in.
    **dict.fromkeys(
        [
            "admin:index",
            "admin:app_list",
            "admin:password_change",
            "admin:password_change_done",
            "admin:jsi18n",
            "admin:autocomplete",
            "admin:view_on_site",
        ],
        Expect("admin admin admin admin 403 403 admin"),
    ),
}
ADMIN_ANY = Expect("admin admin admin admin 403 403 login")
ADMIN_KWARGS = {
    "app_label": "units",
    "object_id": "1",
    "content_type_id": "1",
    "id": "1",
    "pk": "1",
}


def expectation(name: str) -> Expect | None:
    if name.startswith(ADMIN_PREFIX):
        return ADMIN_EXPECTED.get(name, ADMIN_ANY)
    return EXPECTED.get(name)


# ---- running it ----


def outcome(response) -> str:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.split("?")[0] == reverse("login"):
            return "login"
        if location.split("?")[0] == reverse("admin:login"):
            return "admin"
        return "ok"
    return "ok" if response.status_code == 200 else str(response.status_code)


def url_for(route: Route, expect: Expect, world: World, role: str, which: str) -> str:
    if route.name.startswith(ADMIN_PREFIX):
        return reverse(route.name, kwargs={key: ADMIN_KWARGS[key] for key in route.kwargs})
    kwargs: Kwargs = {}
    for key in route.kwargs:
        kind = expect.kinds[key]
        if kind in GROUP_KINDS:
            kwargs[key] = GROUP_KINDS[kind](world, role, which)[key]
        else:
            kwargs[key] = KINDS[kind](world, role, which)
    return reverse(route.name, kwargs=kwargs)


def mismatches(expected: dict[str, str], found: dict[str, str]) -> list[str]:
    """ "<method> <url name> [own|other]: expected X, found Y" for each difference."""
    return [
        f"{key}: expected {expected[key]}, found {found[key]}"
        for key in sorted(found)
        if found[key] != expected[key]
    ]


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def world(tree, make_user, settings) -> Iterator[World]:
    settings.STORAGES = {**settings.STORAGES}  # a fresh in-memory file storage
    with time_machine.travel(NOW, tick=False):
        yield build_world(tree, make_user)


def client_for(world: World, role: str) -> Client:
    client = Client()
    user = world.accounts[role]
    if not isinstance(user, AnonymousUser):
        client.force_login(user)
    return client


def test_every_url_name_is_in_the_matrix() -> None:
    missing = sorted(name for name in routes() if expectation(name) is None)
    unknown = sorted(set(EXPECTED) - set(routes()))

    assert missing == [], f"add these URL names to EXPECTED in {__name__}: {missing}"
    assert unknown == [], f"these URL names are gone, remove them from EXPECTED: {unknown}"


def test_every_keyword_argument_has_an_object_builder() -> None:
    lacking = {
        route.name: sorted(set(route.kwargs) - set(expect.kinds))
        for route in routes().values()
        if (expect := expectation(route.name)) and not route.name.startswith(ADMIN_PREFIX)
        if set(route.kwargs) - set(expect.kinds)
    }

    assert lacking == {}


@pytest.mark.parametrize("role", ROLES)
def test_each_url_answers_each_role_as_designed(world: World, role: str) -> None:
    client = client_for(world, role)
    found: dict[str, str] = {}
    expected: dict[str, str] = {}
    for route in routes().values():
        expect = expectation(route.name)
        if expect is None:  # test_every_url_name_is_in_the_matrix names it
            continue
        for which in ("own", "other") if expect.kinds else ("own",):
            key = f"GET {route.name} [{which}]"
            expected[key] = expect.outcomes(which, "GET")[role]
            with time_machine.travel(NOW, tick=False):
                response = client.get(url_for(route, expect, world, role, which))
            found[key] = outcome(response)

    assert mismatches(expected, found) == []


@pytest.mark.parametrize("role", ROLES)
def test_an_empty_post_by_those_who_may_not_write_changes_nothing(world: World, role: str) -> None:
    client = client_for(world, role)
    found: dict[str, str] = {}
    expected: dict[str, str] = {}
    for route in routes().values():
        expect = expectation(route.name)
        if expect is None or expect.post is None:
            continue
        for which in ("own", "other") if expect.kinds else ("own",):
            wanted = expect.outcomes(which, "POST")[role]
            if wanted == "-":
                continue
            key = f"POST {route.name} [{which}]"
            before = row_counts()
            with time_machine.travel(NOW, tick=False):
                response = client.post(url_for(route, expect, world, role, which), {})
            found[key] = outcome(response)
            expected[key] = wanted
            changed = {
                label: count for label, count in row_counts().items() if before[label] != count
            }
            if changed:
                found[key] += f" and changed {changed}"

    assert mismatches(expected, found) == []
