"""REST endpoints of the channels app."""

from ninja import Router

router = Router(tags=["channels"])
