"""Admin page of the SMS gateway: URL and body templates, method, success check, and the
authentication secrets (write-only, sealed like mailbox passwords); a test SMS to oneself."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.channels.sms import SmsNotSent, sms_send
from deskline.channels.sms_models import SmsGateway
from deskline.channels.vault import seal

SECRETS = {"auth_header_value": _("auth header value"), "basic_password": _("basic auth password")}


class SmsGatewayForm(forms.ModelForm[SmsGateway]):
    auth_header_value = forms.CharField(
        label=SECRETS["auth_header_value"], required=False, strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("e.g. Bearer <key>. Stored encrypted and never shown; empty keeps it."),
    )  # fmt: skip
    clear_auth_header_value = forms.BooleanField(label=_("clear the header value"), required=False)
    basic_password = forms.CharField(
        label=SECRETS["basic_password"], required=False, strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted and never shown; empty keeps it."),
    )  # fmt: skip
    clear_basic_password = forms.BooleanField(label=_("clear the password"), required=False)

    class Meta:
        model = SmsGateway
        fields = [
            "name", "is_active", "method", "url_template", "body_template", "body_type",
            "phone_format", "auth_header_name", "auth_header_value", "basic_username",
            "basic_password", "success_statuses", "success_contains", "max_length",
            "timeout_seconds",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in SECRETS:
            stored = getattr(self.instance, name, "")
            new = cleaned.get(name) or ""
            value = "" if cleaned.get(f"clear_{name}") else (seal(new) if new else stored)
            cleaned[name] = value
            setattr(self.instance, name, value)
        return cleaned


@admin.register(SmsGateway)
class SmsGatewayAdmin(admin.ModelAdmin[SmsGateway]):
    form = SmsGatewayForm
    list_display = ["name", "is_active", "method", "url_template"]
    actions = ["send_test"]
    fieldsets = [
        (None, {"fields": ["name", "is_active", "method", "url_template", "body_template",
                           "body_type", "phone_format", "max_length", "timeout_seconds"]}),
        (_("Authentication"), {"fields": ["auth_header_name", "auth_header_value",
                                          "clear_auth_header_value", "basic_username",
                                          "basic_password", "clear_basic_password"]}),
        (_("Success check"), {"fields": ["success_statuses", "success_contains"]}),
    ]  # fmt: skip

    @admin.action(description=_("Send a test SMS to my phone (from my user profile)"))
    def send_test(self, request: HttpRequest, queryset: QuerySet[SmsGateway]) -> None:
        user = request.user
        phone = user.phone if isinstance(user, User) else ""
        if not phone:
            self.message_user(request, _("Your user profile has no phone."), messages.ERROR)
            return
        for gateway in queryset:
            try:
                sms_send(gateway=gateway, phone=phone, text="Deskline: test SMS")
            except SmsNotSent as exc:
                self.message_user(request, f"{gateway.name}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{gateway.name}: {_('sent')} ({phone})")
