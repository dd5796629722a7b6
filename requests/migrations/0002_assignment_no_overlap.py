"""On PostgreSQL, the database itself refuses two overlapping assignments of one interpreter.

An exclusion constraint (``btree_gist``) over the interpreter and the assignment's blocked
time range, for assignments that still hold their time (not cancelled). SQLite has no such
constraint; there ``requests.services`` checks the same inside its locking transaction.
"""

from django.db import migrations

CONSTRAINT = "assignment_no_overlap"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE requests_assignment ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (
        interpreter_id WITH =,
        tstzrange(blocked_start, blocked_end, '[)') WITH &&
    ) WHERE (status <> 'cancelled');
"""
DROP = f"ALTER TABLE requests_assignment DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("requests", "0001_interpreter_requests")]

    operations = [migrations.RunPython(forwards, backwards)]
