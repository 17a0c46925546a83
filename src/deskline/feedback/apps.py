"""The feedback app: satisfaction surveys after resolution and the "to call back" queue."""

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "deskline.feedback"
    label = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        from deskline.feedback.services import survey_mail_context, survey_on_event
        from deskline.notifications.context import context_provider
        from deskline.tickets.events import on_ticket_event

        on_ticket_event("feedback.survey", kinds=["status_changed"])(survey_on_event)
        context_provider("ticket_resolved")(survey_mail_context)
