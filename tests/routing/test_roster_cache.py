"""Round robin reads the team's roster from a per-process cache that every change reloads.

The roster (members, presence, capacity) is kept by `core.refcache`: a change of membership,
of a member's activity or role, or of their presence or capacity reloads it; a login or a
field engineer's check-in does not.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.signals import user_logged_in
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deskline.core import refcache
from deskline.routing import selectors
from deskline.routing.presence import agent_check_in, agent_set_presence
from tests.factories import UserFactory
from tests.routing.conftest import set_profile

pytestmark = pytest.mark.django_db


def _assignees(make_ticket, team, n: int) -> list[int]:
    return [make_ticket(team_id=team.pk).assignee_id for _ in range(n)]


def test_a_member_who_goes_away_gets_no_more_tickets(make_ticket, make_team, agents):
    team = make_team("round_robin")
    assert _assignees(make_ticket, team, 3) == [a.pk for a in agents]
    agent_set_presence(actor=agents[0], is_away=True)
    got = _assignees(make_ticket, team, 4)
    assert set(got) == {agents[1].pk, agents[2].pk}
    assert got[0] != got[1] and got[:2] == got[2:]  # still in turn, between the two


def test_a_member_away_until_a_moment_comes_back_by_the_clock(make_team, agents):
    team = make_team("round_robin")
    later = timezone.now() + timezone.timedelta(hours=1)
    set_profile(agents[1], away_until=later)
    away = {c.user_id: c.away for c in selectors.roster_candidates(team.pk)}
    assert away == {agents[0].pk: False, agents[1].pk: True, agents[2].pk: False}
    after = later + timezone.timedelta(minutes=1)
    assert not any(c.away for c in selectors.roster_candidates(team.pk, now=after))


def test_a_member_removed_deactivated_or_added_changes_the_roster(make_team, agents):
    team = make_team("round_robin")
    members = lambda: [m.user_id for m in selectors.team_roster(team.pk)]  # noqa: E731
    assert members() == [a.pk for a in agents]
    team.members.remove(agents[0])
    assert members() == [agents[1].pk, agents[2].pk]
    agents[1].is_active = False
    agents[1].save()
    assert members() == [agents[2].pk]
    newcomer = UserFactory(username="newcomer", role="agent")
    team.members.add(newcomer)
    assert members() == [agents[2].pk, newcomer.pk]


def test_a_capacity_set_later_is_honoured(make_ticket, make_team, agents):
    team = make_team("round_robin")
    make_ticket(team_id=team.pk, assignee_id=agents[1].pk)
    selectors.team_roster(team.pk)  # cached before the capacity is set
    set_profile(agents[1], capacity=1)
    assert agents[1].pk not in _assignees(make_ticket, team, 4)


def test_a_system_user_in_a_team_is_never_chosen(make_team, agents):
    robot = UserFactory(username="robot", role="agent", is_system=True)
    team = make_team("round_robin", members=[*agents, robot])
    assert robot.pk not in [m.user_id for m in selectors.team_roster(team.pk)]


def test_logins_and_check_ins_keep_the_cache(make_team, agents, rf):
    team = make_team("round_robin")
    set_profile(agents[0], capacity=10)  # a new profile reloads the roster; its check-ins do not
    selectors.team_roster(team.pk)
    token = refcache._current_token()
    user_logged_in.send(sender=type(agents[0]), request=rf.get("/"), user=agents[0])
    agent_check_in(actor=agents[0], latitude=55.75, longitude=37.62)
    assert refcache._current_token() == token
    with CaptureQueriesContext(connection) as ctx:
        selectors.team_roster(team.pk)
    assert not [q for q in ctx.captured_queries if "teammembership" in q["sql"]]
