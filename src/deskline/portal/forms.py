"""Portal forms: sign-in by email, and the new-ticket form limited to the contact's company."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Role, User
from deskline.clients.models import Equipment, Site
from deskline.tickets.models import TicketType


class EmailAuthenticationForm(AuthenticationForm):
    """Contacts sign in with their email; staff logins are not accepted here."""

    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True})
    )

    def clean(self) -> dict[str, Any]:
        email = (self.cleaned_data.get("username") or "").strip()
        user = User.objects.filter(email__iexact=email, role=Role.CONTACT, is_active=True).first()
        if user is not None:
            self.cleaned_data["username"] = user.get_username()
        return super().clean()


class NewTicketForm(forms.Form):
    title = forms.CharField(label=_("Subject"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    type = forms.ModelChoiceField(label=_("Type"), queryset=TicketType.objects.none())
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.none(), required=False, empty_label="—"
    )
    equipment = forms.ModelChoiceField(
        label=_("Equipment"), queryset=Equipment.objects.none(), required=False, empty_label="—"
    )

    def __init__(
        self,
        *args: Any,
        types: list[TicketType],
        sites: list[Site],
        equipment: list[Equipment],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The choices come from the selectors, already limited to what this contact may use.
        type_field = self.fields["type"]
        site_field = self.fields["site"]
        equipment_field = self.fields["equipment"]
        assert isinstance(type_field, forms.ModelChoiceField)
        assert isinstance(site_field, forms.ModelChoiceField)
        assert isinstance(equipment_field, forms.ModelChoiceField)
        type_field.queryset = TicketType.objects.filter(pk__in=[t.pk for t in types])
        site_field.queryset = Site.objects.filter(pk__in=[s.pk for s in sites])
        equipment_field.queryset = Equipment.objects.filter(
            pk__in=[e.pk for e in equipment]
        ).select_related("kind", "model")
        default = next((t for t in types if t.is_default), types[0] if types else None)
        if default is not None:
            type_field.initial = default.pk
