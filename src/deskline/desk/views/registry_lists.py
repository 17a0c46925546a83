"""Registry list pages of the desk (issue 14, item 4; first slice: companies).

Reads go through the clients selectors, so the desk shows exactly what the API would:
keyset pagination by id (`?after=`), a constant number of queries per page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from deskline.accounts.models import User
from deskline.clients.selectors import company_list_for
from deskline.desk.web import staff_page


@staff_page
def company_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    q = request.GET.get("q", "").strip()
    after = request.GET.get("after", "")
    page = company_list_for(user, q=q or None, after_id=int(after) if after.isdigit() else None)
    return render(request, "desk/company_list.html", {"nav": "companies", "page": page, "q": q})
