"""Pages of the feedback app: the one-click score from the e-mail, then an optional comment.

No login: the signed token in the address is the authority (django.core.signing).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from deskline.core.errors import DomainError
from deskline.feedback import services


@require_http_methods(["GET", "POST"])
def survey_score(request: HttpRequest, token: str, score: int) -> HttpResponse:
    """The score link in the e-mail: records the score, asks for an optional comment."""
    try:
        invite = services.survey_answer(token=token, score=score)
    except DomainError as exc:
        return render(request, "feedback/survey_error.html", {"message": exc.message},
                      status=exc.status)  # fmt: skip
    return render(request, "feedback/survey_thanks.html", {"invite": invite, "token": token})


@require_http_methods(["POST"])
def survey_comment(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = services.survey_comment(token=token, comment=request.POST.get("comment", ""))
    except DomainError as exc:
        return render(request, "feedback/survey_error.html", {"message": exc.message},
                      status=exc.status)  # fmt: skip
    return render(request, "feedback/survey_thanks.html",
                  {"invite": invite, "token": token, "commented": True})  # fmt: skip
