"""The SLA warning's built-in templates gain the staffing gap line ("The team is short of agents:
add 2 agents to team 1st line between 14:00 and 18:00"); a template an admin edited is kept."""

from django.db import migrations

_SIGN = "\n\n--\n{{ site_name }}\n"
OLD = {
    "en": "Ticket #{{ ticket.number }} ({{ ticket.title }}): the {{ warning }} deadline "
    "{{ due|default:'' }} is near{% if minutes_left is not None %} "
    "({{ minutes_left }} minutes left){% endif %}.\n\n{{ desk_url }}" + _SIGN,
    "ru": "Заявка №{{ ticket.number }} ({{ ticket.title }}): приближается срок ({{ warning }}) "
    "{{ due|default:'' }}{% if minutes_left is not None %}, осталось {{ minutes_left }} мин."
    "{% endif %}\n\n{{ desk_url }}" + _SIGN,
}


def forward(apps, schema_editor):
    from deskline.notifications.defaults import DEFAULT_TEMPLATES

    Template = apps.get_model("notifications", "NotificationTemplate")
    for language, old in OLD.items():
        new = DEFAULT_TEMPLATES[("sla_warning", language)][1]
        Template.objects.filter(event="sla_warning", language=language, body=old).update(body=new)


def backward(apps, schema_editor):
    from deskline.notifications.defaults import DEFAULT_TEMPLATES

    Template = apps.get_model("notifications", "NotificationTemplate")
    for language, old in OLD.items():
        new = DEFAULT_TEMPLATES[("sla_warning", language)][1]
        Template.objects.filter(event="sla_warning", language=language, body=new).update(body=old)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0008_notification_events_combined")]

    operations = [migrations.RunPython(forward, backward)]
