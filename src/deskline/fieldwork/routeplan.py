"""A suggested day plan for field engineers (pure: values in, values out; no ORM).

Given engineers (home base, working minutes of the day) and jobs (place, duration, a deadline),
order the jobs on the engineers so deadlines are met with the least straight-line travel. The
solver is OR-Tools' vehicle routing with time windows: distance is the cost, time is a dimension
(travel at a set speed plus the job's duration), a deadline is a soft upper bound on the job's
start (lateness costs as much as `LATE_METRES_PER_MINUTE` of driving), and a job that fits no
engineer's day is left out at a high price rather than making the problem infeasible.

`greedy_plan` is the baseline a dispatcher would do by hand: whoever is free first drives to the
nearest job they can still finish in their day. Times are minutes from the day's origin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from deskline.fieldwork.geo import Point, distance_m, travel_minutes

#: A minute late costs as much as this much driving (5 km): deadlines come first.
LATE_METRES_PER_MINUTE = 5_000
#: Leaving a job out costs as much as this (10,000 km): only when it fits nobody's day.
DROP_PENALTY = 10_000_000


@dataclass(frozen=True)
class Engineer:
    key: int
    home: Point
    start: int  # minutes from the day's origin
    end: int


@dataclass(frozen=True)
class Job:
    key: int
    place: Point
    duration: int
    deadline: int | None = None  # latest start (minutes); None: any time in the day


@dataclass(frozen=True)
class Stop:
    job: int
    start: int
    late_by: int = 0


@dataclass
class RoutePlan:
    routes: dict[int, list[Stop]] = field(default_factory=dict)
    unassigned: list[int] = field(default_factory=list)
    distance_m: int = 0

    @property
    def late(self) -> list[int]:
        return [s.job for stops in self.routes.values() for s in stops if s.late_by > 0]

    @property
    def late_minutes(self) -> int:
        return sum(s.late_by for stops in self.routes.values() for s in stops)

    @property
    def cost(self) -> int:
        """What the solver minimises: metres driven, lateness and jobs left out, in metres."""
        return (self.distance_m + LATE_METRES_PER_MINUTE * self.late_minutes
                + DROP_PENALTY * len(self.unassigned))  # fmt: skip


def _places(engineers: Sequence[Engineer], jobs: Sequence[Job]) -> list[Point]:
    return [e.home for e in engineers] + [j.place for j in jobs]


def route_distance(home: Point, places: Sequence[Point]) -> float:
    """Metres from home through the places in order and back home."""
    path = [home, *places, home]
    return sum(distance_m(a, b) for a, b in zip(path, path[1:], strict=False))


def _plan_distance(engineers: Sequence[Engineer], jobs: Sequence[Job], routes: dict[int, list[Stop]]) -> int:  # fmt: skip
    by_key = {j.key: j for j in jobs}
    return round(sum(route_distance(e.home, [by_key[s.job].place for s in routes.get(e.key, [])])
                     for e in engineers if routes.get(e.key)))  # fmt: skip


def suggest_plan(
    engineers: Sequence[Engineer], jobs: Sequence[Job], *, speed_kmh: float,
    time_limit_s: float = 2.0,
) -> RoutePlan:  # fmt: skip
    """The solver's best plan found within `time_limit_s` seconds."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    if not engineers or not jobs:
        return RoutePlan(routes={e.key: [] for e in engineers}, unassigned=[j.key for j in jobs])
    places = _places(engineers, jobs)
    count, n_eng = len(places), len(engineers)
    service = [0] * n_eng + [j.duration for j in jobs]
    metres = [[round(distance_m(a, b)) for b in places] for a in places]
    minutes = [[(travel_minutes(places[i], places[k], speed_kmh=speed_kmh) if i != k else 0)
                + service[i] for k in range(count)] for i in range(count)]  # fmt: skip
    depots = list(range(n_eng))
    manager = pywrapcp.RoutingIndexManager(count, n_eng, depots, depots)
    routing = pywrapcp.RoutingModel(manager)
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(metres))
    horizon = max(e.end for e in engineers) + max(service) + 24 * 60
    routing.AddDimension(routing.RegisterTransitMatrix(minutes), horizon, horizon, False, "time")
    clock = routing.GetDimensionOrDie("time")
    for v, engineer in enumerate(engineers):
        clock.CumulVar(routing.Start(v)).SetRange(engineer.start, engineer.end)
        clock.CumulVar(routing.End(v)).SetRange(engineer.start, engineer.end)
    for offset, job in enumerate(jobs):
        index = manager.NodeToIndex(n_eng + offset)
        routing.AddDisjunction([index], DROP_PENALTY)
        if job.deadline is not None:
            clock.SetCumulVarSoftUpperBound(index, max(0, job.deadline), LATE_METRES_PER_MINUTE)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    # Start the search from the nearest-next plan, so the suggestion is never worse than it.
    routing.CloseModelWithParameters(params)
    greedy = greedy_plan(engineers, jobs, speed_kmh=speed_kmh)
    node_of = {job.key: n_eng + i for i, job in enumerate(jobs)}
    start = routing.ReadAssignmentFromRoutes(
        [[manager.NodeToIndex(node_of[s.job]) for s in greedy.routes.get(e.key, [])]
         for e in engineers], True)  # fmt: skip
    solution = (routing.SolveFromAssignmentWithParameters(start, params) if start is not None
                else routing.SolveWithParameters(params))  # fmt: skip
    if solution is None:
        return RoutePlan(routes={e.key: [] for e in engineers}, unassigned=[j.key for j in jobs])
    plan = RoutePlan()
    placed: set[int] = set()
    for v, engineer in enumerate(engineers):
        stops: list[Stop] = []
        index = routing.Start(v)
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            if node >= n_eng:
                job = jobs[node - n_eng]
                start = solution.Min(clock.CumulVar(index))
                late = max(0, start - job.deadline) if job.deadline is not None else 0
                stops.append(Stop(job.key, start, late))
                placed.add(job.key)
            index = solution.Value(routing.NextVar(index))
        plan.routes[engineer.key] = stops
    plan.unassigned = [j.key for j in jobs if j.key not in placed]
    plan.distance_m = _plan_distance(engineers, jobs, plan.routes)
    return plan


def greedy_plan(engineers: Sequence[Engineer], jobs: Sequence[Job], *, speed_kmh: float) -> RoutePlan:  # fmt: skip
    """Nearest next: the engineer free first takes the nearest job they can finish and still be
    home by the end of their day."""
    free = {e.key: (e.start, e.home) for e in engineers}
    ends = {e.key: e.end for e in engineers}
    homes = {e.key: e.home for e in engineers}
    left = {j.key: j for j in jobs}
    plan = RoutePlan(routes={e.key: [] for e in engineers})
    active = set(free)
    while left and active:
        key = min(active, key=lambda k: (free[k][0], k))
        now, here = free[key]
        best = None
        for job in left.values():
            arrive = now + travel_minutes(here, job.place, speed_kmh=speed_kmh)
            back = travel_minutes(job.place, homes[key], speed_kmh=speed_kmh)
            if arrive + job.duration + back <= ends[key]:
                gap = distance_m(here, job.place)
                if best is None or gap < best[0]:
                    best = (gap, job, arrive)
        if best is None:
            active.discard(key)
            continue
        _, job, arrive = best
        late = max(0, arrive - job.deadline) if job.deadline is not None else 0
        plan.routes[key].append(Stop(job.key, arrive, late))
        free[key] = (arrive + job.duration, job.place)
        del left[job.key]
    plan.unassigned = sorted(left)
    plan.distance_m = _plan_distance(engineers, jobs, plan.routes)
    return plan
