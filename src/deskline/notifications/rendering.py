"""Render a notification template from strings with Django's template engine (plain text)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.template import Context, Engine

# Plain-text mail: no HTML escaping (the mail is not HTML, and escaping would garble names).
_ENGINE = Engine(autoescape=False)


def render_text(source: str, context: Mapping[str, Any]) -> str:
    return _ENGINE.from_string(source).render(Context(dict(context)))


def render_message(subject: str, body: str, context: Mapping[str, Any]) -> tuple[str, str]:
    rendered_subject = " ".join(render_text(subject, context).split())
    return rendered_subject[:500], render_text(body, context).strip() + "\n"


def template_errors(subject: str, body: str, context: Mapping[str, Any]) -> dict[str, str]:
    """What is wrong with a template, found by rendering it with sample values: a syntax
    error, an unknown filter or tag, anything that would fail when a real notification is sent."""
    errors: dict[str, str] = {}
    for name, source in (("subject", subject), ("body", body)):
        try:
            render_text(source, context)
        except Exception as exc:  # noqa: BLE001 - any failure here would fail a real send
            errors[name] = f"{type(exc).__name__}: {exc}"[:500]
    return errors
