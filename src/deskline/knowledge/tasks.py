"""Background jobs of the knowledge base: reminding owners of articles due for review."""

from __future__ import annotations

from django_tasks import task

from deskline.knowledge.article_services import review_reminders_send


@task()
def article_reviews_remind() -> int:
    """Daily: mail owners whose published articles have reached their review date."""
    return review_reminders_send()
