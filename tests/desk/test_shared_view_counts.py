"""The view counts are shared across users (issue 22): the user-independent views are counted
once per staleness window for everyone, per team, and a user's count is the sum over the teams
they see whole plus their own part (tickets assigned to them or observed outside those teams).

The key proof is the equality: for every role the cached, team-summed counts are exactly what
the direct per-user count (`view_counts`) returns, capped or not. Also: the shared counting
runs once for all users, its lock lets other processes keep counts still within the staleness,
and a count is never older than the staleness.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deskline.accounts.models import Role, Team, User
from deskline.clients.models import Company
from deskline.sla.models import SlaPolicy, TicketSla
from deskline.tickets import saved_views
from deskline.tickets.access import tickets_visible_to
from deskline.tickets.models import Ticket
from deskline.tickets.saved_views import (
    VIEW_NAMES,
    shared_counts_count,
    view_condition,
    view_counts,
    view_counts_cached,
)
from deskline.triage.models import MessageTone
from tests.desk.conftest import STALENESS
from tests.factories import ContactFactory, ContactUserFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _set(ticket: Ticket, **fields: Any) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(**fields)


def _overdue(ticket: Ticket) -> None:
    _set(ticket, resolution_due=timezone.now() - dt.timedelta(hours=1), reaction_due=None)


def _due_soon(ticket: Ticket) -> None:
    _set(ticket, resolution_due=timezone.now() + dt.timedelta(hours=1), reaction_due=None)


def _predicted(ticket: Ticket, policy: SlaPolicy) -> None:
    _set(ticket, resolution_due=timezone.now() + dt.timedelta(days=3), reaction_due=None)
    TicketSla.objects.update_or_create(
        ticket=ticket, defaults={"policy": policy, "breach_risk": 0.99}
    )


def _angry(ticket: Ticket) -> None:
    MessageTone.objects.create(ticket=ticket, tone="negative", confidence=0.9, angry=0.9,
                               urgent=0.0, created_at=timezone.now())  # fmt: skip


@pytest.fixture
def world(
    admin: User, agent: User, team: Team, company: Company, tickets: Callable[..., list[Any]]
) -> dict[str, User]:
    """Two teams and the unrouted queue, each with tickets in every state; users of each role
    with tickets assigned and observed outside their teams."""
    other = TeamFactory(name="Second line")
    contractor = UserFactory(username="contractor", role=Role.CONTRACTOR)
    team.members.add(contractor)
    supervisor = UserFactory(username="supervisor", role=Role.SUPERVISOR)
    lonely = UserFactory(username="lonely", role=Role.AGENT)  # in no team
    gone = UserFactory(username="gone", role=Role.AGENT, is_active=False)
    team.members.add(gone)
    contact = ContactFactory(company=company, sees_company_tickets=True)
    client = ContactUserFactory(username="client", contact=contact)
    policy = SlaPolicy.objects.create(name="Risky", risk_threshold=0.5)
    for team_id in (team.pk, other.pk, None):
        batch = tickets(9, team_id=team_id)
        Ticket.objects.filter(pk__in=[t.pk for t in batch]).update(company=company)
        _overdue(batch[0])
        _due_soon(batch[1])
        _predicted(batch[2], policy)
        _angry(batch[3])
        _overdue(batch[3])
        _set(batch[4], phase="waiting")
        _set(batch[5], phase="closed")
        _set(batch[6], phase="resolved", resolution_due=timezone.now() - dt.timedelta(hours=1))
        _set(batch[7], assignee_id=agent.pk)
        paused = batch[8]
        _overdue(paused)
        TicketSla.objects.update_or_create(ticket=paused, defaults={"paused_since": timezone.now()})
    # Outside the agent's teams: assigned to them (open, overdue, angry, closed), observed.
    outside = tickets(6, team_id=other.pk)
    _set(outside[0], assignee_id=agent.pk)
    _set(outside[1], assignee_id=agent.pk)
    _overdue(outside[1])
    _set(outside[2], assignee_id=agent.pk, phase="closed")
    _angry(outside[2])
    _set(outside[3], assignee_id=contractor.pk)
    _predicted(outside[3], policy)
    outside[4].observers.add(agent, contractor, lonely)
    _due_soon(outside[4])
    outside[5].observers.add(agent)
    _set(outside[5], assignee_id=agent.pk, phase="waiting")  # assigned and observed: once
    # Unrouted: the agents see it whole; the contractor only what is theirs.
    unrouted = tickets(3, team_id=None)
    _set(unrouted[0], assignee_id=contractor.pk)
    _overdue(unrouted[0])
    unrouted[1].observers.add(contractor)
    _set(unrouted[2], assignee_id=lonely.pk)
    return {
        "admin": admin,
        "supervisor": supervisor,
        "agent": agent,
        "contractor": contractor,
        "lonely": lonely,
        "gone": gone,
        "client": client,
    }


ROLES = ("admin", "supervisor", "agent", "contractor", "lonely", "gone", "client")


@pytest.mark.parametrize("cap", [1000, 2])
@pytest.mark.parametrize("who", ROLES)
def test_the_team_sums_equal_the_direct_counts_for_every_role(
    world: dict[str, User], who: str, cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(saved_views, "COUNT_CAP", cap)
    user = world[who]
    cached = view_counts_cached(user=user)
    direct = view_counts(user=user)
    assert cached == direct
    if cap == 1000 and who in ("agent", "contractor"):
        assert all(c.count for c in direct), direct  # every view has tickets to count
    if cap == 2 and who != "gone":
        assert any(c.capped for c in direct)


def test_the_row_forms_of_the_sla_conditions_select_the_same_tickets(
    world: dict[str, User],
) -> None:
    from deskline.tickets.conditions import condition

    now = timezone.now()
    for name in ("overdue", "at_risk", "angry"):
        by_set = set(Ticket.objects.filter(condition(name, now)).values_list("pk", flat=True))
        rows = Ticket.objects.filter(condition(name, now, per_row=True))
        assert by_set == set(rows.values_list("pk", flat=True)), name
        assert by_set, name


def test_the_counting_parts_are_disjoint_and_select_what_the_condition_does(
    world: dict[str, User],
) -> None:
    from deskline.tickets.conditions import condition, condition_parts

    now = timezone.now()
    for name in ("overdue", "at_risk", "angry"):
        by_set = set(Ticket.objects.filter(condition(name, now)).values_list("pk", flat=True))
        parts = [
            set(Ticket.objects.filter(part.where).values_list("pk", flat=True))
            for part in condition_parts(name, now)
        ]
        assert set().union(*parts) == by_set, name
        assert sum(len(p) for p in parts) == len(by_set), name  # disjoint: counts add up
    assert len(condition_parts("overdue", now)) == 2


def test_a_later_calm_message_takes_a_ticket_out_of_the_angry_view(
    world: dict[str, User],
) -> None:
    from deskline.tickets.conditions import condition

    angry = Ticket.objects.filter(condition("angry")).order_by("pk").first()
    assert angry is not None
    MessageTone.objects.create(ticket=angry, tone="neutral", confidence=0.9, angry=0.1,
                               urgent=0.0, created_at=timezone.now())  # fmt: skip
    assert not Ticket.objects.filter(condition("angry"), pk=angry.pk).exists()


def test_each_team_count_stops_at_the_cap_and_the_sums_still_pass_it(
    world: dict[str, User], team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(saved_views, "COUNT_CAP", 2)
    by_team = shared_counts_count().by_team
    # "all" (one part) holds at most cap + 1 per team; overdue (two parts) up to twice that.
    assert max(by_team["all"].values()) == 3
    assert max(by_team["overdue"].values()) <= 6
    admin = world["admin"]
    assert view_counts_cached(user=admin) == view_counts(user=admin)


def test_the_dashboards_views_agree_too(world: dict[str, User]) -> None:
    views = ("mine", "teams", "unassigned", "at_risk", "overdue")
    for who in ROLES:
        user = world[who]
        assert view_counts_cached(user=user, views=views) == view_counts(user=user, views=views)


def _counting(ctx: CaptureQueriesContext) -> int:
    return sum("COUNT(" in q["sql"] for q in ctx.captured_queries)


def test_the_shared_counts_are_counted_once_for_all_users(world: dict[str, User]) -> None:
    with CaptureQueriesContext(connection) as first:
        view_counts_cached(user=world["agent"])
    with CaptureQueriesContext(connection) as second:
        view_counts_cached(user=world["contractor"])
        view_counts_cached(user=world["supervisor"])
    # The first user: the shared pass (the teams, then one statement of capped counts per
    # team and view) and their own part. The next ones: only their own part, one counting
    # query each.
    assert _counting(first) == 2
    assert _counting(second) == 2
    with CaptureQueriesContext(connection) as warm:
        view_counts_cached(user=world["agent"])
    assert len(warm) == 0


def _n(user: User, view: str) -> int:
    return {c.view: c.count for c in view_counts_cached(user=user)}[view]


def test_past_the_refresh_point_another_processs_lock_keeps_the_previous_counts(
    clock: Any, world: dict[str, User], team: Team, tickets: Callable[..., list[Any]]
) -> None:
    agent = world["agent"]
    before = _n(agent, "unassigned")
    tickets(1, team_id=team.pk)
    view_counts_cached(user=agent)
    clock.advance(STALENESS * 0.8)  # past the refresh point, within the staleness
    assert cache.add(saved_views._SHARED_LOCK, 1)  # another process is counting
    with CaptureQueriesContext(connection) as ctx:
        assert _n(agent, "unassigned") == before
    assert len(ctx) == 0
    clock.advance(STALENESS * 0.2)  # the staleness reached: counted here, lock or not
    assert _n(agent, "unassigned") == before + 1


def test_past_the_refresh_point_the_lock_holder_counts_again(
    clock: Any, world: dict[str, User], team: Team, tickets: Callable[..., list[Any]]
) -> None:
    supervisor = world["supervisor"]
    before = _n(supervisor, "all")
    tickets(2, team_id=team.pk)
    clock.advance(STALENESS * 0.5)
    assert _n(supervisor, "all") == before
    clock.advance(STALENESS * 0.3)
    with CaptureQueriesContext(connection) as ctx:
        assert _n(supervisor, "all") == before + 2
    assert _counting(ctx) == 1  # the shared pass only: the user's own part is still fresh
    assert cache.add(saved_views._SHARED_LOCK, 1)  # and the lock was let go


def _members(user: User, now: dt.datetime) -> dict[str, set[int]]:
    visible = tickets_visible_to(user)
    return {
        view: set(visible.filter(view_condition(user, view, now)).values_list("pk", flat=True))
        for view in VIEW_NAMES
    }


def test_a_count_is_never_older_than_the_staleness(
    clock: Any, world: dict[str, User], team: Team, tickets: Callable[..., list[Any]]
) -> None:
    """Step through two windows second by second, adding and closing tickets and letting a
    deadline pass. The shared part and the user's own part may be counted at two moments, so
    the bound is per ticket: every count shown holds at least the tickets that were in the view
    throughout the last staleness, and at most those that were in it at some moment of it."""
    (late,) = tickets(1, team_id=team.pk)
    _set(late, resolution_due=timezone.now() + dt.timedelta(seconds=7), reaction_due=None)
    window = dt.timedelta(seconds=STALENESS)
    history: dict[str, list[tuple[dt.datetime, dict[str, set[int]]]]] = {}
    for second in range(2 * STALENESS + 5):
        if second % 7 == 3:
            tickets(1, team_id=team.pk, assignee_id=world["agent"].pk)
        if second % 11 == 5:
            closing = Ticket.objects.filter(phase="new").order_by("pk")[:1]
            Ticket.objects.filter(pk__in=list(closing.values_list("pk", flat=True))).update(
                phase="closed"
            )
        now = timezone.now()
        for who in ("agent", "contractor", "admin"):
            user = world[who]
            history.setdefault(who, []).append((now, _members(user, now)))
            recent = [m for moment, m in history[who] if now - moment < window]
            for shown in view_counts_cached(user=user):
                sets = [m[shown.view] for m in recent]
                always, ever = set.intersection(*sets), set.union(*sets)
                assert len(always) <= shown.count <= len(ever), (second, who, shown)
        clock.advance(1)
    changed = {len(m["all"]) for _, m in history["agent"]}
    assert len(changed) > 3  # the counts did move in the meantime


def test_new_closed_and_late_tickets_show_after_the_staleness(
    clock: Any, world: dict[str, User], team: Team, tickets: Callable[..., list[Any]]
) -> None:
    agent = world["agent"]
    first = {c.view: c.count for c in view_counts_cached(user=agent)}
    (new,) = tickets(1, team_id=team.pk)
    _set(new, resolution_due=timezone.now() + dt.timedelta(seconds=5), reaction_due=None)
    closing = Ticket.objects.filter(team_id=team.pk, phase="waiting").first()
    assert closing is not None
    _set(closing, phase="closed")
    clock.advance(STALENESS * 0.7)  # before the refresh point: the counted values
    assert {c.view: c.count for c in view_counts_cached(user=agent)} == first
    clock.advance(STALENESS * 0.3)
    now = {c.view: c.count for c in view_counts_cached(user=agent)}
    assert now == {c.view: c.count for c in view_counts(user=agent)}
    assert now["overdue"] == first["overdue"] + 1  # passed its deadline, no change made
    assert now["waiting"] == first["waiting"] - 1
    assert now["all"] == first["all"] + 1


def test_the_shared_pass_counts_every_team_and_the_unrouted_queue(
    world: dict[str, User], team: Team
) -> None:
    counts = shared_counts_count()
    assert set(counts.by_team["all"]) == set(Team.objects.values_list("pk", flat=True)) | {None}
    assert (
        counts.by_team["open"][None]
        == Ticket.objects.filter(team__isnull=True, phase__in=["new", "open", "waiting"]).count()
    )


def test_views_are_all_counted(world: dict[str, User]) -> None:
    assert [c.view for c in view_counts_cached(user=world["agent"])] == list(VIEW_NAMES)


def test_all_is_counted_again_once_the_covered_teams_no_longer_pass_the_cap(
    clock: Any, world: dict[str, User], team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(saved_views, "COUNT_CAP", 5)
    agent = world["agent"]
    assert view_counts_cached(user=agent) == view_counts(user=agent)
    assert "all" not in cache.get(saved_views._own_key(agent)).numbers  # "5+" from the teams
    Ticket.objects.filter(team_id=team.pk).delete()
    Ticket.objects.filter(team__isnull=True).delete()
    clock.advance(STALENESS * 0.8)  # the shared counts are recounted; the own part is fresh
    assert view_counts_cached(user=agent) == view_counts(user=agent)
    assert "all" in cache.get(saved_views._own_key(agent)).numbers


def test_the_refresh_job_counts_for_the_pages_unless_one_is_counting(
    world: dict[str, User], team: Team, tickets: Callable[..., list[Any]]
) -> None:
    from deskline.tickets.tasks import view_counts_refresh

    supervisor = world["supervisor"]
    before = _n(supervisor, "all")
    tickets(1, team_id=team.pk)
    assert view_counts_refresh.call() is True
    with CaptureQueriesContext(connection) as ctx:
        assert _n(supervisor, "all") == before + 1  # the job's counts, no shared pass here
    assert _counting(ctx) == 0
    assert cache.add(saved_views._SHARED_LOCK, 1)
    assert view_counts_refresh.call() is False


def test_the_scheduler_runs_the_refresh_only_with_a_shared_cache(settings: Any) -> None:
    from deskline.core.schedule import _view_counts_jobs

    settings.REDIS_URL = ""
    assert _view_counts_jobs() == ()
    settings.REDIS_URL = "redis://cache:6379/0"
    settings.DESKLINE_VIEW_COUNT_SECONDS = 30
    (job,) = _view_counts_jobs()
    assert job.every_seconds == 15
    assert job.task_path == "deskline.tickets.tasks.view_counts_refresh"
    settings.DESKLINE_VIEW_COUNT_SECONDS = 0
    assert _view_counts_jobs() == ()
