from ninja import Router
router = Router(tags=["tickets"])
reference_router = Router(tags=["reference"])
