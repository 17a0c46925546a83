"""Mail intake: store the raw message, then turn it into a ticket, a comment, or nothing.

`mail_ingest` is idempotent per (mailbox, Message-ID or SHA-256 of the raw bytes): the raw row
is committed first, processing happens in its own transaction together with the ticket write,
and a message that fails is quarantined with the reason instead of being lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import secrets
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32
from html import escape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from deskline.accounts.models import User
from deskline.accounts.system import system_user
from deskline.channels import selectors
from deskline.channels.inline import cid_references, link_cids, own_cid_references
from deskline.channels.loopguard import automatic_reason
from deskline.channels.mailparse import ParsedMail, parse_mail
from deskline.channels.mailthread import decide_thread, strip_reply_prefix
from deskline.channels.models import InboundMessage, Mailbox
from deskline.channels.quoting import strip_quotes
from deskline.channels.senderproof import Verdict, sender_verdict
from deskline.clients.models import Contact
from deskline.clients.services import contact_create
from deskline.core.errors import DomainError
from deskline.core.mailformat import address_token, subject_token
from deskline.notifications.services import notify_sender_refused
from deskline.tickets.models import Attachment, Ticket
from deskline.tickets.schemas import attachment_out
from deskline.tickets.services import (
    attachment_add,
    comment_add,
    inline_images_link,
    ticket_create,
    ticket_link,
    ticket_reopen_on_client_reply,
)

logger = logging.getLogger(__name__)
Status = InboundMessage.Status


@dataclass(frozen=True)
class IntakeResult:
    inbound_id: int
    status: str
    reason: str = ""
    ticket_number: int | None = None
    comment_id: int | None = None
    duplicate: bool = False

    @property
    def summary(self) -> str:
        """`ticket N`, `comment on N`, `duplicate of ticket N` (seen before), `ignored: why` or
        `quarantined: why`."""
        if self.status == Status.PROCESSED:
            if self.duplicate:
                kind = "comment on" if self.comment_id is not None else "ticket"
                return f"duplicate of {kind} {self.ticket_number}"
            if self.comment_id is not None:
                return f"comment on {self.ticket_number}"
            return f"ticket {self.ticket_number}"
        if self.status == Status.RECEIVED:
            return "received: waiting to be processed"
        return f"{self.status}: {self.reason}"


def _result(inbound: InboundMessage, *, duplicate: bool = False) -> IntakeResult:
    return IntakeResult(
        inbound_id=inbound.pk,
        status=inbound.status,
        reason=inbound.reason,
        ticket_number=inbound.ticket.number if inbound.ticket_id and inbound.ticket else None,
        comment_id=inbound.comment_id,
        duplicate=duplicate,
    )


def message_key(raw: bytes) -> tuple[str, str]:
    """(key, Message-ID): the Message-ID when usable, else the SHA-256 of the raw bytes."""
    try:
        value = str(BytesHeaderParser(policy=compat32).parsebytes(raw).get("Message-ID") or "")
    except Exception:
        value = ""
    message_id = value.strip().strip("<>").strip()
    if message_id and " " not in message_id and len(message_id) <= 250:
        return message_id, message_id
    return f"sha256:{hashlib.sha256(raw).hexdigest()}", message_id[:998]


def inbound_store(*, mailbox: Mailbox, raw: bytes) -> tuple[InboundMessage, bool]:
    """Commit the raw message (or find it, when it came before)."""
    key, message_id = message_key(raw)
    return InboundMessage.objects.get_or_create(
        mailbox=mailbox,
        message_key=key,
        defaults={"raw": raw, "message_id": message_id, "received_at": timezone.now()},
    )


def mail_ingest(*, mailbox: Mailbox, raw: bytes) -> IntakeResult:
    """Store, then process once. Calling it again with the same message changes nothing."""
    inbound, _ = inbound_store(mailbox=mailbox, raw=raw)
    if inbound.status != Status.RECEIVED:
        return _result(inbound, duplicate=True)
    return inbound_process(inbound_id=inbound.pk)


def inbound_process(*, inbound_id: int, retry: bool = False) -> IntakeResult:
    """Process a stored message; failures quarantine it with the reason (it is never lost)."""
    try:
        with transaction.atomic():
            inbound = (
                InboundMessage.objects.select_for_update()
                .select_related("mailbox")
                .get(pk=inbound_id)
            )
            allowed = (Status.RECEIVED, Status.QUARANTINED) if retry else (Status.RECEIVED,)
            if inbound.status not in allowed:
                return _result(inbound, duplicate=True)
            inbound.attempts += 1
            inbound.reason = ""
            _process(inbound)
            inbound.processed_at = timezone.now()
            inbound.save()
    except Exception as exc:
        logger.warning("mail %s quarantined", inbound_id, exc_info=True)
        why = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        InboundMessage.objects.filter(pk=inbound_id).update(
            status=Status.QUARANTINED,
            reason=why[:500],
            attempts=F("attempts") + 1,
            processed_at=timezone.now(),
        )
    return _result(InboundMessage.objects.select_related("ticket").get(pk=inbound_id))


def inbound_retry(*, inbound_id: int) -> IntakeResult:
    """Process a quarantined message again (the admin action and the API call this)."""
    return inbound_process(inbound_id=inbound_id, retry=True)


def inbound_process_pending(*, older_than_seconds: int = 300) -> int:
    """Process messages left in `received` by a worker that died; how many were processed."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    done = 0
    for inbound_id in selectors.inbound_pending(older_than=cutoff).values_list("pk", flat=True):
        inbound_process(inbound_id=inbound_id)
        done += 1
    return done


def _set(inbound: InboundMessage, status: str, reason: str = "") -> None:
    inbound.status, inbound.reason = status, reason[:500]


def _process(inbound: InboundMessage) -> None:
    mailbox = inbound.mailbox
    mail = parse_mail(bytes(inbound.raw))
    inbound.sender = mail.from_addr[:320]
    inbound.subject = mail.subject[:300]
    inbound.message_id = inbound.message_id or mail.message_id[:998]
    automatic = automatic_reason(
        headers=mail.headers,
        sender=mail.from_addr,
        content_type=mail.content_type,
        own_addresses=[mailbox.address],
    )
    if automatic:
        return _set(inbound, Status.IGNORED, automatic)
    if _rate_limited(inbound, mailbox):
        return _set(
            inbound,
            Status.QUARANTINED,
            f"rate limited: more than {mailbox.rate_limit} messages from {inbound.sender} "
            f"in {mailbox.rate_window_minutes} minutes",
        )
    staff = selectors.staff_by_email(mail.from_addr)
    contact = None if staff else selectors.contact_by_email(mail.from_addr)
    number = _thread(mail, mailbox, contact, staff)
    earlier = None
    if number is not None:
        number = selectors.surviving_ticket_number(number)  # a merged duplicate's survivor
        if staff is not None or not selectors.ticket_is_closed(number):
            _add_comment(inbound, mail, number, staff, contact)
            if staff is None:
                _reopen(inbound, number)
            return None
        earlier = number  # a client writing to a closed ticket starts a new one, linked
        inbound.reason = f"ticket {number} is closed: a new ticket linked to it"
    if staff is None and contact is None:
        if mailbox.unknown_senders == Mailbox.UnknownSenders.REFUSE:
            notify_sender_refused(
                mailbox_id=mailbox.pk,
                sender=mail.from_addr,
                subject=mail.subject,
                message_id=mail.message_id,
            )
            return _set(inbound, Status.IGNORED, f"unknown sender refused: {mail.from_addr}")
        contact = _contact_create(mail)
    _open_ticket(inbound, mail, contact)
    if earlier is not None and inbound.ticket is not None:
        ticket_link(actor=system_user("mail"), number=inbound.ticket.number, other_number=earlier)
    if contact is None and staff is None:
        inbound.reason = f"no contact: sender address not valid: {mail.from_addr}"[:500]


def _reopen(inbound: InboundMessage, number: int) -> None:
    """Reopen a resolved ticket the client answered; if its workflow refuses, the reply still
    stands and the message says why."""
    try:
        with transaction.atomic():
            ticket_reopen_on_client_reply(number=number)
    except DomainError as exc:
        inbound.reason = f"not reopened: {exc.message}"[:500]


def _rate_limited(inbound: InboundMessage, mailbox: Mailbox) -> bool:
    if not mailbox.rate_limit or not inbound.sender:
        return False
    since = timezone.now() - dt.timedelta(minutes=mailbox.rate_window_minutes)
    recent = selectors.sender_recent_count(
        mailbox=mailbox, sender=inbound.sender, since=since, exclude=inbound.pk
    )
    return recent >= mailbox.rate_limit


def _thread(
    mail: ParsedMail, mailbox: Mailbox, contact: Contact | None, staff: User | None
) -> int | None:
    tokens = [subject_token(mail.subject), address_token(mail.recipients, mailbox.address)]
    decision = decide_thread(
        thread_ids=mail.thread_ids,
        known_ids=selectors.known_thread_ids(mail.thread_ids),
        subject=mail.subject,
        recipients=mail.recipients,
        mailbox_address=mailbox.address,
        existing_numbers=selectors.existing_ticket_numbers(tokens),
    )
    if decision.number is None or decision.by == "message-id" or staff is not None:
        return decision.number
    # A bare token is easy to guess: it threads only mail from the ticket's own people.
    ticket = Ticket.objects.filter(number=decision.number).first()
    if ticket is None or contact is None:
        return None
    same_company = ticket.company_id is not None and ticket.company_id == contact.company_id
    return decision.number if ticket.contact_id == contact.pk or same_company else None


def _reply_text(mail: ParsedMail) -> str:
    return strip_quotes(mail.body_text) or ("(attachments)" if mail.attachments else "(no text)")


def _add_comment(
    inbound: InboundMessage,
    mail: ParsedMail,
    number: int,
    staff: User | None,
    contact: Contact | None,
) -> None:
    verdict = _sender_verdict(mail, inbound.mailbox, number, staff, contact)
    body = _reply_text(mail)
    if not verdict.verified:
        # Not proven to come from who From: names: an internal note, posted by nobody.
        body = f"[unverified sender: {mail.from_addr}; {verdict.reason}]\n\n{body}"
        staff = None
    comment = comment_add(
        actor=staff,
        number=number,
        body=body,
        channel="email",
        author_contact_id=contact.pk if contact else None,
        message_id=mail.message_id,
        sender_verified=verdict.verified,
    )
    inbound.ticket_id, inbound.comment = comment.ticket_id, comment
    if not verdict.verified:
        inbound.reason = f"unverified sender: {verdict.reason}"[:500]
    notes, stored = _attach(mail, number, staff, comment.pk)
    images = _inline_images(own_cid_references(mail.html), stored, number)
    if images:
        # Same transaction as comment_add: the reply shows its own inline images after its text.
        inline_images_link(
            ticket_id=comment.ticket_id, comment_id=comment.pk, comment_body=comment.body + images
        )
    _set(inbound, Status.PROCESSED, notes)


def _sender_verdict(
    mail: ParsedMail, mailbox: Mailbox, number: int, staff: User | None, contact: Contact | None
) -> Verdict:
    """Mail that speaks for staff, or for a client about another company's ticket, must prove
    its sender; a client writing about their own company's ticket need not."""
    if staff is None and contact is not None:
        ticket = Ticket.objects.filter(number=number).values("contact_id", "company_id").first()
        own = ticket is not None and (
            ticket["contact_id"] == contact.pk
            or (ticket["company_id"] is not None and ticket["company_id"] == contact.company_id)
        )
        if own:
            return Verdict(True, "the ticket's own client")
    return sender_verdict(
        number=number, recipients=mail.recipients, mailbox_address=mailbox.address,
        from_address=mail.from_addr, authentication_results=mail.headers.get(
            "authentication-results", []),
        trusted_authserv_ids=settings.DESKLINE_MAIL_TRUSTED_AUTHSERV_IDS,
    )  # fmt: skip


def _contact_create(mail: ParsedMail) -> Contact | None:
    """A contact for an unknown sender; None when the address is not one we could write to."""
    try:
        validate_email(mail.from_addr)
    except ValidationError:
        return None
    company = selectors.company_for_domain(mail.from_addr.rpartition("@")[2])
    name = (mail.from_name or mail.from_addr.partition("@")[0])[:300]
    try:
        with transaction.atomic():
            return contact_create(
                actor=None,
                company_id=company.pk if company else None,
                name=name,
                email=mail.from_addr,
            )
    except DomainError:  # an address the registry refuses: the ticket comes without a contact
        return None


def _open_ticket(inbound: InboundMessage, mail: ParsedMail, contact: Contact | None) -> None:
    safe_html = mail.safe_html
    # HTML is kept when there is no text version, or when it shows images the text cannot.
    content_ids = {p.content_id for p in mail.attachments if p.content_id}
    use_html = bool(safe_html) and (
        not mail.text or bool(content_ids & set(cid_references(safe_html)))
    )
    ticket = ticket_create(
        actor=None,
        channel="email",
        contact_id=contact.pk if contact else None,
        company_id=contact.company_id if contact else None,
        title=strip_reply_prefix(mail.subject)[:300] or "(no subject)",
        description=safe_html if use_html else mail.text,
        description_is_html=use_html,
    )
    inbound.ticket = ticket
    notes, stored = _attach(mail, ticket.number, None, None)
    if use_html and stored:
        linked = link_cids(ticket.description, _urls(stored, ticket.number))
        if linked != ticket.description:
            # Same transaction as ticket_create: the new ticket's images point at its files.
            inline_images_link(ticket_id=ticket.pk, description=linked)
    _set(inbound, Status.PROCESSED, notes)


def _urls(stored: dict[str, Attachment], number: int) -> dict[str, str]:
    """Content-ID -> the URL the desk, the portal and the API all serve the file from."""
    return {cid: str(attachment_out(a, number)["url"]) for cid, a in stored.items()}


def _inline_images(content_ids: list[str], stored: dict[str, Attachment], number: int) -> str:
    urls = _urls(stored, number)
    return "".join(
        f'<p><img src="{escape(urls[cid])}" alt="{escape(stored[cid].filename)}"></p>'
        for cid in content_ids
        if cid in urls and stored[cid].content_type.startswith("image/")
    )


def _attach(
    mail: ParsedMail, number: int, actor: User | None, comment_id: int | None
) -> tuple[str, dict[str, Attachment]]:
    """Add the attachments: (the refusals for the reason, the stored files by Content-ID).

    A refused file is noted in the reason, not fatal to the message.
    """
    notes: list[str] = []
    stored: dict[str, Attachment] = {}
    for part in mail.attachments:
        if not part.data:
            continue
        try:
            with transaction.atomic():
                attachment = attachment_add(
                    actor=actor,
                    number=number,
                    filename=part.filename,
                    content=io.BytesIO(part.data),
                    size=len(part.data),
                    comment_id=comment_id,
                )
        except DomainError as exc:
            notes.append(f"{part.filename}: {exc.message}")
            continue
        if part.content_id:
            stored.setdefault(part.content_id.strip(), attachment)
    return (f"attachments refused: {'; '.join(notes)}" if notes else ""), stored


def mailbox_token_create(*, mailbox_id: int) -> str:
    """A new push token for the mailbox (shown once; only its digest is kept)."""
    token, digest = secret_new("mbx")
    Mailbox.objects.filter(pk=mailbox_id).update(token_digest=digest)
    return token


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def secret_new(prefix: str) -> tuple[str, str]:
    """A new endpoint secret (`<prefix>_...`, shown once) and the digest that is kept of it."""
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    return token, token_digest(token)


def mailbox_default() -> Mailbox:
    """The mailbox used when none is named (`mail ingest`, `smtpd` without --mailbox)."""
    mailbox, _ = Mailbox.objects.get_or_create(name="default")
    return mailbox
