"""Suggestions for the list's search boxes (company, contact, site, equipment): htmx fragments.

Each box sends its text as `<kind>_name`; the contact, site and equipment boxes also send the
chosen company (`company`), which narrows their suggestions to it.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.desk.selectors import REGISTRY_KINDS, registry_suggestions_for
from deskline.desk.web import staff_page

NOTHING_FOUND = {
    "company": _("No matching companies"),
    "contact": _("No matching contacts"),
    "site": _("No matching sites"),
    "equipment": _("No matching equipment"),
}


@staff_page
def registry_suggest(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in REGISTRY_KINDS:
        raise Http404("no such search box")
    user = request.user
    assert isinstance(user, User)
    text = request.GET.get(f"{kind}_name", "")
    company = request.GET.get("company", "").strip()
    suggestions = registry_suggestions_for(
        user=user,
        kind=kind,
        text=text,
        company_id=int(company) if company.isdigit() and kind != "company" else None,
    )
    context = {"suggestions": suggestions, "text": text, "nothing_found": NOTHING_FOUND[kind]}
    return render(request, "desk/_suggestions.html", context)
