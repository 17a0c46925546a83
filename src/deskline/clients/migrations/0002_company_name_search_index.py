"""PostgreSQL: an index for the company search boxes' case-insensitive prefix match.

Django's `name__istartswith` runs `UPPER(name::text) LIKE UPPER('acme%')`; a btree over the
same expression with `text_pattern_ops` turns it into an index range scan whatever the
database collation is. SQLite has no such operator class and needs nothing here (its company
tables are small).
"""

from django.db import migrations

INDEX = "company_name_upper_like"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} "
            "ON clients_company (UPPER(name::text) text_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
