"""The OpenAPI document lists the error responses each operation can give, in the one shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from deskline.core.openapi import errors_for

pytestmark = pytest.mark.django_db

ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture
def document() -> dict[str, Any]:
    return Client().get("/api/v1/openapi.json").json()  # type: ignore[no-any-return]


def error_schema(document: dict[str, Any], path: str, method: str, status: str) -> Any:
    response = document["paths"][path][method]["responses"][status]
    return response["content"]["application/json"]["schema"]


def test_every_operation_documents_401_and_422_with_the_error_shape(
    document: dict[str, Any],
) -> None:
    operations = [(p, m) for p, item in document["paths"].items() for m in item]
    assert len(operations) > 100
    for path, method in operations:
        for status in ("401", "422"):
            assert error_schema(document, path, method, status) == ERROR_REF, (path, method)
    assert (
        "fields" in document["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
    )


def test_a_ticket_update_documents_409_and_404(document: dict[str, Any]) -> None:
    responses = document["paths"]["/api/v1/tickets/{number}"]["patch"]["responses"]

    assert {"200", "400", "404", "409"} <= set(responses)


def test_a_list_without_path_parameters_or_body_documents_neither_404_nor_400() -> None:
    errors = errors_for("/api/v1/tickets", {"responses": {}}, {})

    assert set(errors) == {"401", "403", "422", "429"}


def test_a_body_carrying_no_version_documents_no_409() -> None:
    operation = {
        "requestBody": {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/X"}}}
        }
    }
    errors = errors_for(
        "/api/v1/companies/{company_id}", operation, {"X": {"properties": {"name": {}}}}
    )

    assert "409" not in errors and {"400", "404"} <= set(errors)


def _handlers_body_classes() -> dict[str, Any]:
    """operationId -> the body class its handler reads (`payload: X`)."""
    import typing

    from deskline.api import api

    found: dict[str, Any] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                hints = typing.get_type_hints(operation.view_func)
                if "payload" in hints:
                    found[api.get_openapi_operation_id(operation)] = hints["payload"]
    return found


def test_every_operation_documents_the_body_its_handler_reads(document: dict[str, Any]) -> None:
    """Issue 13 item 22: schemas sharing a name across modules (PreviewIn, RuleIn) made
    `POST /sla/preview` and the SLA rule operations document another operation's body."""
    components = document["components"]["schemas"]
    documented = {}
    for item in document["paths"].values():
        for operation in item.values():
            body = operation.get("requestBody", {}).get("content", {})
            for content in body.values():
                ref = content["schema"].get("$ref", "")
                documented[operation["operationId"]] = components.get(ref.rsplit("/", 1)[-1], {})
    expected = _handlers_body_classes()
    assert len(expected) > 40
    for operation_id, body_class in expected.items():
        fields = set(body_class.model_json_schema().get("properties", {}))
        assert set(documented.get(operation_id, {}).get("properties", {})) == fields, operation_id
