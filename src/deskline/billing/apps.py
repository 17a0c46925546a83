"""The billing app: catalogue, price lists, charges on tickets and acts of completed work."""

from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "deskline.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from deskline.billing.selectors import overdue_invoice_flags
        from deskline.billing.time_charges import charge_time_on_event
        from deskline.billing.visit_charges import charge_visit_on_event
        from deskline.clients.flags import company_flag_source
        from deskline.tickets.events import on_ticket_event

        on_ticket_event("billing.time", kinds=["time_logged"])(charge_time_on_event)
        on_ticket_event("billing.callout", kinds=["visit_status"])(charge_visit_on_event)
        company_flag_source("billing.overdue_invoices")(overdue_invoice_flags)
