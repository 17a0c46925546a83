"""The HTTP gateway outgoing SMS go through (set in the admin; the first active one is used)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.channels.smsgateway import template_errors


class SmsGateway(models.Model):
    class Method(models.TextChoices):
        GET = "GET", "GET"
        POST = "POST", "POST"

    class BodyType(models.TextChoices):
        FORM = "form", _("Form (application/x-www-form-urlencoded)")
        JSON = "json", _("JSON (application/json)")
        TEXT = "text", _("Plain text")

    class PhoneFormat(models.TextChoices):
        E164 = "e164", _("+79123456789 (E.164)")
        DIGITS = "digits", _("79123456789 (digits only)")

    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    method = models.CharField(_("method"), max_length=4, choices=Method.choices, default="POST")
    url_template = models.CharField(
        _("URL template"),
        max_length=1000,
        help_text=_("{phone} and {text} are replaced (URL-encoded), e.g. "
                    "https://sms.example/send?to={phone}&msg={text}"),
    )  # fmt: skip
    body_template = models.TextField(
        _("body template"),
        blank=True,
        help_text=_('For POST: {phone} and {text} are replaced (escaped for the body type), '
                    'e.g. {"to": "{phone}", "text": "{text}"} or to={phone}&msg={text}.'),
    )  # fmt: skip
    body_type = models.CharField(
        _("body type"), max_length=8, choices=BodyType.choices, default=BodyType.FORM
    )
    phone_format = models.CharField(
        _("phone format"), max_length=8, choices=PhoneFormat.choices, default=PhoneFormat.E164
    )
    auth_header_name = models.CharField(
        _("auth header name"), max_length=100, blank=True, help_text=_("e.g. Authorization")
    )
    #: Sealed (channels/vault.py); write-only in the admin.
    auth_header_value = models.CharField(max_length=1000, blank=True)
    basic_username = models.CharField(_("basic auth user"), max_length=200, blank=True)
    #: Sealed (channels/vault.py); write-only in the admin.
    basic_password = models.CharField(max_length=1000, blank=True)
    success_statuses = models.CharField(
        _("success statuses"),
        max_length=100,
        default="200-299",
        help_text=_("HTTP statuses that mean sent: 200-299, or a list: 200,201,202"),
    )
    success_contains = models.CharField(
        _("success text"),
        max_length=200,
        blank=True,
        help_text=_('The answer must contain this text to count as sent, e.g. "status":"OK"'),
    )
    max_length = models.PositiveIntegerField(_("longest text (characters)"), default=480)
    timeout_seconds = models.PositiveSmallIntegerField(_("timeout (seconds)"), default=10)

    class Meta:
        ordering = ["-is_active", "pk"]
        verbose_name = _("SMS gateway")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = template_errors(
            url=self.url_template, body=self.body_template, statuses=self.success_statuses
        )
        if errors:
            raise ValidationError(errors)
