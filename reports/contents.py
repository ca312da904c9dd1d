"""What each unit report says, generated from the data (issue 5), and how it reads on screen.

`generate` builds the JSON stored in ReportSubmission.data: raw counts, codes and ISO dates, so that
a submitted report keeps the numbers it was sent with. `tables` turns that JSON into titled tables
for the page; labels are translated when shown, not when stored.

The three figures come from reports.targets, the one place their formulas live; the other counts
here (needs, training and jobs by occupation or kind, the province lists) are not figures of §5.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from employers.models import Employer, JobFair, JobOpening, Placement, Referral
from reports.deadlines import Party
from reports.models import ReportObligation
from reports.targets import TARGETS, Figures, figures
from training.models import CareerWish, Course, Institution, Registration, TrainingSupport
from training.selectors import institution_registrations
from units.models import Unit

Content = ReportObligation.Content
Data = dict[str, Any]


# ---- generating: one function per kind of content ----


def _in_unit(unit: Unit) -> Q:
    """Rows about soldiers of the unit or its sub-units, not archived (as the figures count)."""
    return Q(soldier__unit__path__startswith=unit.path, soldier__archived=False)


def _by_count(rows: Iterable[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Rows grouped by occupation, largest `key` first, ties by occupation code, rows naming no
    occupation last. The report keeps the occupation's name ("" for none), not its code."""
    ordered = sorted(
        rows, key=lambda r: (r["occupation__code"] is None, -r[key], r["occupation__code"] or "")
    )
    return [
        {"occupation": row["occupation__name"] or ""}
        | {k: v for k, v in row.items() if not k.startswith("occupation__")}
        for row in ordered
    ]


def training_needs(*, unit: Unit, year: int, on: dt.date) -> Data:
    """Report of 15/08: the soldiers of the unit (with sub-units), not archived, whose current
    career wish wants training and who are discharged (actual, else expected date) in `year` or
    `year + 1`: the next cohorts the province must find seats for. Counted by the occupation
    they wish, with each discharge year apart."""
    rows = (
        CareerWish.objects.filter(
            _in_unit(unit),
            is_current=True,
            wants_training=CareerWish.Training.YES,
            soldier__cohort_year__in=(year, year + 1),
        )
        .values("occupation__code", "occupation__name")
        .annotate(
            this_year=Count("pk", filter=Q(soldier__cohort_year=year)),
            next_year=Count("pk", filter=Q(soldier__cohort_year=year + 1)),
            count=Count("pk"),
        )
        .order_by()
    )
    occupations = _by_count(rows, "count")
    return {
        "as_of": on.isoformat(),
        "occupations": occupations,
        "total": {
            "this_year": sum(row["this_year"] for row in occupations),
            "next_year": sum(row["next_year"] for row in occupations),
            "count": sum(row["count"] for row in occupations),
        },
    }


def results(*, unit: Unit, year: int, on: dt.date, period_end: dt.date) -> Data:
    """Reports of 10/06 and 10/12: the unit's three figures for the cohort of `year` as of the end
    of the period (or `on` if earlier), and what happened from 01/01 to that day: registrations
    enrolled and completed by occupation, jobs started by kind."""
    as_of = min(period_end, on)
    start = dt.date(year, 1, 1)
    enrolled = Q(enrolled_on__gte=start, enrolled_on__lte=as_of)
    completed = Q(status=Registration.Status.COMPLETED, completed_on__gte=start)
    completed &= Q(completed_on__lte=as_of)
    training = (
        Registration.objects.filter(
            _in_unit(unit),
            enrolled | completed,
            status__in=(Registration.Status.ENROLLED, Registration.Status.COMPLETED),
        )
        .values("occupation__code", "occupation__name")
        .annotate(enrolled=Count("pk", filter=enrolled), completed=Count("pk", filter=completed))
        .order_by()
    )
    jobs = dict(
        Placement.objects.filter(_in_unit(unit), started_on__gte=start, started_on__lte=as_of)
        .values_list("kind")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {
        "as_of": as_of.isoformat(),
        "period": [start.isoformat(), as_of.isoformat()],
        "figures": figures(year=year, as_of=as_of, unit=unit).as_dict(),
        "training": _by_count(training, "enrolled"),
        "placements": [
            {"kind": kind, "count": jobs[kind]} for kind in Placement.Kind.values if kind in jobs
        ],
    }


def institutions_list(*, unit: Unit, year: int, on: dt.date) -> Data:
    """PA03's list of 15/04: the year's approved, active courses, by occupation."""
    courses = Course.objects.filter(list_year=year, approved=True, active=True)
    rows = (
        courses.values("occupation__code", "occupation__name")
        .annotate(courses=Count("pk"), seats=Sum("seats"))
        .order_by()
    )
    totals = courses.aggregate(
        courses=Count("pk"), seats=Sum("seats"), institutions=Count("institution", distinct=True)
    )
    return {
        "as_of": on.isoformat(),
        "occupations": _by_count(rows, "seats"),
        "total": {**totals, "seats": totals["seats"] or 0},
    }


def employers_list(*, unit: Unit, year: int, on: dt.date) -> Data:
    """PA04's list of 15/04: the year's approved, active job openings, by occupation (an opening
    may name none)."""
    openings = JobOpening.objects.filter(list_year=year, approved=True, active=True)
    rows = (
        openings.values("occupation__code", "occupation__name")
        .annotate(openings=Count("pk"), headcount=Sum("headcount"))
        .order_by()
    )
    totals = openings.aggregate(
        openings=Count("pk"),
        headcount=Sum("headcount"),
        employers=Count("employer", distinct=True),
    )
    return {
        "as_of": on.isoformat(),
        "occupations": _by_count(rows, "headcount"),
        "total": {**totals, "headcount": totals["headcount"] or 0},
    }


def job_fair_programme(*, unit: Unit, year: int, on: dt.date) -> Data:
    """PX03's programme of 30/01: the job fairs, youth festivals and job exchange sessions of the
    year, in date order, with how many employers take part."""
    fairs = (
        JobFair.objects.filter(date__year=year)
        .annotate(employer_count=Count("employers", distinct=True))
        .values("date", "name", "kind", "place", "organiser__code", "employer_count")
        .order_by("date", "name")
    )
    return {
        "as_of": on.isoformat(),
        "fairs": [
            {
                "date": fair["date"].isoformat(),
                "name": fair["name"],
                "kind": fair["kind"],
                "place": fair["place"],
                "organiser": fair["organiser__code"],
                "employers": fair["employer_count"],
            }
            for fair in fairs
        ],
    }


def partner_results(*, party: Party, year: int, on: dt.date) -> Data:
    """The Lạng Sơn plan's report of 10/12 from a partner, for the year: an institution's
    soldiers (sent to it, enrolled, completed, withdrawn; training cards settled), or an
    employer's (referred to it, hired, declined; jobs started; places offered on the list)."""
    if party.institution is not None:
        counts = _institution_counts(party.institution, year)
    else:
        counts = _employer_counts(party.employer, year)
    return {"as_of": on.isoformat(), "counts": counts}


def _institution_counts(institution: Institution, year: int) -> dict[str, int]:
    received = institution_registrations(institution)
    counts = received.aggregate(
        received=Count("pk", filter=Q(sent_on__year=year)),
        enrolled=Count("pk", filter=Q(enrolled_on__year=year)),
        completed=Count("pk", filter=Q(completed_on__year=year)),
        withdrawn=Count("pk", filter=Q(withdrawn_on__year=year)),
    )
    # The card stays with the institution that trains him (its accounting voucher).
    cards = TrainingSupport.objects.filter(
        regime=TrainingSupport.Regime.CARD,
        card_status=TrainingSupport.CardStatus.SETTLED,
        settled_on__year=year,
        soldier__in=received.values("soldier_id"),
    ).aggregate(cards_settled=Count("pk"), settled_vnd=Coalesce(Sum("settled_vnd"), 0))
    return counts | cards


def _employer_counts(employer: Employer, year: int) -> dict[str, int]:
    decided = Q(decided_on__year=year)
    counts = Referral.objects.filter(opening__employer=employer).aggregate(
        referred=Count("pk", filter=Q(referred_on__year=year)),
        hired=Count("pk", filter=decided & Q(status=Referral.Status.HIRED)),
        declined=Count("pk", filter=decided & Q(status=Referral.Status.DECLINED)),
    )
    jobs = Placement.objects.filter(employer=employer, started_on__year=year).count()
    listed = JobOpening.objects.filter(employer=employer, list_year=year, approved=True)
    places = listed.aggregate(openings=Count("pk"), headcount=Coalesce(Sum("headcount"), 0))
    return counts | {"jobs_started": jobs} | places


def generate(obligation: ReportObligation, *, party: Party, year: int) -> Data:
    """The content of the `party`'s report for `obligation` in `year`, as the data stand now."""
    on = timezone.localdate()
    unit = party.unit
    match obligation.content:
        case Content.TRAINING_NEEDS:
            data = training_needs(unit=unit, year=year, on=on)
        case Content.SEMI_ANNUAL:
            data = results(unit=unit, year=year, on=on, period_end=dt.date(year, 6, 30))
        case Content.ANNUAL:
            data = results(unit=unit, year=year, on=on, period_end=dt.date(year, 12, 31))
        case Content.INSTITUTIONS_LIST:
            data = institutions_list(unit=unit, year=year, on=on)
        case Content.EMPLOYERS_LIST:
            data = employers_list(unit=unit, year=year, on=on)
        case Content.JOB_FAIR_PROGRAMME:
            data = job_fair_programme(unit=unit, year=year, on=on)
        case Content.PARTNER_ANNUAL:
            data = partner_results(party=party, year=year, on=on)
        case _:
            raise ValueError(f"No content is defined for {obligation.content!r}.")
    return {"content": obligation.content, "generated_at": timezone.now().isoformat(), **data}


# ---- reading: the stored JSON as titled tables ----


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@dataclass(frozen=True)
class Cell:
    value: Any
    numeric: bool


@dataclass(frozen=True)
class Table:
    """A titled table of the report as shown on its page; `empty` says what no row means."""

    title: str
    columns: list[Column]
    rows: list[list[Any]]
    total: list[Any] | None = None
    empty: str = ""

    def _cells(self, values: list[Any]) -> list[Cell]:
        return [
            Cell(value, column.numeric) for column, value in zip(self.columns, values, strict=True)
        ]

    @property
    def body(self) -> list[list[Cell]]:
        return [self._cells(row) for row in self.rows]

    @property
    def footer(self) -> list[Cell]:
        return self._cells(self.total) if self.total and self.rows else []


def generated_at(data: Data) -> dt.datetime | None:
    return dt.datetime.fromisoformat(data["generated_at"]) if data.get("generated_at") else None


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _rate(value: float | None) -> str:
    if value is None:
        return _("No data")
    return f"{number_format(value * 100, 1)} %"


def _figures_table(data: Data) -> Table:
    result = Figures(
        **{k: v for k, v in data.items() if k in Figures.__dataclass_fields__ and k != "as_of"},
        as_of=_date(data["as_of"]),
    )
    meets = {True: _("Met"), False: _("Not met"), None: "—"}

    def row(label: str, key: str, numerator: int, denominator: int, rate: float | None) -> list:
        target = f"{'' if key == 'counselled' else '≥ '}{number_format(TARGETS[key] * 100, 0)} %"
        return [label, numerator, denominator, _rate(rate), target, meets[result.meets[key]]]

    return Table(
        title=_("The three figures, cohort %(year)s, as of %(date)s")
        % {"year": result.year, "date": date_format(result.as_of, "SHORT_DATE_FORMAT")},
        columns=[
            Column(_("Figure")),
            Column(_("Soldiers"), numeric=True),
            Column(_("Out of"), numeric=True),
            Column(_("Rate"), numeric=True),
            Column(_("Target"), numeric=True),
            Column(_("Result")),
        ],
        rows=[
            row(
                _("Counselled before discharge"),
                "counselled",
                result.counselled,
                result.cohort,
                result.counselled_rate,
            ),
            row(
                _("Trained (of those who need training)"),
                "trained",
                result.trained,
                result.need_training,
                result.trained_rate,
            ),
            row(
                _("Employed after training"),
                "employed",
                result.employed_after_training,
                result.need_training,
                result.employed_rate,
            ),
        ],
    )


def _no_occupation(name: str) -> str:
    return name or _("No occupation named")


def _training_needs_tables(data: Data, year: int) -> list[Table]:
    total = data["total"]
    return [
        Table(
            title=_("Soldiers who want vocational training, by occupation"),
            columns=[
                Column(_("Occupation")),
                Column(_("Discharged in %(year)s") % {"year": year}, numeric=True),
                Column(_("Discharged in %(year)s") % {"year": year + 1}, numeric=True),
                Column(_("Total"), numeric=True),
            ],
            rows=[
                [row["occupation"], row["this_year"], row["next_year"], row["count"]]
                for row in data["occupations"]
            ],
            total=[_("Total"), total["this_year"], total["next_year"], total["count"]],
            empty=_("No soldier of the unit wants vocational training."),
        )
    ]


def _results_tables(data: Data, year: int) -> list[Table]:
    start, end = (date_format(_date(day), "SHORT_DATE_FORMAT") for day in data["period"])
    kinds = dict(Placement.Kind.choices)
    training, jobs = data["training"], data["placements"]
    return [
        _figures_table(data["figures"]),
        Table(
            title=_("Training from %(start)s to %(end)s, by occupation")
            % {"start": start, "end": end},
            columns=[
                Column(_("Occupation")),
                Column(_("Entered training"), numeric=True),
                Column(_("Completed"), numeric=True),
            ],
            rows=[[row["occupation"], row["enrolled"], row["completed"]] for row in training],
            total=[
                _("Total"),
                sum(row["enrolled"] for row in training),
                sum(row["completed"] for row in training),
            ],
            empty=_("No enrolment or completion in this period."),
        ),
        Table(
            title=_("Jobs started from %(start)s to %(end)s, by kind")
            % {"start": start, "end": end},
            columns=[Column(_("Kind of job")), Column(_("Soldiers"), numeric=True)],
            rows=[[kinds.get(row["kind"], row["kind"]), row["count"]] for row in jobs],
            total=[_("Total"), sum(row["count"] for row in jobs)],
            empty=_("No job started in this period."),
        ),
    ]


def _institutions_tables(data: Data, year: int) -> list[Table]:
    total = data["total"]
    return [
        Table(
            title=_("Courses of the %(year)s list: %(count)s institutions")
            % {"year": year, "count": total["institutions"]},
            columns=[
                Column(_("Occupation")),
                Column(_("Courses"), numeric=True),
                Column(_("Seats"), numeric=True),
            ],
            rows=[[row["occupation"], row["courses"], row["seats"]] for row in data["occupations"]],
            total=[_("Total"), total["courses"], total["seats"]],
            empty=_("No course is listed for this year."),
        )
    ]


def _employers_tables(data: Data, year: int) -> list[Table]:
    total = data["total"]
    return [
        Table(
            title=_("Job openings of the %(year)s list: %(count)s employers")
            % {"year": year, "count": total["employers"]},
            columns=[
                Column(_("Occupation")),
                Column(_("Openings"), numeric=True),
                Column(_("Headcount"), numeric=True),
            ],
            rows=[
                [_no_occupation(row["occupation"]), row["openings"], row["headcount"]]
                for row in data["occupations"]
            ],
            total=[_("Total"), total["openings"], total["headcount"]],
            empty=_("No job opening is listed for this year."),
        )
    ]


def _job_fair_tables(data: Data, year: int) -> list[Table]:
    kinds = dict(JobFair.Kind.choices)
    return [
        Table(
            title=_("Job fairs of %(year)s") % {"year": year},
            columns=[
                Column(_("Date")),
                Column(_("Name")),
                Column(_("Kind")),
                Column(_("Place")),
                Column(_("Organising unit")),
                Column(_("Employers"), numeric=True),
            ],
            rows=[
                [
                    date_format(_date(fair["date"]), "SHORT_DATE_FORMAT"),
                    fair["name"],
                    kinds.get(fair["kind"], fair["kind"]),
                    fair["place"],
                    fair["organiser"],
                    fair["employers"],
                ]
                for fair in data["fairs"]
            ],
            total=[_("Total"), len(data["fairs"]), "", "", "", ""],
            empty=_("No job fair is planned for this year."),
        )
    ]


# The lines of a partner's yearly report, in the order they are read.
PARTNER_LINES = {
    "received": _("Soldiers sent to the institution"),
    "enrolled": _("Enrolled"),
    "completed": _("Completed the course"),
    "withdrawn": _("Withdrawn"),
    "cards_settled": _("Training cards settled"),
    "settled_vnd": _("Amount settled (đ)"),
    "referred": _("Soldiers referred to the employer"),
    "hired": _("Hired"),
    "declined": _("Not taken"),
    "jobs_started": _("Jobs started"),
    "openings": _("Openings on the year's list"),
    "headcount": _("Places offered"),
}


def _partner_tables(data: Data, year: int) -> list[Table]:
    counts = data["counts"]
    return [
        Table(
            title=_("Results of %(year)s") % {"year": year},
            columns=[Column(_("Item")), Column(_("Number"), numeric=True)],
            rows=[[label, counts[key]] for key, label in PARTNER_LINES.items() if key in counts],
        )
    ]


READERS: dict[str, Callable[[Data, int], list[Table]]] = {
    Content.TRAINING_NEEDS: _training_needs_tables,
    Content.SEMI_ANNUAL: _results_tables,
    Content.ANNUAL: _results_tables,
    Content.INSTITUTIONS_LIST: _institutions_tables,
    Content.EMPLOYERS_LIST: _employers_tables,
    Content.JOB_FAIR_PROGRAMME: _job_fair_tables,
    Content.PARTNER_ANNUAL: _partner_tables,
}


def tables(data: Data, year: int) -> list[Table]:
    """The stored content as tables ([] before anything was generated)."""
    reader = READERS.get(data.get("content", ""))
    return reader(data, year) if reader else []
