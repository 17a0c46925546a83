"""REST endpoints of operations: a company's export (admins)."""

from __future__ import annotations

import tempfile

from django.http import FileResponse, HttpRequest
from ninja import Router

from deskline.accounts.api_auth import request_user
from deskline.clients.models import Company
from deskline.core.errors import NotFound
from deskline.core.permissions import require_admin
from deskline.operations.export import company_export

router = Router(tags=["operations"])


@router.get(
    "/companies/{company_id}/export",
    summary="Everything the company owns as a ZIP (CSV, JSON lines, attachments)",
    response={200: bytes},
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
