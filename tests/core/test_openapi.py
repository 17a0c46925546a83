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

    assert set(errors) == {"401", "403", "422"}


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
