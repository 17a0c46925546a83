"""Addresses of the billing portal pages (mounted at /portal/acts/)."""

from django.urls import path

from deskline.billing import views

app_name = "billing_portal"
urlpatterns = [
    path("", views.portal_act_list, name="acts"),
    path("<int:act_id>/pdf/", views.portal_act_pdf, name="act_pdf"),
    path("charges/<int:number>/", views.portal_charges, name="charges"),
]
