"""The act endpoints: drafting, issuing, cancelling, the PDF, and who sees which acts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from deskline.billing.models import Act, CompanyBilling
from deskline.billing.services import charge_add
from tests.billing.factories import CompanyBillingFactory
from tests.factories import ContactFactory, ContactUserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def act_id(admin: Any, hour: Any, billed: dict[str, Any], admin_api: Any) -> int:
    charge_add(actor=admin, ticket_number=billed["ticket"].number, item_id=hour.pk,
               quantity=D(2))  # fmt: skip
    response = admin_api.post("acts", {"ticket_number": billed["ticket"].number})
    assert response.status_code == 201, response.json()
    return int(response.json()["id"])


def test_an_agent_drafts_and_issues_an_act_and_downloads_its_pdf(
    hour: Any, billed: dict[str, Any], api_for: Any
) -> None:
    api = api_for(UserFactory(role="agent"))
    number = billed["ticket"].number
    api.post(f"tickets/{number}/charges", {"item_id": hour.pk, "quantity": "1"})
    draft = api.post("acts", {"ticket_number": number}).json()
    assert draft["status"] == "draft" and draft["number"] is None and draft["total"] == "1200.00"
    issued = api.post(f"acts/{draft['id']}/issue").json()
    assert issued["status"] == "issued" and issued["number"].endswith("-00001")
    pdf = api.get(f"acts/{draft['id']}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert [a["id"] for a in api.get("acts").json()] == [draft["id"]]


def test_issuing_twice_is_a_422_and_cancelling_keeps_the_number(
    act_id: int, admin_api: Any
) -> None:
    admin_api.post(f"acts/{act_id}/issue")
    assert admin_api.post(f"acts/{act_id}/issue").status_code == 422
    cancelled = admin_api.post(f"acts/{act_id}/cancel").json()
    assert cancelled["status"] == "cancelled" and cancelled["number"] is not None


def test_cancelling_a_draft_discards_it(act_id: int, admin_api: Any) -> None:
    assert admin_api.post(f"acts/{act_id}/cancel").status_code == 204
    assert not Act.objects.filter(pk=act_id).exists()


def test_the_monthly_endpoint_drafts_a_companys_acts_for_admins_only(
    admin: Any, hour: Any, billed: dict[str, Any], admin_api: Any, api_for: Any
) -> None:
    charge_add(actor=admin, ticket_number=billed["ticket"].number, item_id=hour.pk,
               quantity=D(1), work_date=dt.date(2026, 11, 5))  # fmt: skip
    body = {"company_id": billed["company"].pk, "year": 2026, "month": 11}
    assert api_for(UserFactory(role="agent")).post("acts/monthly", body).status_code == 403
    created = admin_api.post("acts/monthly", body)
    assert created.status_code == 201 and created.json()[0]["period_start"] == "2026-11-01"


def test_a_client_sees_only_issued_acts_of_own_company_when_it_sees_prices(
    act_id: int, billed: dict[str, Any], admin_api: Any, api_for: Any
) -> None:
    client = api_for(billed["portal"])
    assert client.get("acts").json() == []  # a draft is not shown
    assert client.get(f"acts/{act_id}/pdf").status_code == 404
    admin_api.post(f"acts/{act_id}/issue")
    assert [a["id"] for a in client.get("acts").json()] == [act_id]
    assert client.get(f"acts/{act_id}/pdf").status_code == 200
    assert client.post(f"acts/{act_id}/cancel").status_code == 403
    CompanyBilling.objects.filter(company=billed["company"]).update(sees_prices=False)
    assert client.get("acts").json() == []
    assert client.get(f"acts/{act_id}").status_code == 404


def test_a_client_of_another_company_never_gets_the_act(
    act_id: int, admin_api: Any, api_for: Any
) -> None:
    admin_api.post(f"acts/{act_id}/issue")
    other = ContactFactory(sees_company_tickets=True)
    CompanyBillingFactory(company=other.company, sees_prices=True)
    stranger = api_for(ContactUserFactory(username="b@b.example", contact=other))
    assert stranger.get("acts").json() == []
    assert stranger.get(f"acts/{act_id}").status_code == 404
    assert stranger.get(f"acts/{act_id}/pdf").status_code == 404
