"""The readers by system name, opened from the command's options."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from typing import Any, Protocol

from deskline.operations.migration.records import SourceTicket
from deskline.operations.migration.sourcedb import SourceError, source_db


class Reader(Protocol):
    source: str

    def count(self) -> int | None: ...

    def max_number(self) -> int: ...

    def tickets(self) -> Iterator[SourceTicket]: ...


SYSTEMS = ("django-helpdesk", "osticket", "zammad")


def open_reader(system: str, options: Mapping[str, Any], stack: ExitStack) -> Reader:
    if system == "django-helpdesk":
        from deskline.operations.migration.django_helpdesk import DjangoHelpdeskReader

        if not options.get("database_url"):
            raise SourceError("give --database-url of the django-helpdesk database")
        db = stack.enter_context(source_db(options["database_url"]))
        return DjangoHelpdeskReader(db, media_dir=options.get("media_dir"),
                                    user_table=options.get("user_table") or "auth_user")  # fmt: skip
    if system == "osticket":
        from deskline.operations.migration.osticket import OsTicketReader

        if not options.get("database_url"):
            raise SourceError("give --database-url of the osTicket database")
        db = stack.enter_context(source_db(options["database_url"]))
        return OsTicketReader(
            db, prefix=options.get("table_prefix") or "", media_dir=options.get("media_dir")
        )
    if system == "zammad":
        from deskline.operations.migration.zammad import ZammadApi, ZammadReader

        return ZammadReader(ZammadApi(options.get("url") or "", options.get("token") or ""))
    raise SourceError(f"unknown system {system!r}")
