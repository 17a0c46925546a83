"""The billing app: catalogue, price lists, charges on tickets and acts of completed work."""

from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "deskline.billing"
    label = "billing"
    verbose_name = "Billing"
