"""Writes of reply templates from the desk: an agent's own personal templates.

Shared templates (for everyone or a team) are edited by administrators in the admin; an
agent may create, change and delete only personal templates they own.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from deskline.accounts.models import User
from deskline.core.errors import ValidationFailed
from deskline.core.permissions import require_staff
from deskline.knowledge.models import Audience, ReplyTemplate
from deskline.knowledge.selectors import personal_template_get_for


def _validated(row: ReplyTemplate) -> ReplyTemplate:
    try:
        row.full_clean()
    except ValidationError as exc:
        fields = {name: " ".join(str(m) for m in errs) for name, errs in exc.message_dict.items()}
        raise ValidationFailed("the template is not valid", fields=fields) from exc
    row.save()
    return row


@transaction.atomic
def reply_template_create(
    *, actor: User, name: str, body: str, language: str = "", order: int = 0
) -> ReplyTemplate:
    """A new personal template of `actor`."""
    require_staff(actor)
    row = ReplyTemplate(
        name=name.strip(),
        body=body,
        language=language,
        order=order,
        audience=Audience.PERSONAL,
        owner=actor,
    )
    return _validated(row)


@transaction.atomic
def reply_template_update(
    *,
    actor: User,
    template_id: int,
    name: str,
    body: str,
    language: str = "",
    is_active: bool = True,
) -> ReplyTemplate:
    """Change one of `actor`'s personal templates; anyone else's is "not found"."""
    row = personal_template_get_for(user=actor, template_id=template_id)
    row.name, row.body, row.language, row.is_active = name.strip(), body, language, is_active
    return _validated(row)


@transaction.atomic
def reply_template_delete(*, actor: User, template_id: int) -> None:
    personal_template_get_for(user=actor, template_id=template_id).delete()
