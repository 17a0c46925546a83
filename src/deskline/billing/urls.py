"""Addresses of the billing desk pages (mounted at /billing/)."""

from django.urls import path

from deskline.billing import views
from deskline.billing.profitability_views import profitability_page

app_name = "billing"
urlpatterns = [
    path("tickets/<int:number>/charges/", views.charges_panel, name="charges"),
    path(
        "tickets/<int:number>/charges/<int:charge_id>/remove/",
        views.charge_remove,
        name="charge_remove",
    ),  # fmt: skip
    path("tickets/<int:number>/act/", views.act_draft, name="act_draft"),
    path("acts/", views.act_list, name="acts"),
    path("acts/<int:act_id>/", views.act_page, name="act"),
    path("acts/<int:act_id>/pdf/", views.act_pdf_download, name="act_pdf"),
    path("acts/<int:act_id>/<str:action>/", views.act_action, name="act_action"),
    path("invoices/", views.invoice_list, name="invoices"),
    path("companies/<int:company_id>/balance/", views.company_balance_panel, name="balance"),
    path("profitability/", profitability_page, name="profitability"),
    path("invoices/new/", views.invoice_create, name="invoice_create"),
    path("invoices/<int:invoice_id>/payments/", views.invoice_payment, name="invoice_payment"),
]
