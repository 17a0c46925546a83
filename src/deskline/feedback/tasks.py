"""Background jobs of the feedback app: the periodic NPS invitations."""

from __future__ import annotations

from django_tasks import task

from deskline.feedback.nps import nps_send_due


@task()
def nps_invitations_due() -> None:
    nps_send_due()
