"""The REST API v1: one NinjaAPI with each app's router, auth and the one error shape."""

from __future__ import annotations

import importlib
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from pydantic_core import ValidationError as PydanticValidationError

from deskline.accounts.api_auth import BearerTokenAuth, SessionAuth
from deskline.core.errors import Conflict, DomainError
from deskline.core.openapi import document_errors
from deskline.core.schema import has_nul, huge_integer_text, int_range_error, nul_error


class QueryParser(Parser):
    """Refuses query parameters holding NUL characters (the database cannot compare them); the
    error reaches the client as a 422 naming the parameter. Bodies are checked by `InSchema`."""

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        bad = [key for key, values in data.lists() if has_nul(key) or has_nul(values)]
        if bad:
            raise PydanticValidationError.from_exception_data(
                "query", [{"type": nul_error(), "loc": (key,), "input": ""} for key in bad]
            )
        huge = [
            key
            for key, values in data.lists()
            if any(isinstance(v, str) and huge_integer_text(v) for v in values)
        ]
        if huge:
            raise PydanticValidationError.from_exception_data(
                "query", [{"type": int_range_error(), "loc": (key,), "input": ""} for key in huge]
            )
        return super().parse_querydict(data, list_fields, request)


class DesklineAPI(NinjaAPI):
    """The API whose OpenAPI document lists the error responses of every operation."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        return schema


api = DesklineAPI(
    title="Deskline API",
    version="1",
    description="Tickets, the client registry and reference data. Errors have one shape: "
    '`{"error": {"code": ..., "message": ..., "fields": {...}}}`.',
    auth=[BearerTokenAuth(), SessionAuth()],
    urls_namespace="api-v1",
    docs_url="/docs",
    parser=QueryParser(),
)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    **extra: object,
) -> HttpResponse:
    body: dict[str, object] = {"code": code, "message": message, "fields": fields or {}}
    body.update(extra)
    return api.create_response(request, {"error": body}, status=status)


def _field_name(loc: list[object]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload", "file")]
    return ".".join(parts) or "body"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = {_field_name(list(e.get("loc", []))): str(e.get("msg", "invalid")) for e in exc.errors}
    return error_response(request, 422, "validation_error", "the request is not valid", fields)


@api.exception_handler(Conflict)
def on_conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    current = exc.rendered_current()
    return error_response(request, 409, exc.code, exc.message, exc.fields, current=current)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return error_response(request, 413, "too_large", f"the request body is larger than {limit} bytes",
                          {"body": f"over {limit} bytes"})  # fmt: skip


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    """A number in the address too large for the database (the body and query are checked)."""
    return error_response(request, 422, "validation_error", "a number is out of range",
                          {"path": "out of range: at most 19 digits (a 64-bit integer)"})  # fmt: skip


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request, 401, "unauthorized", "authentication required: a Bearer token or a session"
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "http_error", str(exc))


#: (URL prefix, module with a `router`) for each app's endpoints.
ROUTERS = [
    ("/tickets", "deskline.tickets.api"),
    ("/", "deskline.tickets.reference_api"),
    ("/", "deskline.clients.api"),
    ("/sla", "deskline.sla.api"),
    ("/routing", "deskline.routing.api"),
    ("/channels", "deskline.channels.api"),
    ("/channels", "deskline.channels.api_webhooks"),
    ("/channels", "deskline.channels.api_alerts"),
    ("/channels", "deskline.channels.api_phone"),
    ("/channels", "deskline.channels.api_telegram"),
    ("/notifications", "deskline.notifications.api"),
    ("/", "deskline.operations.api"),
    ("/staffing", "deskline.analytics.api"),
    ("/reports", "deskline.analytics.api_reports"),
    ("/feedback", "deskline.feedback.api"),
    ("/kb", "deskline.knowledge.api"),
    ("/", "deskline.billing.api"),
    ("/acts", "deskline.billing.api_acts"),
    ("/", "deskline.fieldwork.api"),
    ("/", "deskline.fieldwork.api_visits"),
    ("/", "deskline.fieldwork.maintenance_api"),
    ("/bot", "deskline.knowledge.bot_api"),
    ("/", "deskline.billing.api_invoices"),
    ("/", "deskline.billing.api_profitability"),
]


def _register_routers() -> None:
    for prefix, module in ROUTERS:
        api.add_router(prefix, importlib.import_module(module).router)


_register_routers()
