"""The processing record (Nghị định 356/2025): each personal field the system keeps, why, on
which legal basis, who can see it and how long it is kept.

It is generated from declarations next to the models, so it cannot drift from them. A model
that keeps personal data declares it in a class attribute, field name → PersonalField:

    PERSONAL_DATA = {"citizen_id": PersonalField(purpose=..., basis=..., audience=...,
                                                 retention=...)}

and a field whose name looks personal but that holds no one's data says why in

    NOT_PERSONAL_DATA = {"address": _("The address of an institution, not of a person.")}

THE RULE (`looks_personal`), which tests/units/test_processing_record.py applies to every field
of every model of every local app (the apps at the project's root): a concrete field looks
personal when
  1. it is an EmailField or a GenericIPAddressField, or
  2. its name is a person's name: full_name, contact_name, first_name, last_name, or
  3. one of the words of its name (split on "_") is in PERSONAL_WORDS: address, agent
     (user_agent), birth, citizen, email, home, ip, password, phone, username.
Every such field must be in PERSONAL_DATA or NOT_PERSONAL_DATA, or the test fails: a new phone
number or address cannot reach the database without its entry. Fields the rule cannot see (a
soldier's rank, a free-text note) are declared all the same; the rule is the floor, not the list.

Models of installed third-party apps are walked too when this module declares them
(THIRD_PARTY: django-axes keeps the addresses of sign-in attempts); units/ reaches the other
apps' models only through the app registry, never by import.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

PERSON_NAMES = frozenset({"full_name", "contact_name", "first_name", "last_name"})
PERSONAL_WORDS = frozenset(
    {"address", "agent", "birth", "citizen", "email", "home", "ip", "password", "phone", "username"}
)
PERSONAL_TYPES = (models.EmailField, models.GenericIPAddressField)


@dataclass(frozen=True)
class PersonalField:
    purpose: str | Promise
    basis: str | Promise
    audience: str | Promise
    retention: str | Promise
    # The field's name on the record when it has no translated verbose_name of its own.
    label: str | Promise = ""


class Basis:
    """The legal grounds the fields are kept on."""

    STATE_TASK = _(
        "A task the law gives the police, carried out without the person's consent (Law "
        "91/2025/QH15 on personal data protection): supporting demobilised conscripts into "
        "training and jobs (Decree 61/2015, Decree 338/2025, plan 159/KH-CAT-PX01)"
    )
    ACCOUNTS = _(
        "The controller's duty to let only authorised staff use the system (Law 91/2025/QH15, "
        "Decree 356/2025)"
    )
    SECURITY = _(
        "The controller's duty to protect the data and record who reached it (Law "
        "91/2025/QH15, Decree 356/2025)"
    )
    CONTACT = _(
        "Consent of the contact person, given when the institution or employer names him for "
        "this work"
    )


class Audience:
    """Who can see the fields, as units.scoping and the pages decide."""

    SOLDIER = _(
        "Officers of his managing unit and the units above it, the commune police of his home "
        "commune, headquarters staff and leadership"
    )
    SOLDIER_AND_PARTNER = _(
        "Officers of his managing unit and the units above it, the commune police of his home "
        "commune, headquarters staff and leadership; the staff of the institution or employer he "
        "is sent or referred to"
    )
    CITIZEN_ID = _(
        "Masked to its last 4 digits for all who see the soldier; whole only when one of them "
        "asks on his page (each time logged), and in the ledger written by the command line"
    )
    ACCOUNT = _("The account holder and the system administrators")
    STAFF = _(
        "Every account that sees a record he changed or a list he keeps, and the system "
        "administrators"
    )
    LOG = _("PX01 headquarters staff and the system administrators")
    CONTACT = _("Every police account and the partner's own accounts")


class Retention:
    """How long the fields are kept."""

    SOLDIER = _(
        "Until anonymised: once his support window closed more than the retention period ago "
        "(5 years unless PX01 sets another), PX01 approves removing his name, citizen ID, birth "
        "day and month and phone"
    )
    SOLDIER_RECORD = _(
        "With the soldier's file; after anonymisation it stays without his identity, so that "
        "the figures of past years do not change"
    )
    ACCOUNT = _(
        "As long as the account: accounts are deactivated, never deleted, so that past actions "
        "keep their author"
    )
    LOG = _("For good: the log is append-only and no one can change or delete an entry")
    CONTACT = _("Until the partner's details are changed")
    SESSION = _("Until the session ends: sign-out, 30 minutes idle or 12 hours at most")


_SIGN_IN_ATTEMPT = PersonalField(
    purpose=_("Locking a sign-in after 5 wrong passwords from one address"),
    basis=Basis.SECURITY,
    audience=_("The system administrators"),
    retention=_("Until the next successful sign-in of the name from that address"),
)
_SIGN_IN_LOG = PersonalField(
    purpose=_("The sign-in history kept by the login throttling"),
    basis=Basis.SECURITY,
    audience=_("The system administrators"),
    retention=_("Until an administrator clears it (axes_reset_logs)"),
)
_SIGN_IN_FIELDS = ("username", "ip_address", "user_agent")
# Third-party models with personal fields, by label: they cannot carry a class attribute of ours.
THIRD_PARTY: dict[str, dict[str, PersonalField]] = {
    "axes.accessattempt": dict.fromkeys(_SIGN_IN_FIELDS, _SIGN_IN_ATTEMPT),
    "axes.accesslog": dict.fromkeys(_SIGN_IN_FIELDS, _SIGN_IN_LOG),
}


def looks_personal(field: models.Field) -> bool:
    """THE RULE (see the module's docstring)."""
    if isinstance(field, PERSONAL_TYPES):
        return True
    return field.name in PERSON_NAMES or not PERSONAL_WORDS.isdisjoint(field.name.split("_"))


def local_models() -> list[type[models.Model]]:
    """Every model of every local app: the apps whose package sits at the project's root."""
    root = Path(settings.BASE_DIR).resolve()
    return [
        model
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == root
        for model in config.get_models()
    ]


def declarations(model: type[models.Model]) -> dict[str, PersonalField]:
    return THIRD_PARTY.get(model._meta.label_lower) or getattr(model, "PERSONAL_DATA", {})


def undeclared_fields(models_: list[type[models.Model]] | None = None) -> list[str]:
    """The fields that look personal and have no entry, as "app.Model.field"."""
    missing = []
    for model in local_models() if models_ is None else models_:
        known = declarations(model).keys() | getattr(model, "NOT_PERSONAL_DATA", {}).keys()
        missing += [
            f"{model._meta.label}.{field.name}"
            for field in model._meta.concrete_fields
            if looks_personal(field) and field.name not in known
        ]
    return missing


def unknown_declarations() -> list[str]:
    """Entries that name no field of their model (a field renamed or removed)."""
    unknown = []
    for model in _declaring_models():
        names = {field.name for field in model._meta.concrete_fields}
        declared = declarations(model).keys() | getattr(model, "NOT_PERSONAL_DATA", {}).keys()
        unknown += [f"{model._meta.label}.{name}" for name in declared if name not in names]
    return unknown


def _declaring_models() -> list[type[models.Model]]:
    third_party = [
        apps.get_model(label) for label in THIRD_PARTY if apps.is_installed(label.split(".")[0])
    ]
    return [model for model in local_models() if declarations(model)] + third_party


@dataclass(frozen=True)
class RecordLine:
    label: str
    name: str
    entry: PersonalField


@dataclass(frozen=True)
class ModelRecord:
    app: str
    model: str
    label: str
    lines: list[RecordLine]


def processing_record() -> list[ModelRecord]:
    """The record: each model that keeps personal data, its personal fields in the model's own
    order, each with its purpose, legal basis, audience and retention."""
    record = []
    for model in _declaring_models():
        entries = declarations(model)
        lines = [
            RecordLine(
                capfirst(entries[field.name].label or field.verbose_name),
                field.name,
                entries[field.name],
            )
            for field in model._meta.concrete_fields
            if field.name in entries
        ]
        config = apps.get_app_config(model._meta.app_label)
        record.append(
            ModelRecord(
                capfirst(config.verbose_name),
                capfirst(model._meta.verbose_name),
                model._meta.label_lower,
                lines,
            )
        )
    return record
