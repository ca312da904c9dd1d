"""The milestone columns behind the province's figures (DESIGN.md §5).

`refresh` recomputes them from the related tables in one UPDATE. Every service that records a
counselling, a career wish, a registration or a placement calls it in its own transaction, so the
columns never lag; `recompute_milestones` runs it over everyone and reports any drift.

The related tables of upper layers (training, employers) are reached through the reverse relations
they declare on Soldier, never imported (DESIGN.md §6).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, ExtractYear

from soldiers.models import Counselling, Soldier

MILESTONE_FIELDS = (
    "cohort_year",
    "first_counselling_on",
    "need_training",
    "need_training_since",
    "need_training_occupation_id",
    "enrolled_on",
    "employed_on",
)
TRAINED_STATUSES = ("enrolled", "completed")


def _related(relation: str) -> type[Model]:
    return Soldier._meta.get_field(relation).related_model


def _enrolled_on(soldier_ref: OuterRef) -> Subquery:
    """The first enrolment date among his registrations now enrolled or completed."""
    registrations = _related("registrations").objects.filter(
        soldier=soldier_ref, status__in=TRAINED_STATUSES, enrolled_on__isnull=False
    )
    return Subquery(registrations.order_by("enrolled_on").values("enrolled_on")[:1])


def milestone_expressions() -> dict[str, object]:
    """One expression per milestone column, correlated on the soldier row being updated."""
    me = OuterRef("pk")
    wish_yes = _related("career_wishes").objects.filter(
        soldier=me, is_current=True, wants_training="yes"
    )
    placements = _related("placements").objects.filter(
        soldier=me, started_on__gte=_enrolled_on(OuterRef(OuterRef("pk")))
    )
    return {
        "cohort_year": ExtractYear(Coalesce("actual_discharge_date", "expected_discharge_date")),
        "first_counselling_on": Subquery(
            Counselling.objects.filter(soldier=me).order_by("date").values("date")[:1]
        ),
        "need_training": Exists(wish_yes),
        "need_training_since": Subquery(wish_yes.values("surveyed_on")[:1]),
        "need_training_occupation_id": Subquery(wish_yes.values("occupation_id")[:1]),
        "enrolled_on": _enrolled_on(me),
        "employed_on": Subquery(placements.order_by("started_on").values("started_on")[:1]),
    }


def refresh(soldier_ids: Iterable[int] | None = None) -> int:
    """Recompute the milestone columns of these soldiers (all of them if None)."""
    qs: QuerySet[Soldier] = Soldier.objects.all()
    if soldier_ids is not None:
        qs = qs.filter(pk__in=list(soldier_ids))
    return qs.update(**milestone_expressions())


def drifted(soldier_ids: Iterable[int] | None = None) -> list[int]:
    """Ids of the soldiers whose stored milestones differ from what the related tables say."""
    qs = (
        Soldier.objects.all() if soldier_ids is None else Soldier.objects.filter(pk__in=soldier_ids)
    )
    fresh = {f"fresh_{name}": expr for name, expr in milestone_expressions().items()}
    rows = qs.annotate(**fresh).values_list("pk", *MILESTONE_FIELDS, *fresh).order_by("pk")
    width = len(MILESTONE_FIELDS)
    return [
        row[0] for row in rows.iterator(chunk_size=5000) if row[1 : 1 + width] != row[1 + width :]
    ]
