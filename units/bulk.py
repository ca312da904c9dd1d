"""Writing thousands of new rows at once (the ledger import, generate_load: DESIGN.md §10).

At 20,000 rows Django's `bulk_create` spends longer building its statements than PostgreSQL
spends storing the rows; PostgreSQL's COPY (psycopg 3 `cursor.copy`, in `copy_rows`) takes the
values as they are. Elsewhere (the SQLite the tests run on) `bulk_create` does the work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model

BATCH_SIZE = 1_000


def insert_new(objs: Sequence[Model]) -> int:
    """Insert these unsaved instances of one model, in the caller's transaction. Their ids are
    not read back: only for rows nothing refers to in the same work. Returns the row count."""
    if not objs:
        return 0
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
        return len(objs)
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    related = [field for field in fields if field.is_relation]
    # As bulk_create does, before writing anything: a relation to an instance saved since it
    # was set (a soldier new in the same import) takes that instance's id; an unsaved one stops.
    for obj in objs:
        for field in related:
            if getattr(obj, field.attname) is None and field.is_cached(obj):
                target = field.get_cached_value(obj)
                if target is not None and target.pk is None:
                    raise ValueError(f"insert_new: {field.name} is not saved yet")
                if target is not None:
                    setattr(obj, field.attname, target.pk)
    # pre_save fills auto_now fields; get_db_prep_save adapts as an INSERT would (JSON).
    return copy_rows(
        model,
        fields,
        (
            [field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields]
            for obj in objs
        ),
    )


def copy_rows(model: type[Model], fields: Sequence[Field], rows: Iterable[Sequence[Any]]) -> int:
    """PostgreSQL only: COPY these rows (values ready for psycopg, in the order of `fields`) into
    the model's table, in the caller's transaction. Returns the row count."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    count = 0
    # The raw psycopg cursor's errors, wrapped as Django's (IntegrityError...) as execute() would.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count
