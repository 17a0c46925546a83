"""The training leaderboard (a sandbox only): points for practice done right."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from deskline.desk.web import staff_page
from deskline.operations.training import leaderboard, practice_since


@staff_page
def training_board(request: HttpRequest) -> HttpResponse:
    if not settings.DESKLINE_SANDBOX:
        raise Http404("training happens in a sandbox")
    return render(request, "desk/training.html",
                  {"scores": leaderboard(), "since": practice_since()})  # fmt: skip
