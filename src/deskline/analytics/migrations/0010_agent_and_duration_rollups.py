"""The per-agent daily rollup and the per-day minute buckets of the time distributions, filled
from the rows already there (the sums of the detail rows; the stored minutes bucketed), and an
index on each minute column with its end (the exact minutes of one bucket of a period)."""

import datetime as dt

from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import TruncDate

COUNTERS = (
    "created", "resolved", "reaction_met", "reaction_breached", "resolution_met",
    "resolution_breached", "first_response_minutes", "first_response_count",
    "resolution_minutes", "resolution_count", "rating_sum", "rating_count", "reopened",
    "first_contact",
)
MEASURES = {
    "first_response_business": "reacted_at", "first_response_wall": "reacted_at",
    "resolution_business": "resolved_at", "resolution_wall": "resolved_at",
}
FILL_AGENTS = (
    "INSERT INTO analytics_dailyagentstats (day, team_id, agent_id, {columns}) "
    "SELECT day, team_id, agent_id, {sums} FROM analytics_dailyticketstats "
    "GROUP BY day, team_id, agent_id"
).format(columns=", ".join(COUNTERS), sums=", ".join(f"SUM({c})" for c in COUNTERS))


def fill_buckets(apps, schema_editor):
    from deskline.analytics.durations import duration_bucket

    TicketDuration = apps.get_model("analytics", "TicketDuration")
    DailyDurationBuckets = apps.get_model("analytics", "DailyDurationBuckets")
    db = schema_editor.connection.alias
    for column, end in MEASURES.items():
        counts = {}
        grouped = (
            TicketDuration.objects.using(db)
            .filter(**{f"{column}__isnull": False, f"{end}__isnull": False})
            .annotate(on=TruncDate(end, tzinfo=dt.UTC))
            .order_by()
            .values_list("on", column)
            .annotate(n=Count("*"))
        )
        for day, minutes, n in grouped.iterator(chunk_size=10_000):
            key = (day, duration_bucket(minutes))
            counts[key] = counts.get(key, 0) + n
        DailyDurationBuckets.objects.using(db).bulk_create(
            [DailyDurationBuckets(day=day, measure=column, bucket=bucket, tickets=n)
             for (day, bucket), n in counts.items()],
            batch_size=5000,
        )




class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0009_merge_0008_ticket_durations_0008_tone_report_choice'),
    ]

    operations = [
        migrations.CreateModel(
            name='DailyAgentStats',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.IntegerField(default=0)),
                ('resolved', models.IntegerField(default=0)),
                ('reaction_met', models.IntegerField(default=0)),
                ('reaction_breached', models.IntegerField(default=0)),
                ('resolution_met', models.IntegerField(default=0)),
                ('resolution_breached', models.IntegerField(default=0)),
                ('first_response_minutes', models.BigIntegerField(default=0)),
                ('first_response_count', models.IntegerField(default=0)),
                ('resolution_minutes', models.BigIntegerField(default=0)),
                ('resolution_count', models.IntegerField(default=0)),
                ('rating_sum', models.IntegerField(default=0)),
                ('rating_count', models.IntegerField(default=0)),
                ('reopened', models.IntegerField(default=0)),
                ('first_contact', models.IntegerField(default=0)),
                ('day', models.DateField()),
                ('team_id', models.BigIntegerField(default=0)),
                ('agent_id', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='DailyDurationBuckets',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('measure', models.CharField(max_length=32)),
                ('bucket', models.IntegerField()),
                ('tickets', models.IntegerField(default=0)),
            ],
        ),
        migrations.AddIndex(
            model_name='ticketduration',
            index=models.Index(fields=['first_response_business', 'reacted_at'], name='duration_fr_business'),
        ),
        migrations.AddIndex(
            model_name='ticketduration',
            index=models.Index(fields=['first_response_wall', 'reacted_at'], name='duration_fr_wall'),
        ),
        migrations.AddIndex(
            model_name='ticketduration',
            index=models.Index(fields=['resolution_business', 'resolved_at'], name='duration_res_business'),
        ),
        migrations.AddIndex(
            model_name='ticketduration',
            index=models.Index(fields=['resolution_wall', 'resolved_at'], name='duration_res_wall'),
        ),
        migrations.AddConstraint(
            model_name='dailyagentstats',
            constraint=models.UniqueConstraint(fields=('day', 'team_id', 'agent_id'), name='daily_agent_stats_key'),
        ),
        migrations.AddConstraint(
            model_name='dailydurationbuckets',
            constraint=models.UniqueConstraint(fields=('measure', 'day', 'bucket'), name='daily_duration_buckets_key'),
        ),
        migrations.RunSQL(FILL_AGENTS, migrations.RunSQL.noop),
        migrations.RunPython(fill_buckets, migrations.RunPython.noop),
    ]
