"""Pages of the feedback app: the one-click score from the e-mail, then an optional comment.

No login: the signed token in the address is the authority (django.core.signing).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from deskline.core.errors import DomainError
from deskline.feedback import nps, services
from deskline.feedback.models import SurveyInvite


@require_http_methods(["GET", "POST"])
def survey_score(request: HttpRequest, token: str, score: int) -> HttpResponse:
    """The score link in the e-mail: records the score, asks for an optional comment."""
    try:
        invite = services.survey_answer(token=token, score=score)
    except DomainError as exc:
        return render(request, "feedback/survey_error.html", {"message": exc.message},
                      status=exc.status)  # fmt: skip
    return render(request, "feedback/survey_thanks.html",
                  {"invite": invite, "token": token, "follow_up": _follow_up(request, invite)})  # fmt: skip


def _follow_up(request: HttpRequest, invite: SurveyInvite) -> str:
    """The template's follow-up question in the page's language ('' for the default)."""
    template = invite.template
    if template is None:
        return ""
    russian = getattr(request, "LANGUAGE_CODE", "en") == "ru"
    return (template.follow_up_ru if russian else "") or template.follow_up


@require_http_methods(["POST"])
def survey_comment(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = services.survey_comment(token=token, comment=request.POST.get("comment", ""))
    except DomainError as exc:
        return render(request, "feedback/survey_error.html", {"message": exc.message},
                      status=exc.status)  # fmt: skip
    return render(request, "feedback/survey_thanks.html",
                  {"invite": invite, "token": token, "commented": True})  # fmt: skip


@require_http_methods(["GET", "POST"])
def nps_score(request: HttpRequest, token: str, score: int) -> HttpResponse:
    """The 0-10 link of the NPS mail: records the score, asks for an optional comment."""
    try:
        invite = nps.nps_answer(token=token, score=score)
    except DomainError as exc:
        return render(request, "feedback/survey_error.html", {"message": exc.message},
                      status=exc.status)  # fmt: skip
    return render(request, "feedback/nps_thanks.html", {"invite": invite, "token": token})


@require_http_methods(["POST"])
def nps_comment(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = nps.nps_comment(token=token, comment=request.POST.get("comment", ""))
    except DomainError as exc:
        return render(request, "feedback/survey_error.html", {"message": exc.message},
                      status=exc.status)  # fmt: skip
    return render(request, "feedback/nps_thanks.html",
                  {"invite": invite, "token": token, "commented": True})  # fmt: skip
