"""The ticket page's parts written in Python (`desk.ticket_html`): byte for byte what the
template printed, and the pickers' cached options following the reference data."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.template import engines
from django.utils import timezone, translation

from deskline.accounts.models import Team, User
from deskline.desk.choices import load_choices
from deskline.desk.ticket_html import pickers, timeline_html
from deskline.desk.timeline import Entry, build_timeline
from deskline.tickets.models import Attachment, Comment, Priority, TicketEvent
from deskline.tickets.selectors import conversation_of, history_of
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")

#: The timeline loop of `desk/ticket.html` that `timeline_html` replaced: the reference.
_REFERENCE_TIMELINE = (
    "{% load i18n desk_tags %}"
    "    {% for entry in timeline %}\n"
    '      {% if entry.comment %}{% with c=entry.comment %}\n'
    '      <article class="entry comment {% if not c.is_public %}internal{% endif %}" id="c-{{ c.pk }}">\n'
    "        <header>\n"
    '          <strong>{% if c.author %}{{ c.author|user_label }}{% elif c.author_contact %}{{ c.author_contact.name }}{% else %}{% translate "System" %}{% endif %}</strong>\n'
    '          {% if not c.is_public %}<span class="badge badge-note">{% translate "Internal note" %}</span>{% endif %}\n'
    '          {% if not c.sender_verified %}<span class="badge badge-warn" title="{% translate \'The From: address of this mail could not be proven; it was not sent to the client.\' %}">{% translate "Unverified sender" %}</span>{% endif %}\n'
    '          {% if c.moved_from %}<span class="badge">{% translate "from" %} #{{ c.moved_from.number }}</span>{% endif %}\n'
    "          <time datetime=\"{{ c.created_at|date:'c' }}\">{{ c.created_at|date:\"d.m.Y H:i\" }}</time>\n"
    "        </header>\n"
    '        <div class="body">{{ c.body|clean_html:images }}</div>\n'
    '        {% if c.attachments.all %}<ul class="files">{% for a in c.attachments.all %}<li><a href="/tickets/{{ ticket.number }}/files/{{ a.pk }}/">{{ a.filename }}</a> <span class="muted">{{ a.size|filesizeformat }}</span></li>{% endfor %}</ul>{% endif %}\n'
    "      </article>\n"
    '      {% endwith %}{% else %}{% with e=entry.event %}\n'
    '      <div class="entry event">\n'
    '        <span class="ev-dot"></span>\n'
    '        <span><strong>{{ e.actor|user_label|default:_("System") }}</strong> · {% translate e.label %}{% for label, before, after in entry.changes %} · {{ label }}: <s>{{ before }}</s> → {{ after }}{% endfor %}{% if e.data.other %} · #{{ e.data.other }}{% endif %}{% if e.data.filename %} · {{ e.data.filename }}{% endif %}{% if e.data.on_behalf_of %} · {% blocktranslate with name=e.data.on_behalf_of %}on behalf of {{ name }}{% endblocktranslate %}{% endif %}{% if entry.note %} · <strong>{% translate "The team is short of agents" %}:</strong> {{ entry.note }}{% endif %}</span>\n'
    "        <time datetime=\"{{ e.created_at|date:'c' }}\">{{ e.created_at|date:\"d.m.Y H:i\" }}</time>\n"
    "      </div>\n"
    "      {% endwith %}{% endif %}\n"
    "    {% endfor %}"
)  # fmt: skip

#: The pickers' loops `pickers` replaced.
_REFERENCE_PICKERS = (
    "{% load desk_tags %}"
    '{% for p in choices.priorities %}<option value="{{ p.pk }}" {% if p.pk == ticket.priority_id %}selected{% endif %}>{{ p|local_name }}</option>{% endfor %}|'
    '{% for t in choices.types %}<option value="{{ t.pk }}" {% if t.pk == ticket.type_id %}selected{% endif %}>{{ t|local_name }}</option>{% endfor %}|'
    '{% for c in choices.categories %}<option value="{{ c.pk }}" {% if c.pk == ticket.category_id %}selected{% endif %}>{{ c|local_name }}</option>{% endfor %}|'
    '{% for u in choices.agents %}<option value="{{ u.pk }}"{% if u.pk in observer_ids %} selected{% endif %}>{{ u|user_label }}</option>{% endfor %}|'
    '{% for t in choices.teams %}<option value="{{ t.pk }}" {% if t.pk == ticket.team_id %}selected{% endif %}>{{ t|local_name }}</option>{% endfor %}|'
    '{% for u in choices.agents %}<option value="{{ u.pk }}" {% if u.pk == ticket.assignee_id %}selected{% endif %}>{{ u|user_label }}</option>{% endfor %}'
)  # fmt: skip


def _rich_ticket(make_ticket: Any, admin: User, agent: User, company: Any) -> Any:
    """A ticket with every kind of timeline entry the page prints differently."""
    ticket = make_ticket(title="Rich")
    other = make_ticket(title="Other")
    contact = ContactFactory(company=company, name='Ann "A" <ann>')
    at = dt.datetime(2026, 12, 4, 21, 30, tzinfo=dt.UTC)

    def comment(minutes: int, **fields: Any) -> Comment:
        return Comment.objects.create(
            ticket=ticket, created_at=at + dt.timedelta(minutes=minutes), **fields
        )

    comment(1, author=agent, body="<p>Hello & <b>bold</b></p>")
    with_files = comment(2, author_contact=contact, body="<p>From the client</p>",
                         sender_verified=False)  # fmt: skip
    comment(3, body="<p>System note</p>", is_public=False, moved_from=other)
    for name, size in (("a <b>.txt", 10), ("big.pdf", 5_500_000)):
        Attachment.objects.create(ticket=ticket, comment=with_files, file="attachments/x",
                                  filename=name, content_type="text/plain", size=size,
                                  sha256="0" * 64)  # fmt: skip
    for minutes, kind, changes, data, actor in (
        (4, "status_changed", {"status": ["new", "in_progress"], "phase": ["a", "b"]}, {}, admin),
        (
            5,
            "updated",
            {
                "assignee_id": [None, agent.pk],
                "contract_id": [None, 1234],
                "observer_ids": [[], [agent.pk]],
                "title": ["<old>", "new & more"],
            },
            {"on_behalf_of": "Bob <b>"},
            agent,
        ),  # fmt: skip
        (6, "linked", {}, {"other": 4321}, None),
        (7, "file_attached", {}, {"filename": "x&y.png"}, admin),
        (8, "odd 100% kind", {}, [], None),
    ):
        TicketEvent.objects.create(ticket=ticket, kind=kind, changes=changes, data=data,
                                   actor=actor, created_at=at + dt.timedelta(minutes=minutes))  # fmt: skip
    return ticket


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("images", ["", "show"])
def test_timeline_html_is_byte_for_byte_what_the_template_printed(
    language: str, images: str, make_ticket: Any, admin: User, agent: User, company: Any
) -> None:
    ticket = _rich_ticket(make_ticket, admin, agent, company)
    with translation.override(language), timezone.override(MOSCOW):
        conversation = conversation_of(user=admin, ticket=ticket)
        entries = build_timeline(conversation.comments, history_of(user=admin, ticket=ticket),
                                 load_choices(), staff=True)  # fmt: skip
        entries.append(Entry(at=entries[-1].at, kind="event", event=entries[-1].event,
                             note="add 2 agents <soon>"))  # fmt: skip
        context = {"timeline": entries, "ticket": ticket, "images": images}
        expected = engines["django"].from_string(_REFERENCE_TIMELINE).render(context)
        got = timeline_html(entries, number=ticket.number, images=images)
    assert got == expected.removeprefix("    ")  # the indent before the loop stays in the page
    assert "Unverified sender" in expected or language == "ru"


def test_the_reference_covers_every_branch(make_ticket: Any, admin: User, agent: User,
                                           company: Any) -> None:  # fmt: skip
    ticket = _rich_ticket(make_ticket, admin, agent, company)
    with translation.override("en"), timezone.override(MOSCOW):
        conversation = conversation_of(user=admin, ticket=ticket)
        entries = build_timeline(conversation.comments, history_of(user=admin, ticket=ticket),
                                 load_choices(), staff=True)  # fmt: skip
        html = timeline_html(entries, number=ticket.number, images="")
    for text in ('class="badge badge-note"', "Unverified sender", "from #", "big.pdf",
                 "5.2\xa0MB", "on behalf of Bob &lt;b&gt;", "#4321", "x&amp;y.png", "1234",
                 "&lt;old&gt;", "05.12.2026 00:31", 'datetime="2026-12-05T00:31:00+03:00"'):  # fmt: skip
        assert text in html, text


@pytest.mark.parametrize("language", ["en", "ru"])
def test_pickers_print_what_the_template_loops_printed(
    language: str, make_ticket: Any, agent: User, admin: User, team: Team
) -> None:
    first = Priority.objects.order_by("pk")[0].pk
    Priority.objects.filter(pk=first).update(name="Low <&>", name_ru="Низкий <&>")
    ticket = make_ticket(team_id=team.pk, assignee_id=agent.pk)
    with translation.override(language):
        choices = load_choices()
        context = {"choices": choices, "ticket": ticket, "observer_ids": {agent.pk, admin.pk}}
        expected = engines["django"].from_string(_REFERENCE_PICKERS).render(context)
        picker = pickers()
        got = "|".join(
            [
                picker.priorities.html({ticket.priority_id}),
                picker.types.html({ticket.type_id}),
                picker.categories.html({ticket.category_id}),
                picker.observers.html({agent.pk, admin.pk}),
                picker.teams.html({ticket.team_id}),
                picker.agents.html({ticket.assignee_id}),
            ]
        )
    assert got == expected
    assert "Low &lt;&amp;&gt;" in got or "Низкий &lt;&amp;&gt;" in got


def test_cached_picker_options_follow_a_change_of_reference_data(agent: User) -> None:
    first = pickers()
    assert pickers() is first  # cached while nothing changes
    priority = Priority.objects.order_by("pk")[0]
    priority.name = "Renamed priority"
    priority.save()
    assert "Renamed priority" in pickers().priorities.html(set())
    agent.first_name = "Renamed"
    agent.save()
    assert "Renamed" in pickers().agents.html(set())


def test_the_pickers_are_cached_per_language() -> None:
    with translation.override("en"):
        english = pickers()
    with translation.override("ru"):
        assert pickers() is not english


#: The edit form's four includes `registry_combos` replaced.
_REFERENCE_COMBOS = (
    "{% load i18n %}"
    '{% translate "Company" as company_label %}{% include "desk/_combo.html" with kind="company" value=ticket.company_id label=ticket.company.name|default:"" placeholder=company_label label_text=company_label %}|'
    '{% translate "Contact" as contact_label %}{% include "desk/_combo.html" with kind="contact" value=ticket.contact_id label=ticket.contact|default_if_none:"" placeholder=contact_label label_text=contact_label include="closest form" %}|'
    '{% translate "Site" as site_label %}{% include "desk/_combo.html" with kind="site" value=ticket.site_id label=ticket.site|default_if_none:"" placeholder=site_label label_text=site_label include="closest form" %}|'
    '{% translate "Equipment (serial number)" as equipment_label %}{% include "desk/_combo.html" with kind="equipment" value=ticket.equipment_id label=ticket.equipment|default_if_none:"" placeholder=equipment_label label_text=equipment_label include="closest form" %}'
)  # fmt: skip


@pytest.mark.parametrize("language", ["en", "ru"])
def test_registry_combos_print_what_the_includes_printed(
    language: str, make_ticket: Any, company: Any
) -> None:
    from deskline.desk.ticket_html import registry_combos
    from deskline.tickets.selectors import ticket_page_for
    from tests.factories import EquipmentFactory, SiteFactory

    company.name = 'Tom & Jerry\'s "Ltd" <x>'
    company.save()
    contact = ContactFactory(company=company, name="Ann <A>")
    site = SiteFactory(company=company, name="Main & Co")
    equipment = EquipmentFactory(site=site, serial_number="SN <1> & 2")
    full = make_ticket(company_id=company.pk, contact_id=contact.pk, site_id=site.pk,
                       equipment_id=equipment.pk)  # fmt: skip
    bare = make_ticket()
    admin = User.objects.filter(is_superuser=True).first()
    assert admin is not None
    for number in (full.number, bare.number):
        ticket = ticket_page_for(user=admin, number=number, card_limit=3).ticket
        with translation.override(language):
            expected = engines["django"].from_string(_REFERENCE_COMBOS).render({"ticket": ticket})
            got = "|".join(registry_combos(ticket).values())
        assert got == expected
