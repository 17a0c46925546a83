"""Password reset mail through the outbox, for the desk (staff) and the portal (contacts).

Django's form sends the mail inside the request: an SMTP outage showed "sent" and lost it. Here
the rendered mail becomes an outbox row in the request's transaction and goes out with the
outbox's retries. Each page resets only its own kind of login, and says the same thing whether
or not the address is known.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.db.models import QuerySet
from django.template import loader

from deskline.accounts.models import STAFF_ROLES, Role, User
from deskline.notifications.services import message_queue


class QueuedPasswordResetForm(PasswordResetForm):
    roles: frozenset[str] = frozenset()

    def get_users(self, email: str) -> Any:
        users: QuerySet[User] = User.objects.filter(
            email__iexact=email, is_active=True, is_system=False, role__in=self.roles
        )
        return (u for u in users if u.has_usable_password())

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message_queue(event="password_reset", recipient=to_email, subject=subject, body=body)


class StaffPasswordResetForm(QueuedPasswordResetForm):
    roles = frozenset(STAFF_ROLES)


class ContactPasswordResetForm(QueuedPasswordResetForm):
    roles = frozenset({Role.CONTACT})
