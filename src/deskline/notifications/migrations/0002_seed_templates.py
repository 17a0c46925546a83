from django.db import migrations

from deskline.notifications.defaults import DEFAULT_TEMPLATES


def seed(apps, schema_editor):
    Template = apps.get_model("notifications", "NotificationTemplate")
    for (event, language), (subject, body) in DEFAULT_TEMPLATES.items():
        Template.objects.get_or_create(
            event=event, language=language, defaults={"subject": subject, "body": body}
        )


def unseed(apps, schema_editor):
    Template = apps.get_model("notifications", "NotificationTemplate")
    for event, language in DEFAULT_TEMPLATES:
        Template.objects.filter(event=event, language=language).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
