"""The default automation trigger: resolved tickets without a client reply for 7 days close."""

from django.db import migrations

NAME = "Auto-close resolved tickets without a client reply"


def create_trigger(apps, schema_editor):
    Trigger = apps.get_model("routing", "Trigger")
    Trigger.objects.get_or_create(
        name=NAME,
        defaults={
            "when": "no_client_reply",
            "days": 7,
            "status_code": "resolved",
            "conditions": [],
            "actions": {"close": True},
            "order": 1000,
        },
    )


def remove_trigger(apps, schema_editor):
    apps.get_model("routing", "Trigger").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("routing", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, remove_trigger)]
