"""Admin: mailboxes (IMAP settings, secrets, push token) and inbound mail with quarantine retry.

Passwords and OAuth2 tokens are write-only here: the form never shows them (not even sealed),
an empty field keeps the stored value, a tick in "clear" removes it, and a new value is sealed
before it is saved.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from deskline.channels import (  # noqa: F401  (register their pages)
    alert_admin,
    phone_admin,
    sms_admin,
    telegram_admin,
    webhook_admin,
)
from deskline.channels.models import InboundMessage, Mailbox
from deskline.channels.services import inbound_retry, mailbox_token_create
from deskline.channels.vault import seal

SECRET_FIELDS = [
    "imap_password",
    "imap_oauth_token",
    "imap_oauth_refresh_token",
    "imap_oauth_client_secret",
]


def _secret_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted and never shown; leave empty to keep it."),
    )


class MailboxForm(forms.ModelForm[Mailbox]):
    imap_password = _secret_field(_("IMAP password"))
    clear_imap_password = forms.BooleanField(label=_("clear the password"), required=False)
    imap_oauth_token = _secret_field(_("OAuth2 access token"))
    clear_imap_oauth_token = forms.BooleanField(label=_("clear the access token"), required=False)
    imap_oauth_refresh_token = _secret_field(_("OAuth2 refresh token"))
    clear_imap_oauth_refresh_token = forms.BooleanField(
        label=_("clear the refresh token"), required=False
    )
    imap_oauth_client_secret = _secret_field(_("OAuth2 client secret"))
    clear_imap_oauth_client_secret = forms.BooleanField(
        label=_("clear the client secret"), required=False
    )

    imap_oauth_token_url = forms.URLField(
        label=_("OAuth2 token URL"), required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = Mailbox
        fields = [
            "name", "address", "is_active", "unknown_senders", "rate_limit", "rate_window_minutes",
            "imap_host", "imap_port", "imap_security", "imap_verify_tls", "imap_ca_certificate",
            "imap_username", "imap_password", "imap_oauth_token", "imap_oauth_refresh_token",
            "imap_oauth_token_url", "imap_oauth_client_id", "imap_oauth_client_secret",
            "imap_folder", "imap_move_to", "since",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            # The form says a value is stored, never what it is.
            if getattr(self.instance, name, ""):
                self.fields[name].widget.attrs["placeholder"] = _("(stored)")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in SECRET_FIELDS:
            stored = getattr(self.instance, name, "")
            new = cleaned.get(name) or ""
            if cleaned.get(f"clear_{name}"):
                value = ""
            elif new:
                value = seal(new)
            else:
                value = stored
            if name == "imap_oauth_token" and value != stored:
                # A token typed in has an unknown lifetime: the next poll refreshes it if it can.
                self.instance.imap_oauth_expires_at = None
            cleaned[name] = value
            setattr(self.instance, name, value)
        return cleaned


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Mailbox]):
    form = MailboxForm
    fieldsets = [
        (None, {"fields": [
            "name", "address", "is_active", "unknown_senders", "rate_limit", "rate_window_minutes",
        ]}),
        (_("IMAP"), {"fields": [
            "imap_host", "imap_port", "imap_security", "imap_verify_tls", "imap_ca_certificate",
            "imap_username", "imap_password", "clear_imap_password", "imap_folder", "imap_move_to",
            "since",
        ]}),
        (_("OAuth2 (XOAUTH2 instead of the password)"), {"fields": [
            "imap_oauth_token", "clear_imap_oauth_token", "imap_oauth_refresh_token",
            "clear_imap_oauth_refresh_token", "imap_oauth_token_url", "imap_oauth_client_id",
            "imap_oauth_client_secret", "clear_imap_oauth_client_secret",
        ]}),
        (_("State"), {"fields": ["uid_validity", "last_uid", "last_polled_at", "last_error"]}),
    ]  # fmt: skip
    list_display = [
        "name", "address", "imap_host", "is_active", "tls_verified", "last_polled_at", "last_error",
    ]  # fmt: skip
    readonly_fields = ["uid_validity", "last_uid", "last_polled_at", "last_error"]
    actions = ["new_push_token"]

    @admin.display(description=_("TLS verified"), boolean=True)
    def tls_verified(self, obj: Mailbox) -> bool:
        return obj.imap_verify_tls or obj.imap_security == Mailbox.Security.NONE

    def save_model(self, request: HttpRequest, obj: Mailbox, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not obj.imap_verify_tls and obj.imap_security != Mailbox.Security.NONE:
            self.message_user(
                request,
                _(
                    "%(name)s: the server's TLS certificate is not verified. Anyone between "
                    "Deskline and the mail server can read the password and the mail."
                )
                % {"name": obj.name},
                messages.WARNING,
            )

    @admin.action(description="Make a new push token (shown once)")
    def new_push_token(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        for mailbox in queryset:
            token = mailbox_token_create(mailbox_id=mailbox.pk)
            self.message_user(request, f"{mailbox.name}: {token}", messages.WARNING)


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin[InboundMessage]):
    list_display = ["received_at", "mailbox", "sender", "subject", "status", "reason", "ticket"]
    list_filter = ["status", "mailbox"]
    search_fields = ["sender", "subject", "message_id", "reason"]
    readonly_fields = [
        "mailbox", "message_key", "message_id", "sender", "subject", "status", "reason", "ticket",
        "comment", "attempts", "received_at", "processed_at", "raw_text",
    ]  # fmt: skip
    exclude = ["raw"]
    actions = ["retry"]

    @admin.display(description="raw message")
    def raw_text(self, obj: InboundMessage) -> str:
        return bytes(obj.raw).decode("utf-8", "replace")

    @admin.action(description="Process again")
    def retry(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        for inbound_id in queryset.values_list("pk", flat=True):
            result = inbound_retry(inbound_id=inbound_id)
            self.message_user(request, f"message {inbound_id}: {result.summary}")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
