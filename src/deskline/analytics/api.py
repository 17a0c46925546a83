"""REST endpoints of the analytics app: the Erlang C / Erlang A staffing calculator."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from deskline.accounts.api_auth import request_user
from deskline.analytics.erlang import agents_needed
from deskline.core.errors import ValidationFailed
from deskline.core.permissions import require_staff

router = Router(tags=["staffing"])


class ErlangQuery(Schema):
    arrivals_per_hour: float = Field(ge=0, le=1_000_000)
    handle_minutes: float = Field(gt=0, le=24 * 60)
    target_seconds: float = Field(ge=0, le=7 * 24 * 3600)
    service_level: float = Field(gt=0, lt=1, description="e.g. 0.8 for 80%")
    patience_seconds: float | None = Field(
        default=None, gt=0, description="mean patience: given, the Erlang A model is used"
    )


class ErlangOut(Schema):
    agents: int
    service_level: float
    occupancy: float
    average_wait_seconds: float
    wait_probability: float
    traffic_erlangs: float
    abandon_probability: float
    model: str


@router.get(
    "/erlang-c",
    response=ErlangOut,
    summary="Agents needed for a service level (Erlang C; Erlang A with patience_seconds)",
)
def erlang_calculator(request: HttpRequest, query: Query[ErlangQuery]) -> dict[str, Any]:
    require_staff(request_user(request))
    try:
        result = agents_needed(
            arrivals_per_hour=query.arrivals_per_hour,
            handle_seconds=query.handle_minutes * 60,
            target_seconds=query.target_seconds,
            service_level=query.service_level,
            patience_seconds=query.patience_seconds,
        )
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields={"arrivals_per_hour": str(exc)}) from exc
    return {
        "agents": result.agents,
        "service_level": round(result.service_level, 6),
        "occupancy": round(result.occupancy, 6),
        "average_wait_seconds": round(result.average_wait_seconds, 3)
        if math.isfinite(result.average_wait_seconds)
        else 0.0,
        "wait_probability": round(result.wait_probability, 6),
        "traffic_erlangs": round(result.traffic_erlangs, 6),
        "abandon_probability": round(result.abandon_probability, 6),
        "model": "erlang_c" if query.patience_seconds is None else "erlang_a",
    }
