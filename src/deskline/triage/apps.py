from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "deskline.triage"
    label = "triage"

    def ready(self) -> None:
        from deskline.core import refcache
        from deskline.tickets.conditions import ticket_condition
        from deskline.tickets.deciders import ticket_decider
        from deskline.tickets.events import on_ticket_event
        from deskline.tickets.facts import change_fact_source, ticket_fact_source
        from deskline.tickets.observers import ticket_observer
        from deskline.triage.decider import predictions_on_created, triage_decide
        from deskline.triage.duplicates import duplicates_decide, duplicates_on_created
        from deskline.triage.marks import angry_filter
        from deskline.triage.models import TriageFieldSetting, TriageModel
        from deskline.triage.selectors import active_fields
        from deskline.triage.services import predictions_on_change
        from deskline.triage.tasks import embed_on_event
        from deskline.triage.tone_decider import (
            comment_tone_facts,
            latest_tone_facts,
            tone_decide,
            tone_warm,
            tones_on_event,
        )

        ticket_decider("triage", stage="predict", warm=active_fields)(triage_decide)
        ticket_decider("tone", stage="predict", warm=tone_warm)(tone_decide)
        ticket_decider("duplicates", stage="predict")(duplicates_decide)
        ticket_observer("triage.tone")(tones_on_event)
        ticket_fact_source("tone")(latest_tone_facts)
        change_fact_source("tone")(comment_tone_facts)
        ticket_condition("angry")(angry_filter)
        ticket_observer("triage.duplicates")(duplicates_on_created)
        ticket_observer("triage.predictions")(predictions_on_created)
        ticket_observer("triage.outcomes")(predictions_on_change)
        on_ticket_event("triage.embed", kinds=["created", "updated"])(embed_on_event)
        refcache.watch(TriageModel, TriageFieldSetting)
