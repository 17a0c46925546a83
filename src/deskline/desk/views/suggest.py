"""Suggestions for the list's company search box (an htmx fragment)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from deskline.accounts.models import User
from deskline.desk.selectors import company_suggestions_for
from deskline.desk.web import staff_page


@staff_page
def company_suggest(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    text = request.GET.get("company_name", "")
    companies = company_suggestions_for(user=user, text=text)
    return render(request, "desk/_company_suggestions.html", {"companies": companies, "text": text})
