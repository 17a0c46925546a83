"""The dashboard page and the shift check-in (stress level) it carries."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskline.accounts.models import User
from deskline.core.errors import DomainError
from deskline.desk.dashboard import dashboard_for
from deskline.desk.web import staff_page
from deskline.feedback.stress import stress_mark

TREND_WEEKS = 12


@staff_page
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    today = timezone.localdate()
    context = {
        "nav": "dashboard",
        "board": dashboard_for(user=user, today=today),
        "trend_start": (today - dt.timedelta(weeks=TREND_WEEKS)).isoformat(),
    }
    return render(request, "desk/dashboard.html", context)


@require_POST
@staff_page
def stress_check_in(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    try:
        stress_mark(actor=user, level=request.POST.get("level", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you. Only your team lead sees a pattern of high marks."))
    return HttpResponseRedirect("/dashboard/")
