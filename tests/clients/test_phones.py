"""Phone numbers written any way find the same contact."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskline.clients.phones import phone_digits, phone_normalize
from deskline.clients.selectors import contact_find_by_phone
from deskline.clients.services import contact_create, contact_update
from tests.factories import AdminFactory, CompanyFactory


@pytest.mark.parametrize(
    "written",
    ["+7 (912) 345-67-89", "89123456789", "8 912 345 67 89", "79123456789", "+79123456789",
     "tel: +7-912-345-6789"],
)  # fmt: skip
def test_russian_numbers_written_any_way_reduce_to_one_e164(written: str) -> None:
    assert phone_normalize(written, region="RU") == "+79123456789"


def test_a_number_with_its_country_code_ignores_the_region() -> None:
    assert phone_normalize("+44 20 7946 0958", region="RU") == "+442079460958"


def test_a_national_number_is_read_in_the_configured_region() -> None:
    assert phone_normalize("(202) 555-0143", region="US") == "+12025550143"


@pytest.mark.parametrize("written", ["", "12345", "call me", "ext. 12"])
def test_text_that_is_no_phone_number_normalises_to_nothing(written: str) -> None:
    assert phone_normalize(written, region="RU") == ""


@given(st.text(max_size=40))
def test_normalising_never_raises_and_yields_e164_or_nothing(text: str) -> None:
    result = phone_normalize(text, region="RU")
    assert result == "" or (result.startswith("+") and phone_digits(result) == result[1:])


@pytest.mark.django_db
def test_a_contact_is_found_by_a_number_written_differently_from_the_stored_one() -> None:
    admin = AdminFactory()
    company = CompanyFactory()
    contact = contact_create(
        actor=admin, company_id=company.pk, name="Anna", phone="+7 (912) 345-67-89"
    )
    assert list(contact_find_by_phone("89123456789")) == [contact]


@pytest.mark.django_db
def test_changing_a_contacts_phone_moves_its_lookup_key() -> None:
    admin = AdminFactory()
    contact = contact_create(actor=admin, company_id=None, name="Anna", phone="89123456789")
    contact_update(actor=admin, contact_id=contact.pk, changes={"phone": "+7 903 111 22 33"})
    assert not contact_find_by_phone("89123456789").exists()
    assert list(contact_find_by_phone("8 903 111-22-33")) == [contact]


@pytest.mark.django_db
def test_no_contact_is_found_by_a_string_that_is_no_number() -> None:
    contact_create(actor=AdminFactory(), company_id=None, name="Anna", phone="")
    assert not contact_find_by_phone("").exists()
