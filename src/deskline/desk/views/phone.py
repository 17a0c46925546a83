"""The live call card: a small fragment the desk layout polls (htmx) for the agent whose
extension rings, with the caller, company, open tickets and "new ticket from this call"."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from deskline.accounts.models import User
from deskline.channels.phone_models import Call
from deskline.channels.phone_selectors import live_call_for
from deskline.desk.web import staff_page


def intake_url(call: Call) -> str:
    """The first line's intake page prefilled from the call (caller, channel, the call)."""
    params: dict[str, object] = {"channel": "phone", "call": call.pk}
    number = call.from_number if call.direction == "inbound" else call.to_number
    if call.contact_id is not None:
        params["contact"] = call.contact_id
        if call.company_id is not None:
            params["company"] = call.company_id
        params["title"] = _("Call from %(name)s") % {
            "name": call.contact.name if call.contact else ""
        }
    else:
        params["contact_phone"] = number
        params["title"] = _("Call from %(number)s") % {"number": number}
    return "/tickets/new/?" + urlencode(params)


@staff_page
def call_card(request: HttpRequest) -> HttpResponse:
    """The card of the call at the agent's extension, or nothing (polled every few seconds)."""
    user = request.user
    assert isinstance(user, User)
    card = live_call_for(user)
    if card is None:
        return HttpResponse("")
    context = {"card": card, "call": card.call, "intake_url": intake_url(card.call)}
    return render(request, "desk/_call_card.html", context)
