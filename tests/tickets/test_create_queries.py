"""A create is one INSERT of the ticket and one `created` event, routed or not, from any channel.

The statements are pinned absolutely (verb and table), so a new query on the hot path shows up
by name. Routing and SLA decide before the INSERT; nothing updates the new ticket afterwards.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.channels.services import mail_ingest
from deskline.core import refcache
from deskline.tickets.models import Ticket
from deskline.tickets.services import ticket_create
from tests.channels.conftest import make_raw
from tests.factories import CompanyFactory
from tests.queries import statement_targets

pytestmark = pytest.mark.django_db


def _numbering_and_search() -> tuple[list[str], list[str]]:
    if connection.vendor == "postgresql":  # the number comes from the sequence in the INSERT
        return [], ["INSERT tickets_search"]
    return ["UPDATE tickets_numbersequence"], ["DELETE tickets_fts", "INSERT tickets_fts"]


def _settled() -> None:
    """End the test setup's reference-data change: in production it would have committed."""
    refcache.clear()


def test_an_unrouted_create_is_one_insert_per_row_and_no_read(admin, make_ticket):
    _settled()
    make_ticket(title="warm-up")  # fills the per-process reference caches
    numbering, search = _numbering_and_search()
    with CaptureQueriesContext(connection) as ctx:
        ticket_create(actor=admin, title="Lift stuck")
    assert statement_targets(ctx) == [
        *numbering,
        "INSERT tickets_ticket",
        *search,
        "INSERT tickets_ticketevent",
        "INSERT django_tasks_database_dbtaskresult",
        "INSERT sla_ticketsla",
        "INSERT sla_ticketstatusperiod",
    ]


def test_a_routed_create_is_one_insert_and_one_event(admin, make_ticket, make_team, add_rule):
    team = make_team("round_robin")
    add_rule([], {"team_id": team.pk, "tags": ["lift"]})
    _settled()
    make_ticket(title="warm-up")
    numbering, search = _numbering_and_search()
    with CaptureQueriesContext(connection) as ctx:
        ticket = ticket_create(actor=admin, title="Lift stuck")
    assert ticket.team_id == team.pk and ticket.assignee_id is not None
    assert statement_targets(ctx) == [
        # the routing decider (the strategy, the team and its roster are cached): the
        # round-robin turn, then the chosen assignee (active staff: the roster is a cache)
        "UPDATE routing_teamrouting",
        "SELECT accounts_user",
        *numbering,
        "INSERT tickets_ticket",
        *search,
        "INSERT tickets_ticketevent",
        "INSERT django_tasks_database_dbtaskresult",
        "INSERT sla_ticketsla",
        "INSERT sla_ticketstatusperiod",
        "INSERT routing_tickettag",
    ]
    assert list(ticket.events.values_list("kind", flat=True)) == ["created"]
    assert Ticket.objects.get(pk=ticket.pk).version == 1


def test_mail_intake_writes_the_ticket_once(mailbox, make_ticket):
    CompanyFactory(email_domains="client.example")
    _settled()
    make_ticket(title="warm-up")
    numbering, search = _numbering_and_search()
    with CaptureQueriesContext(connection) as ctx:
        result = mail_ingest(mailbox=mailbox, raw=make_raw())
    assert statement_targets(ctx) == [
        "SELECT channels_inboundmessage",  # seen before? (keyed by Message-ID)
        "INSERT channels_inboundmessage",  # stored raw before it is parsed
        "SELECT channels_inboundmessage",  # claimed for parsing (locked)
        "SELECT channels_inboundmessage",
        "SELECT accounts_user",  # is the sender one of our staff?
        "SELECT clients_contact",  # a known contact?
        "SELECT clients_company",  # the company of the sender's domain
        "SELECT clients_company",  # contact_create checks the company it names
        "INSERT clients_contact",
        "SELECT clients_company",
        "SELECT clients_contact",
        "SELECT clients_contract",  # a contract covering the ticket
        "SELECT tickets_ticket",  # triage, before the write: an open ticket alike? (duplicate)
        *numbering,
        "INSERT tickets_ticket",
        *search,
        "INSERT tickets_ticketevent",
        "INSERT django_tasks_database_dbtaskresult",
        "INSERT sla_ticketsla",
        "INSERT sla_ticketstatusperiod",
        "UPDATE channels_inboundmessage",  # marked processed, with its ticket
        "SELECT channels_inboundmessage",
    ]
    assert Ticket.objects.get(number=result.ticket_number).version == 1
