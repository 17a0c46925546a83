"""REST endpoints of the sla app."""

from ninja import Router

router = Router(tags=["sla"])
