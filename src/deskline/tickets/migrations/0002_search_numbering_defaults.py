"""Full-text search tables, the ticket number sequence, and the default reference data."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

STATUSES = [
    # code, name, Russian name, phase, colour, order, initial
    ("new", "New", "Новая", "new", "#2563eb", 10, True),
    ("in_progress", "In progress", "В работе", "open", "#d97706", 20, False),
    ("waiting_client", "Waiting for client", "Ожидает клиента", "waiting", "#7c3aed", 30, False),
    ("resolved", "Resolved", "Решена", "resolved", "#16a34a", 40, False),
    ("closed", "Closed", "Закрыта", "closed", "#6b7280", 50, False),
]
TRANSITIONS = [
    # from, to, comment required, clients may use
    ("new", "in_progress", False, False),
    ("new", "waiting_client", True, False),
    ("new", "resolved", False, False),
    ("new", "closed", True, False),
    ("in_progress", "waiting_client", True, False),
    ("in_progress", "resolved", False, False),
    ("waiting_client", "in_progress", False, True),
    ("waiting_client", "resolved", False, False),
    ("resolved", "closed", False, True),
    ("resolved", "in_progress", True, True),
    ("closed", "in_progress", True, False),
]
PRIORITIES = [
    ("low", "Low", 10, "#6b7280", False),
    ("normal", "Normal", 20, "#2563eb", True),
    ("high", "High", 30, "#d97706", False),
    ("critical", "Critical", 40, "#dc2626", False),
]
TYPES = [
    ("incident", "Incident", True, True),
    ("service_request", "Service request", True, False),
    ("question", "Question", True, False),
    ("planned_work", "Planned work", False, False),
]


def create_defaults(apps, schema_editor):
    Status = apps.get_model("tickets", "Status")
    Transition = apps.get_model("tickets", "StatusTransition")
    Priority = apps.get_model("tickets", "Priority")
    TicketType = apps.get_model("tickets", "TicketType")
    NumberSequence = apps.get_model("tickets", "NumberSequence")
    by_code = {}
    for code, name, name_ru, phase, color, order, initial in STATUSES:
        by_code[code] = Status.objects.create(
            code=code, name=name, name_ru=name_ru, phase=phase, color=color, order=order,
            is_initial=initial,
        )
    for source, target, comment, clients in TRANSITIONS:
        Transition.objects.create(
            from_status=by_code[source], to_status=by_code[target],
            comment_required=comment, clients_may_use=clients,
        )
    for code, name, weight, color, default in PRIORITIES:
        Priority.objects.create(code=code, name=name, weight=weight, color=color, is_default=default)
    for code, name, open_to_clients, default in TYPES:
        TicketType.objects.create(
            code=code, name=name, open_to_clients=open_to_clients, is_default=default
        )
    NumberSequence.objects.create(name="ticket", value=0)


def create_search_and_sequence(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE SEQUENCE IF NOT EXISTS tickets_ticket_number_seq START 1")
            cursor.execute("CREATE INDEX tickets_search_vector ON tickets_search USING gin (vector)")
        else:
            cursor.execute(
                "CREATE VIRTUAL TABLE tickets_fts USING fts5("
                "body, tokenize = 'unicode61 remove_diacritics 2')"
            )


def drop_search_and_sequence(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS tickets_search_vector")
            cursor.execute("DROP SEQUENCE IF EXISTS tickets_ticket_number_seq")
        else:
            cursor.execute("DROP TABLE IF EXISTS tickets_fts")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="TicketSearch",
            fields=[
                (
                    "ticket",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="tickets.ticket",
                    ),
                ),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={"db_table": "tickets_search"},
        ),
        migrations.RunPython(create_search_and_sequence, drop_search_and_sequence),
        migrations.RunPython(create_defaults, migrations.RunPython.noop),
    ]
