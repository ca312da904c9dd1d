from django.db import migrations

# The audit log is append-only at the database level: UPDATE and DELETE raise, whoever asks.
# PostgreSQL (production): row triggers on both (TRUNCATE, an operator's tool, is not a row event).
# SQLite (the embedded default) clears tables with DELETE in test teardown, so there only UPDATE
# is refused by the database; the application offers no way to delete an entry on either.
POSTGRES_UP = """
CREATE OR REPLACE FUNCTION units_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'units_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER units_auditevent_no_update BEFORE UPDATE ON units_auditevent
    FOR EACH ROW EXECUTE FUNCTION units_auditevent_refuse_change();
CREATE TRIGGER units_auditevent_no_delete BEFORE DELETE ON units_auditevent
    FOR EACH ROW EXECUTE FUNCTION units_auditevent_refuse_change();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS units_auditevent_no_update ON units_auditevent;
DROP TRIGGER IF EXISTS units_auditevent_no_delete ON units_auditevent;
DROP FUNCTION IF EXISTS units_auditevent_refuse_change();
"""
SQLITE_UP = [
    """CREATE TRIGGER units_auditevent_no_update BEFORE UPDATE ON units_auditevent
       BEGIN SELECT RAISE(ABORT, 'units_auditevent is append-only'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS units_auditevent_no_update;"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("units", "0005_audit_log")]
    operations = [migrations.RunPython(forwards, backwards)]
