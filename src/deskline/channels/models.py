"""Mailboxes (where mail comes from) and inbound messages (every message, stored raw first)."""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.channels.alert_models import (  # noqa: F401
    Alert,
    AlertIncident,
    AlertPayload,
    AlertRule,
    AlertSource,
)
from deskline.channels.oauthwire import token_url_allowed
from deskline.channels.phone_models import Call, CallEvent, PhoneSource  # noqa: F401
from deskline.channels.sms_models import SmsGateway  # noqa: F401
from deskline.channels.telegram_models import (  # noqa: F401
    TelegramBot,
    TelegramChat,
    TelegramLinkCode,
    TelegramMessage,
    TelegramUpdate,
)
from deskline.channels.webhook_models import WebhookDelivery, WebhookSubscription  # noqa: F401
from deskline.tickets.models import Comment, Ticket

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Mailbox(models.Model):
    class Security(models.TextChoices):
        SSL = "ssl", _("SSL/TLS")
        STARTTLS = "starttls", _("STARTTLS")
        NONE = "none", _("None (loopback and tests only)")

    class UnknownSenders(models.TextChoices):
        CREATE = "create", _("Create a contact")
        REFUSE = "refuse", _("Refuse with a polite auto-reply")

    name = models.SlugField(_("name"), max_length=64, unique=True)
    address = models.EmailField(
        _("address"), blank=True, help_text=_("The support address; replies thread back to it.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    unknown_senders = models.CharField(
        max_length=8, choices=UnknownSenders.choices, default=UnknownSenders.CREATE
    )
    rate_limit = models.PositiveIntegerField(
        _("messages per sender per window"), default=20, help_text=_("0 switches the limit off.")
    )
    rate_window_minutes = models.PositiveIntegerField(default=10)
    # Push intake (HTTP endpoint): only a SHA-256 digest of the token is stored.
    token_digest = models.CharField(max_length=64, blank=True, db_index=True)
    # IMAP polling; an empty host means push-only.
    imap_host = models.CharField(_("IMAP host"), max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(max_length=8, choices=Security.choices, default=Security.SSL)
    imap_username = models.CharField(max_length=255, blank=True)
    # Secrets are stored sealed (deskline.channels.vault): "fernet:<token>", never in clear.
    imap_password = models.TextField(_("IMAP password"), blank=True)
    imap_verify_tls = models.BooleanField(
        _("verify the server's TLS certificate"),
        default=True,
        help_text=_(
            "Switch off only for a test server: without verification anyone between Deskline "
            "and the server can read the password and the mail."
        ),
    )
    imap_ca_certificate = models.TextField(
        _("trusted CA certificate (PEM)"),
        blank=True,
        help_text=_(
            "For a server whose certificate is signed by your own CA: paste that CA's "
            "certificate. Only this CA is then trusted for the server; empty trusts the "
            "system's CAs."
        ),
    )
    imap_oauth_token = models.TextField(
        _("OAuth2 access token"),
        blank=True,
        help_text=_("Used with XOAUTH2 instead of a password."),
    )
    imap_oauth_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    imap_oauth_refresh_token = models.TextField(
        _("OAuth2 refresh token"),
        blank=True,
        help_text=_("With a token URL and client id, gets a new access token when it expires."),
    )
    imap_oauth_token_url = models.URLField(_("OAuth2 token URL"), max_length=500, blank=True)
    imap_oauth_client_id = models.CharField(_("OAuth2 client id"), max_length=255, blank=True)
    imap_oauth_client_secret = models.TextField(_("OAuth2 client secret"), blank=True)
    imap_folder = models.CharField(max_length=255, default="INBOX")
    imap_move_to = models.CharField(
        max_length=255, blank=True, help_text=_("Move processed mail here; empty marks it seen.")
    )
    since = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Import mail received since then; empty imports only mail that arrives later."),
    )
    uid_validity = models.BigIntegerField(null=True, blank=True, editable=False)
    last_uid = models.BigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.name

    @property
    def uses_oauth(self) -> bool:
        """XOAUTH2 login (an access token, or a refresh token to get one) instead of LOGIN."""
        return bool(self.imap_oauth_token or self.imap_oauth_refresh_token)

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.imap_ca_certificate.strip():
            try:
                ssl.create_default_context(cadata=self.imap_ca_certificate.strip())
            except (ssl.SSLError, ValueError):
                errors["imap_ca_certificate"] = _("This is not a PEM certificate.")
        if self.imap_oauth_token_url and not token_url_allowed(self.imap_oauth_token_url):
            errors["imap_oauth_token_url"] = _("Use https (plain http only to this machine).")
        if errors:
            raise ValidationError(errors)


class InboundMessage(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        QUARANTINED = "quarantined", _("Quarantined")

    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="messages")
    #: The Message-ID, or "sha256:<hex>" of the raw bytes when it is missing or too long.
    message_key = models.CharField(max_length=255)
    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    raw = models.BinaryField()
    sender = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    reason = models.CharField(max_length=500, blank=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_messages"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "message_key"], name="inbound_unique_key")
        ]
        indexes = [
            models.Index(fields=["mailbox", "sender", "received_at"], name="inbound_sender_idx")
        ]

    def __str__(self) -> str:
        return f"{self.mailbox_id}:{self.message_key}"
