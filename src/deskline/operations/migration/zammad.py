"""Reading a Zammad instance through its REST API (`/api/v1/…`, token authentication).

Tickets page by page (`/api/v1/tickets?expand=true&page=N&per_page=100`, until a page comes
back empty: Zammad gives no total), each ticket's articles
(`/api/v1/ticket_articles/by_ticket/{id}?expand=true`), the customer and owner
(`/api/v1/users/{id}?expand=true`, which names the organization) once each, and files
(`/api/v1/ticket_attachment/{ticket}/{article}/{attachment}`) when the loader stores them.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from deskline.operations.migration import zammad_map
from deskline.operations.migration.records import SourcePerson, SourceTicket
from deskline.operations.migration.sourcedb import SourceError

PER_PAGE = 100
TIMEOUT = 60.0
RETRIES = 3


class ZammadApi:
    def __init__(self, url: str, token: str) -> None:
        if urlsplit(url).scheme not in ("http", "https") or not token:
            raise SourceError("give Zammad's --url (https://…) and an API --token")
        self.base, self.token = url.rstrip("/"), token

    def raw(self, path: str) -> bytes:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            f"{self.base}{path}", headers={"Authorization": f"Token token={self.token}",
                                           "Accept": "application/json"},
        )  # fmt: skip
        for attempt in range(RETRIES):
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                    return bytes(response.read())
            except urllib.error.HTTPError as exc:
                if exc.code in (429, 502, 503, 504) and attempt + 1 < RETRIES:
                    time.sleep(float(exc.headers.get("Retry-After") or 2**attempt))
                    continue
                raise SourceError(f"Zammad answered {exc.code} to GET {path}") from exc
            except OSError as exc:
                raise SourceError(f"cannot reach Zammad at {self.base}: {exc}") from exc
        raise SourceError(f"Zammad kept refusing GET {path}")

    def get(self, path: str) -> Any:
        return json.loads(self.raw(path))


class ZammadReader:
    source = "zammad"

    def __init__(self, api: ZammadApi) -> None:
        self.api = api
        self._people: dict[int, SourcePerson | None] = {}
        api.get("/api/v1/tickets?page=1&per_page=1")  # the token works and may read tickets

    def count(self) -> int | None:
        return None  # Zammad does not say how many

    def max_number(self) -> int:
        return 0  # each kept number is reserved as its ticket arrives

    def tickets(self) -> Iterator[SourceTicket]:
        page = 1
        while True:
            batch = self.api.get(
                f"/api/v1/tickets?expand=true&page={page}&per_page={PER_PAGE}"
                "&sort_by=id&order_by=asc"
            )
            if not batch:
                return
            for ticket in batch:
                yield self._record(ticket)
            page += 1

    def _record(self, ticket: dict[str, Any]) -> SourceTicket:
        articles = self.api.get(
            f"/api/v1/ticket_articles/by_ticket/{int(ticket['id'])}?expand=true"
        )
        articles.sort(key=lambda a: (a["created_at"], a["id"]))
        return zammad_map.ticket_record(
            ticket, articles=articles, customer=self._person(ticket.get("customer_id")),
            owner=self._person(ticket.get("owner_id")), reader=self._file,
        )  # fmt: skip

    def _person(self, user_id: Any) -> SourcePerson | None:
        if not user_id:
            return None
        key = int(user_id)
        if key not in self._people:
            user = self.api.get(f"/api/v1/users/{key}?expand=true")
            self._people[key] = zammad_map.person(user, str(user.get("organization") or ""))
        return self._people[key]

    def _file(self, ticket_id: int, article_id: int, attachment_id: int) -> Callable[[], bytes]:
        def read() -> bytes:
            try:
                return self.api.raw(
                    f"/api/v1/ticket_attachment/{ticket_id}/{article_id}/{attachment_id}"
                )
            except SourceError as exc:
                raise OSError(str(exc)) from exc

        return read
