"""Reads over the client registry."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from deskline.clients.models import Contract


def contracts_live(*, company_id: int, day: dt.date) -> QuerySet[Contract]:
    return Contract.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day),
        company_id=company_id,
        is_active=True,
        starts_on__lte=day,
    ).order_by("-starts_on", "id")


def contract_covering(
    *, company_id: int, site_id: int | None, equipment_id: int | None, day: dt.date
) -> Contract | None:
    """The live contract that covers the equipment (or else the site) on `day`, if any."""
    live = contracts_live(company_id=company_id, day=day)
    if equipment_id is not None:
        return live.filter(equipment__id=equipment_id).first()
    if site_id is not None:
        return live.filter(Q(covers_all_sites=True) | Q(sites__id=site_id)).first()
    return live.first()
