"""Rows into tables the fastest way each database has: PostgreSQL's COPY (psycopg 3
`cursor.copy`), batched inserts anywhere else (the SQLite the tests run on)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import JSONField, Model
from psycopg.types.json import Jsonb

from units.bulk import copy_rows

BATCH_SIZE = 2_000


class UnknownColumn(Exception):
    """A model gained a required column the load does not fill."""


class Writer:
    """Writes plain tuples in the order of `columns` (attribute names); every other column takes
    its model default, so a field added later with a default needs no change here."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.copy = connection.vendor == "postgresql"
        self.written: dict[type[Model], int] = {}

    def write(
        self, model: type[Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
    ) -> int:
        fields, extra = self._fields(model, columns)
        count = (
            self._copy(model, fields, extra, rows)
            if self.copy
            else self._insert(model, fields, extra, rows)
        )
        self.written[model] = self.written.get(model, 0) + count
        return count

    def reset_sequences(self, models: Iterable[type[Model]]) -> None:
        """After rows were written with their own ids, the next id the database hands out must
        come after them (PostgreSQL only: SQLite follows the largest id by itself)."""
        if not self.copy:
            return
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
                cursor.execute(statement)

    def _fields(self, model: type[Model], columns: Sequence[str]) -> tuple[list, tuple]:
        by_name = {field.attname: field for field in model._meta.concrete_fields}
        fields = [by_name[name] for name in columns]
        extra_fields, extra = [], []
        for field in model._meta.concrete_fields:
            if field.attname in columns or field.primary_key:
                continue
            extra_fields.append(field)
            extra.append(self._default(model, field))
        return fields + extra_fields, tuple(extra)

    def _default(self, model: type[Model], field: Any) -> Any:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.now
        if not (field.has_default() or field.null or field.blank):
            raise UnknownColumn(f"{model._meta.label}.{field.name} has no default")
        return field.get_default()

    def _copy(
        self, model: type[Model], fields: list, extra: tuple, rows: Iterable[tuple[Any, ...]]
    ) -> int:
        json = [i for i, field in enumerate(fields) if isinstance(field, JSONField)]

        def prepared(row: tuple[Any, ...]) -> tuple[Any, ...]:
            values = (*row, *extra)
            if not json:
                return values
            return tuple(
                Jsonb(v) if i in json and v is not None else v for i, v in enumerate(values)
            )

        return copy_rows(model, fields, (prepared(row) for row in rows))

    def _insert(
        self, model: type[Model], fields: list, extra: tuple, rows: Iterable[tuple[Any, ...]]
    ) -> int:
        names = [field.attname for field in fields]
        objects = [model(**dict(zip(names, (*row, *extra), strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        return len(objects)
