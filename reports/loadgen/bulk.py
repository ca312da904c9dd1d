"""Bulk loading on PostgreSQL the way pg_restore does it: the big tables' secondary indexes, unique
constraints and foreign keys are set aside for the load and made again after it, each in one pass
over the data, instead of millions of single index inserts and of deferred foreign-key checks
queued until the commit. It all happens in the load's transaction: if anything fails, the schema
comes back as it was with the rollback. Elsewhere (SQLite) nothing is set aside.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Model

# Index builds sort in memory: more of it makes each build one pass (the default is 64 MB).
BUILD_MEMORY = "256MB"


@dataclass
class SetAside:
    """What was dropped, per table, to be made again in the order given to `restore`."""

    indexes: dict[str, list[str]] = field(default_factory=dict)  # CREATE INDEX statements
    constraints: dict[str, list[str]] = field(default_factory=dict)  # ALTER TABLE … ADD
    foreign_keys: list[str] = field(default_factory=list)  # ALTER TABLE … ADD, made last


def set_aside(models: Iterable[type[Model]]) -> SetAside:
    """Drop the secondary indexes, unique constraints and foreign keys of these models' tables
    (their primary keys stay)."""
    kept = SetAside()
    if connection.vendor != "postgresql":
        return kept
    tables = [model._meta.db_table for model in models]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # A table with foreign-key checks still queued in this transaction cannot be altered:
        # run them now, then let the constraints defer again as Django declares them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('f', 'u')
            ORDER BY contype, conname""",
            [tables],
        )
        for table, name, kind, definition in cursor.fetchall():
            add = f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
            if kind == "f":
                kept.foreign_keys.append(add)
            else:
                kept.constraints.setdefault(table, []).append(add)
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        cursor.execute(
            """SELECT tablename, indexname, indexdef FROM pg_indexes
            WHERE schemaname = current_schema() AND tablename = ANY(%s)
            AND indexname NOT IN (SELECT conname FROM pg_constraint)""",
            [tables],
        )
        for table, name, definition in cursor.fetchall():
            kept.indexes.setdefault(table, []).append(definition)
            cursor.execute(f"DROP INDEX {quote(name)}")
    return kept


def restore(kept: SetAside, models: Iterable[type[Model]] | None = None) -> None:
    """Make again the indexes and unique constraints of these models' tables (all of them if
    None), and with all of them the foreign keys, each checked in one query."""
    tables = None if models is None else {model._meta.db_table for model in models}
    with connection.cursor() as cursor:
        for group in (kept.indexes, kept.constraints):
            for table in [t for t in group if tables is None or t in tables]:
                for statement in group.pop(table):
                    cursor.execute(statement)
        if models is None:
            for statement in kept.foreign_keys:
                cursor.execute(statement)
            kept.foreign_keys.clear()
