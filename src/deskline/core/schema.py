"""The base of API response shapes that are built from plain dicts.

django-ninja's `Schema` validates through `DjangoGetter`, which wraps every nested value to
resolve model attributes; a ticket response paid about 60 Python attribute look-ups for it,
a 50-row list 3,000. Our handlers build their responses as dicts (the `*_out` adapters), so
their shapes are plain pydantic models and validate entirely in pydantic's compiled core.
Request bodies stay ninja `Schema`s.
"""

from __future__ import annotations

from pydantic import BaseModel


class OutSchema(BaseModel):
    """A response shape validated from a dict (never from a model instance)."""
