"""factory_boy factories for the billing models (kept beside the billing tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from deskline.billing.models import CatalogItem, CompanyBilling, ItemKind, Price, PriceList
from tests.factories import CompanyFactory


class CatalogItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogItem

    kind = ItemKind.HOUR
    code = factory.Sequence(lambda n: f"SRV-{n}")
    name = factory.Sequence(lambda n: f"Service {n}")
    name_ru = factory.Sequence(lambda n: f"Услуга {n}")
    unit = "h"
    vat_rate = Decimal(20)


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList

    name = factory.Sequence(lambda n: f"List {n}")
    currency = "RUB"
    prices_include_vat = True
    valid_from = dt.date(2020, 1, 1)


class PriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Price

    price_list = factory.SubFactory(PriceListFactory)
    item = factory.SubFactory(CatalogItemFactory)
    amount = Decimal("1000.00")


class CompanyBillingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyBilling

    company = factory.SubFactory(CompanyFactory)
    sees_prices = True
    legal_name = factory.LazyAttribute(lambda b: f"ООО «{b.company.name}»")
    kpp = "770101001"
