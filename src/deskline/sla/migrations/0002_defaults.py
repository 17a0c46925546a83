"""The default business-hours and 24/7 calendars and the default SLA policy with its targets."""

from django.db import migrations

BUSINESS_WEEK = ["09:00-18:00"] * 5 + ["", ""]
#: priority code: (reaction, resolution) in working minutes of the business calendar.
TARGETS = {
    "critical": (30, 240),
    "high": (60, 960),
    "normal": (240, 2160),
    "low": (480, 4320),
}


def create_defaults(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    SlaTarget = apps.get_model("sla", "SlaTarget")
    EscalationStep = apps.get_model("sla", "EscalationStep")
    Priority = apps.get_model("tickets", "Priority")
    business = Calendar.objects.create(
        name="Business hours", time_zone="Europe/Moscow", week=BUSINESS_WEEK, country="RU",
        is_default=True,
    )
    Calendar.objects.create(name="24/7", time_zone="UTC", always=True, week=["00:00-24:00"] * 7)
    policy = SlaPolicy.objects.create(
        name="Standard", calendar=business, pause_phases=["waiting"], is_default=True
    )
    for priority in Priority.objects.all():
        reaction, resolution = TARGETS.get(priority.code, TARGETS["normal"])
        SlaTarget.objects.create(
            policy=policy, priority=priority, reaction_minutes=reaction,
            resolution_minutes=resolution,
        )
    EscalationStep.objects.create(
        policy=policy,
        name="Warn the manager 24 working hours before the resolution deadline",
        deadline="resolution", trigger="before", value=24 * 60, notify_manager=True,
    )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial"), ("tickets", "0002_search_numbering_defaults")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
