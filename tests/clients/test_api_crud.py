"""Create, read, update, list and page through every registry resource over the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.clients.factories import RESOURCES, Resource, resource, shown

pytestmark = pytest.mark.django_db
by_path = pytest.mark.parametrize("res", RESOURCES, ids=[r.path for r in RESOURCES])


@by_path
def test_create_returns_201_with_the_new_record(admin_api: Any, res: Resource) -> None:
    body = res.body()

    response = admin_api.post(res.path, body)

    assert response.status_code == 201, response.json()
    out = response.json()
    assert res.model._default_manager.filter(pk=out["id"]).exists()
    assert {k: shown(out, k) for k in body} == body


@by_path
def test_get_returns_the_record_by_id(admin_api: Any, res: Resource) -> None:
    row = res.make()

    response = admin_api.get(f"{res.path}/{row.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == row.pk


@by_path
def test_get_of_an_unknown_id_is_404_with_the_error_shape(admin_api: Any, res: Resource) -> None:
    response = admin_api.get(f"{res.path}/987654")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert set(response.json()["error"]) == {"code", "message", "fields"}


@by_path
def test_patch_changes_only_the_given_fields(admin_api: Any, res: Resource) -> None:
    created = admin_api.post(res.path, res.body()).json()
    change = res.patch()

    response = admin_api.patch(f"{res.path}/{created['id']}", change)

    assert response.status_code == 200, response.json()
    out = response.json()
    assert {k: shown(out, k) for k in change} == change
    untouched = {k: v for k, v in created.items() if k not in change}
    assert {k: out[k] for k in untouched} == untouched


@by_path
def test_patch_of_an_unknown_id_is_404(admin_api: Any, res: Resource) -> None:
    response = admin_api.patch(f"{res.path}/987654", res.patch())

    assert response.status_code == 404


@by_path
def test_post_with_an_unknown_field_is_422_naming_it(admin_api: Any, res: Resource) -> None:
    response = admin_api.post(res.path, {**res.body(), "colour": "red"})

    assert response.status_code == 422
    assert "colour" in response.json()["error"]["fields"]


@by_path
def test_list_pages_by_cursor_in_id_order_until_the_end(admin_api: Any, res: Resource) -> None:
    made = sorted(res.make().pk for _ in range(5))
    seen: list[int] = []
    params: dict[str, Any] = {"limit": 2}
    pages = 0
    while True:
        body = admin_api.get(res.path, params).json()
        pages += 1
        seen += [item["id"] for item in body["items"]]
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]

    assert [pk for pk in seen if pk in made] == made
    assert seen == sorted(set(seen))
    assert pages == (len(seen) + 1) // 2


@by_path
def test_list_limit_above_200_is_422_naming_limit(admin_api: Any, res: Resource) -> None:
    response = admin_api.get(res.path, {"limit": 201})

    assert response.status_code == 422
    assert "limit" in response.json()["error"]["fields"]


def test_list_returns_50_items_by_default(admin_api: Any) -> None:
    company_res = resource("companies")
    for _ in range(51):
        company_res.make()

    body = admin_api.get("companies").json()

    assert len(body["items"]) == 50
    assert body["next_cursor"] is not None


def test_list_with_a_cursor_that_is_not_ours_is_422_naming_cursor(admin_api: Any) -> None:
    response = admin_api.get("companies", {"cursor": "not-a-cursor!"})

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"cursor": "not a valid cursor"}
