"""The desk list's row cells, formatted once per row in Python (desk/rows.py)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.utils import timezone

from deskline.accounts.models import Team, User
from deskline.desk.rows import ROW_COLUMNS, DeskRow, attach_row_cells, desk_rows
from deskline.tickets.models import Ticket

pytestmark = pytest.mark.django_db

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


def _rows(*pks: int) -> list[DeskRow]:
    return desk_rows(Ticket.objects.filter(pk__in=pks).order_by("pk").values(*ROW_COLUMNS))


def _row(pk: int) -> DeskRow:
    (row,) = _rows(pk)
    return row


def test_an_unrouted_ticket_with_no_deadline_shows_dashes_and_unassigned(
    make_ticket: Any,
) -> None:
    row = _row(make_ticket().pk)
    Ticket.objects.filter(pk=row.pk).update(resolution_due=None)
    row = _row(row.pk)
    attach_row_cells([row])
    cells = row.cells
    assert cells is not None
    assert (cells.team, cells.assignee, cells.sla_left, cells.due) == ("—", "unassigned", "—", "")


def test_times_are_shown_in_the_viewers_zone(make_ticket: Any, team: Team, agent: User) -> None:
    ticket = make_ticket(team_id=team.pk, assignee_id=agent.pk)
    moment = dt.datetime(2026, 12, 4, 21, 30, tzinfo=dt.UTC)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=moment, resolution_due=moment)
    row = _row(ticket.pk)
    with timezone.override(MOSCOW):
        attach_row_cells([row], now=moment - dt.timedelta(hours=2))
    cells = row.cells
    assert cells is not None
    assert cells.updated == "05.12 00:30"
    assert cells.updated_iso == "2026-12-05T00:30:00+03:00"
    assert cells.due == "05.12.2026 00:30"
    assert (cells.team, cells.sla_class, cells.sla_left) == ("First line", "sla-warn", "2h 0m left")


#: The row template `rows_html` replaced: its output is the reference, byte for byte (it read
#: `t.company.name` and `t.contact` of a `Ticket`; a `DeskRow` holds those names).
_REFERENCE_ROWS = (
    "{% load i18n l10n desk_tags %}{% localize off %}{% translate 'Select' as select_label %}"
    "{% for t in page.items %}{% with c=t.cells %}\n"
    '<tr class="ticket-row" id="t-{{ t.number }}">\n'
    '  <td class="c-check"><input type="checkbox" class="bulk-check" name="numbers" value="{{ t.number }}" form="bulk-form" aria-label="{{ select_label }} #{{ t.number }}"></td>\n'
    '  <td class="c-number"><a href="/tickets/{{ t.number }}/">#{{ t.number }}</a></td>\n'
    '  <td class="c-title"><a href="/tickets/{{ t.number }}/">{{ t.title }}</a>{% with mark=marks|lookup:t.pk %}{% if mark %}{% include "triage/_row_marks.html" %}{% endif %}{% endwith %}\n'
    '    <div class="sub">{{ t.company_name|default:"" }}{% if t.contact_name is not None %} · {{ t.contact_name }}{% endif %}{% for flag in company_flags|lookup:t.company_id %} <span class="badge badge-warn company-flag" data-flag="{{ flag.code }}">{{ flag.text }}</span>{% endfor %}</div></td>\n'
    '  <td class="c-status"><span class="pill" style="--c: {{ t.status.color }}">{{ c.status }}</span></td>\n'
    '  <td class="c-priority"><span class="dot" style="--c: {{ t.priority.color }}"></span>{{ c.priority }}</td>\n'
    '  <td class="c-assignee">{{ c.team }}<div class="sub">{{ c.assignee }}</div></td>\n'
    '  <td class="c-sla"><span class="sla {{ c.sla_class }}" {% if c.due %}title="{{ c.due }}"{% endif %}>{{ c.sla_left }}</span></td>\n'
    '  <td class="c-updated"><time datetime="{{ c.updated_iso }}">{{ c.updated }}</time></td>\n'
    "</tr>\n"
    "{% endwith %}{% endfor %}{% endlocalize %}"
)  # fmt: skip


@pytest.mark.parametrize("language", ["en", "ru"])
def test_rows_html_is_byte_for_byte_what_the_row_template_printed(
    language: str, make_ticket: Any, team: Team, agent: User
) -> None:
    from django.template import engines
    from django.utils import translation

    from deskline.clients.flags import CompanyFlag
    from deskline.desk.rows import rows_html
    from deskline.triage.marks import TicketMark
    from tests.factories import CompanyFactory, ContactFactory

    company = CompanyFactory(name="Tom & Jerry's <Ltd>")
    contact = ContactFactory(company=company, name='Ann "A"')
    full = make_ticket(title='<b>"Lift" & stairs</b>', team_id=team.pk, assignee_id=agent.pk,
                       company_id=company.pk, contact_id=contact.pk)  # fmt: skip
    bare = make_ticket(title="Bare")
    Ticket.objects.filter(pk=bare.pk).update(resolution_due=None)
    angry = make_ticket(title="Angry")
    rows = _rows(full.pk, bare.pk, angry.pk)
    marks = {angry.pk: TicketMark(tone="negative", angry=True, duplicate_of=12345),
             full.pk: TicketMark(tone="positive")}  # fmt: skip
    flags = {company.pk: [CompanyFlag(code="overdue", text="Overdue <invoices> & more")]}
    with translation.override(language), timezone.override(MOSCOW):
        attach_row_cells(rows)
        expected = (
            engines["django"]
            .from_string(_REFERENCE_ROWS)
            .render({"page": {"items": rows}, "marks": marks, "company_flags": flags})
        )
        assert rows_html(rows, marks=marks, company_flags=flags) == expected
    assert "duplicate of #12345?" in expected or language == "ru"
    assert "company-flag" in expected and "&lt;b&gt;" in expected
