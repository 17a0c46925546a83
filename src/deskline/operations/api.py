"""REST endpoints of operations (admins): a company's export, the routing what-if."""

from __future__ import annotations

import tempfile
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema

from deskline.accounts.api_auth import request_user
from deskline.clients.models import Company
from deskline.core.errors import NotFound
from deskline.core.permissions import require_admin
from deskline.core.schema import InSchema
from deskline.operations.export import company_export
from deskline.operations.whatif import routing_what_if
from deskline.operations.whatif_sla import sla_what_if
from deskline.operations.whatif_triggers import triggers_what_if

router = Router(tags=["operations"])


@router.get(
    "/companies/{company_id}/export",
    summary="Everything the company owns as a ZIP (CSV, JSON lines, attachments)",
    response={200: bytes},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The ZIP archive",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def company_export_download(request: HttpRequest, company_id: int) -> FileResponse:
    require_admin(request_user(request))
    company = Company.objects.filter(pk=company_id).only("pk").first()
    if company is None:
        raise NotFound(f"company {company_id} not found")
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    company_export(company_id, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"company-{company_id}.zip",
                        content_type="application/zip")  # fmt: skip


class WhatIfIn(InSchema):
    #: How far back to replay (1-366 days; at most the 5,000 newest tickets).
    days: int = 30
    #: The proposed routing configuration: rule sets with their rules, as the routing API shows them.
    rule_sets: list[dict[str, Any]]


class WhatIfOut(Schema):
    tickets: int
    days: int
    changed: int
    fields: dict[str, int]
    sla: dict[str, int]
    rules: list[dict[str, Any]]


@router.post("/config/what-if", response=WhatIfOut,
             summary="Replay recent tickets through proposed routing rules, writing nothing")  # fmt: skip
def what_if(request: HttpRequest, payload: WhatIfIn) -> dict[str, Any]:
    return routing_what_if(
        actor=request_user(request), rule_sets=payload.rule_sets, days=payload.days
    )


class SlaWhatIfIn(InSchema):
    days: int = 30
    #: The proposed policy rules (replacing those in force), as the SLA API shows them.
    rules: list[dict[str, Any]] | None = None
    #: Targets to change: {policy_id, priority_id, reaction_minutes, resolution_minutes}.
    targets: list[dict[str, Any]] | None = None


class SlaWhatIfOut(Schema):
    tickets: int
    days: int
    changed: int
    sla: dict[str, int]
    rules: list[dict[str, Any]]


@router.post("/config/what-if/sla", response=SlaWhatIfOut,
             summary="Replay recent tickets through proposed SLA rules and targets, writing nothing")  # fmt: skip
def what_if_sla(request: HttpRequest, payload: SlaWhatIfIn) -> dict[str, Any]:
    return sla_what_if(actor=request_user(request), rules=payload.rules, targets=payload.targets,
                       days=payload.days)  # fmt: skip


class TriggersWhatIfIn(InSchema):
    days: int = 30
    #: Proposed event triggers: {name, events, conditions} as the routing API shows them.
    triggers: list[dict[str, Any]]


class TriggersWhatIfOut(Schema):
    events: int
    days: int
    triggers: list[dict[str, Any]]


@router.post("/config/what-if/triggers", response=TriggersWhatIfOut,
             summary="How often proposed event triggers would have fired, writing nothing")  # fmt: skip
def what_if_triggers(request: HttpRequest, payload: TriggersWhatIfIn) -> dict[str, Any]:
    return triggers_what_if(actor=request_user(request), triggers=payload.triggers,
                            days=payload.days)  # fmt: skip
