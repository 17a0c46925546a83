"""factory_boy factories for the domain models."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.conf import settings
from django.utils import timezone

from deskline.accounts.models import Role, Team, TeamMembership, User
from deskline.clients.models import (
    Company,
    CompanyCategory,
    Contact,
    Contract,
    Equipment,
    EquipmentKind,
    EquipmentModel,
    Manufacturer,
    Site,
)
from deskline.clients.phones import phone_normalize


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.AGENT
    password = factory.django.Password("pass-word-123")


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True
    is_superuser = True


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")
    line = 1

    @factory.post_generation
    def members(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for user in extracted or []:
            TeamMembership.objects.create(team=self, user=user)


class CompanyCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.LazyAttribute(lambda c: c.code.title())


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    tax_id = factory.Sequence(lambda n: f"77{n:08d}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    company = factory.SubFactory(CompanyFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@client.example")
    phone = ""
    phone_normalized = factory.LazyAttribute(
        lambda c: phone_normalize(c.phone, region=settings.DESKLINE_PHONE_REGION)
    )


class ContactUserFactory(UserFactory):
    """A portal login together with its contact."""

    role = Role.CONTACT

    @factory.post_generation
    def contact(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if extracted is not None:
            extracted.user = self
            extracted.save(update_fields=["user"])
        else:
            ContactFactory(user=self, email=self.email, **kwargs)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    address = "1 Main Street"
    time_zone = "Europe/Moscow"


class EquipmentKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EquipmentKind
        django_get_or_create = ("code",)

    code = "kkt"
    name = "Cash register"


class ManufacturerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Manufacturer
        django_get_or_create = ("name",)

    name = "Atol"


class EquipmentModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EquipmentModel
        django_get_or_create = ("manufacturer", "name")

    manufacturer = factory.SubFactory(ManufacturerFactory)
    kind = factory.SubFactory(EquipmentKindFactory)
    name = "30F"


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment

    site = factory.SubFactory(SiteFactory)
    company = factory.LazyAttribute(lambda e: e.site.company)
    kind = factory.SubFactory(EquipmentKindFactory)
    serial_number = factory.Sequence(lambda n: f"SN{n:06d}")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    company = factory.SubFactory(CompanyFactory)
    number = factory.Sequence(lambda n: f"C-{n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=335))
