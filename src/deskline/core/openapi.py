"""The error responses every API operation can give, added to the OpenAPI document.

Handlers declare only their success shape; the errors come from shared handlers (see
`deskline.api`), so they are documented here in one place, each with the one error shape:
400 for a body that is not JSON, 401 without credentials, 403 when the role does not allow
it, 404 when a path names a row that does not exist (or that the caller may not see), 409
for writes that carry the `version` they read (and writes to a merged ticket), 413 for a body
over the endpoint's limit, 422 for input that is not valid, 429 over the rate limit.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA_NAME = "Error"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": ERROR_SCHEMA_NAME,
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "What is wrong with each named field",
                },
                "current": {"description": "409 only: the row as it is now"},
            },
        }
    },
}
METHODS = ("get", "post", "put", "patch", "delete")


def _body_schema(operation: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    return components.get(ref.rsplit("/", 1)[-1], {}) if ref else schema  # type: ignore[no-any-return]


def errors_for(
    path: str, operation: dict[str, Any], components: dict[str, Any], method: str = "get"
) -> dict[str, str]:
    """The error statuses `operation` at `path` can answer, with what each means."""
    errors = {
        "401": "Authentication required: a Bearer token or a session",
        "403": "The caller's role does not allow this",
        "422": "The request is not valid; `fields` names what is wrong",
        "429": "Too many requests for this token or address; `Retry-After` says when to retry",
    }
    if "requestBody" in operation:
        errors["400"] = "The body cannot be parsed"
    if method in ("post", "put", "patch"):
        errors["413"] = "The body is larger than this endpoint takes"
    if method != "get" and "/tickets/{number}" in path:
        errors["409"] = "The ticket was merged into another and is read-only, or changed meanwhile"
    if "{" in path:
        errors["404"] = "No such row, or not one the caller may see"
    if "version" in _body_schema(operation, components).get("properties", {}):
        errors["409"] = "The version sent is stale; `current` holds the row as it is now"
    return errors


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` (an OpenAPI document) with the error responses added to every operation."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in errors_for(path, operation, components, method).items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return schema
