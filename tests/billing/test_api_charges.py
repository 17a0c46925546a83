"""The catalogue, price list and charge endpoints, and who may use them."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from deskline.billing.models import CompanyBilling, Price
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_list_the_catalogue_clients_do_not(
    hour: Any, part: Any, billed: dict[str, Any], api_for: Any
) -> None:
    agent = UserFactory(role="agent")
    codes = {row["code"] for row in api_for(agent).get("services").json()}
    assert codes == {"ENG-H", "FN-1"}
    materials = api_for(agent).get("services", {"kind": "material"}).json()
    assert [row["code"] for row in materials] == ["FN-1"]
    assert api_for(billed["portal"]).get("services").status_code == 403


def test_admins_create_lists_and_set_prices_agents_may_not(
    hour: Any, admin_api: Any, api_for: Any
) -> None:
    body = {"name": "2026", "currency": "EUR", "prices_include_vat": False,
            "valid_from": "2026-01-01"}  # fmt: skip
    created = admin_api.post("price-lists", body)
    assert created.status_code == 201 and created.json()["scope"] == "default"
    list_id = created.json()["id"]
    priced = admin_api.put(f"price-lists/{list_id}/prices",
                           {"item_id": hour.pk, "amount": "99.90"})  # fmt: skip
    assert priced.status_code == 200
    assert priced.json()["prices"][0]["amount"] == "99.90"
    agent = api_for(UserFactory(role="agent"))
    assert agent.post("price-lists", body).status_code == 403
    assert agent.put(f"price-lists/{list_id}/prices",
                     {"item_id": hour.pk, "amount": "1"}).status_code == 403  # fmt: skip
    assert Price.objects.get(price_list_id=list_id).amount == D("99.90")


def test_an_unknown_currency_is_a_422(admin_api: Any) -> None:
    body = {"name": "x", "currency": "XXX", "valid_from": "2026-01-01"}
    response = admin_api.post("price-lists", body)
    assert response.status_code == 422 and "currency" in response.json()["error"]["fields"]


def test_an_agent_adds_changes_and_removes_a_charge(
    part: Any, billed: dict[str, Any], api_for: Any
) -> None:
    api = api_for(UserFactory(role="agent"))
    url = f"tickets/{billed['ticket'].number}/charges"
    added = api.post(url, {"item_id": part.pk, "quantity": "2"})
    assert added.status_code == 201, added.json()
    assert added.json()["total"] == "18000.00" and added.json()["vat"] == "3000.00"
    charge_id = added.json()["id"]
    patched = api.patch(f"{url}/{charge_id}", {"discount_percent": "5"})
    assert patched.json()["total"] == "17100.00"
    assert [row["id"] for row in api.get(url).json()] == [charge_id]
    assert api.delete(f"{url}/{charge_id}").status_code == 204
    assert api.get(url).json() == []


def test_clients_read_charges_only_when_their_company_sees_prices(
    part: Any, billed: dict[str, Any], admin_api: Any, api_for: Any
) -> None:
    url = f"tickets/{billed['ticket'].number}/charges"
    admin_api.post(url, {"item_id": part.pk, "quantity": "1"})
    client = api_for(billed["portal"])
    assert [row["total"] for row in client.get(url).json()] == ["9000.00"]
    assert client.post(url, {"item_id": part.pk, "quantity": "1"}).status_code == 403
    CompanyBilling.objects.filter(company=billed["company"]).update(sees_prices=False)
    assert client.get(url).status_code == 403


def test_a_negative_quantity_is_a_422(part: Any, billed: dict[str, Any], admin_api: Any) -> None:
    url = f"tickets/{billed['ticket'].number}/charges"
    response = admin_api.post(url, {"item_id": part.pk, "quantity": "-1"})
    assert response.status_code == 422
