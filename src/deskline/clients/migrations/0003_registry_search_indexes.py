"""PostgreSQL: indexes for the desk's contact, site and equipment search boxes.

Like 0002 for company names: `field__istartswith` runs `UPPER(field::text) LIKE UPPER('x%')`,
which a btree over the same expression with `text_pattern_ops` answers by a range scan.
SQLite needs nothing here.
"""

from django.db import migrations

INDEXES = {
    "contact_name_upper_like": ("clients_contact", "name"),
    "contact_email_upper_like": ("clients_contact", "email"),
    "site_name_upper_like": ("clients_site", "name"),
    "equipment_serial_upper_like": ("clients_equipment", "serial_number"),
    "equipment_inventory_upper_like": ("clients_equipment", "inventory_number"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, column) in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} "
                f"ON {table} (UPPER({column}::text) text_pattern_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_company_name_search_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
