"""URLs of the desk pages (mounted at the site root)."""

from django.urls import URLPattern, URLResolver, path
from django.views.i18n import set_language

from deskline.desk.views import (
    auth,
    callbacks,
    dashboard,
    dispatch,
    field_app,
    intake,
    lists,
    phone,
    registry,
    registry_edit,
    registry_lists,
    replies,
    reports,
    saved_filters,
    suggest,
    ticket,
    training,
    two_factor,
    work,
)
from deskline.desk.web import staff_page

app_name = "desk"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", lists.ticket_list, name="list"),
    path("login/", auth.desk_login, name="login"),
    path("password/change/", auth.password_change, name="password_change"),
    path("login/verify/", two_factor.verify, name="two_factor_verify"),
    path("training/", training.training_board, name="training"),
    path("account/two-factor/", two_factor.setup, name="two_factor_setup"),
    path("password-reset/", auth.password_reset, name="password_reset"),
    path("password-reset/sent/", auth.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth.password_reset_confirm,
        name="password_reset_confirm",
    ),  # fmt: skip
    path("password-reset/done/", auth.password_reset_complete, name="password_reset_complete"),
    path("logout/", auth.desk_logout, name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("tickets/bulk/", lists.ticket_bulk, name="bulk"),
    path("tickets/new/", intake.ticket_new, name="new"),
    path("tickets/new/callers/", intake.caller_results, name="callers"),
    path("tickets/new/preview/", intake.intake_preview, name="intake_preview"),
    path("tickets/new/fields/", intake.intake_fields, name="intake_fields"),
    path("tickets/<int:number>/", ticket.ticket_page, name="ticket"),
    path("tickets/<int:number>/edit/", ticket.ticket_edit, name="edit"),
    path("tickets/<int:number>/reply/", ticket.ticket_reply, name="reply"),
    path("tickets/<int:number>/coverage/", ticket.ticket_coverage, name="coverage"),
    path("tickets/<int:number>/checklists/", work.checklist_add, name="checklist_add"),
    path("tickets/<int:number>/steps/<int:step_id>/", work.step_tick, name="step_tick"),
    path("tickets/<int:number>/time/", work.time_add, name="time_add"),
    path("tickets/<int:number>/stopwatch/", work.stopwatch, name="stopwatch"),
    path("tickets/<int:number>/visits/", work.visit_add, name="visit_add"),
    path(
        "tickets/<int:number>/visits/<int:visit_id>/cancel/", work.visit_cancel, name="visit_cancel"
    ),  # fmt: skip
    path("field/", field_app.visit_list, name="field"),
    path("field/visits/<int:visit_id>/", field_app.visit_page, name="field_visit"),
    path("field/sync/", field_app.sync, name="field_sync"),
    path("field/manifest.webmanifest", field_app.manifest, name="field_manifest"),
    path("field/sw.js", field_app.service_worker, name="field_sw"),
    path("dispatch/", dispatch.board, name="dispatch"),
    path("dispatch/check/", dispatch.check, name="dispatch_check"),
    path("dispatch/save/", dispatch.save, name="dispatch_save"),
    path("dispatch/map/", dispatch.day_map, name="dispatch_map"),
    path("dispatch/map/points/", dispatch.map_points, name="dispatch_map_points"),
    path("dispatch/plan/", dispatch.day_plan, name="dispatch_plan"),
    path("tickets/<int:number>/status/", ticket.ticket_status, name="status"),
    path("tickets/<int:number>/assign/", ticket.ticket_assign_view, name="assign"),
    path("tickets/<int:number>/link/", ticket.ticket_link_view, name="link"),
    path("tickets/<int:number>/merge/", ticket.ticket_merge_view, name="merge"),
    path(
        "tickets/<int:number>/reply/template/",
        replies.reply_template_insert,
        name="reply_template",
    ),
    path("tickets/<int:number>/files/<int:attachment_id>/", ticket.ticket_file, name="file"),
    path("filters/", saved_filters.saved_filter_save, name="filter_save"),
    path("filters/<int:pk>/rename/", saved_filters.saved_filter_rename_view, name="filter_rename"),
    path("filters/<int:pk>/delete/", saved_filters.saved_filter_delete_view, name="filter_delete"),
    path("suggest/<str:kind>/", suggest.registry_suggest, name="suggest"),
    # The company box's first address, kept for links and scripts that use it.
    path(
        "companies/suggest/",
        suggest.registry_suggest,
        {"kind": "company"},
        name="company_suggest",
    ),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("phone/card/", phone.call_card, name="call_card"),
    path("feedback/callbacks/", callbacks.callback_list, name="callbacks"),
    path(
        "feedback/callbacks/<int:callback_id>/done/",
        callbacks.callback_mark_done,
        name="callback_done",
    ),
    path("dashboard/stress/", dashboard.stress_check_in, name="stress"),
    path("reports/", reports.report_page, name="reports"),
    path("reports/forecast/", reports.forecast_page, name="forecast"),
    path("reports/<str:name>/", reports.report_page, name="report"),
    path("reports/<str:name>/chart.svg", reports.report_chart, name="report_chart"),
    path("templates/", replies.reply_templates_page, name="templates"),
    path("templates/new/", replies.reply_template_new, name="template_new"),
    path("templates/<int:pk>/", replies.reply_template_edit, name="template_edit"),
    path("templates/<int:pk>/delete/", replies.reply_template_remove, name="template_delete"),
    path("companies/", registry_lists.company_list, name="companies"),
    path("companies/<int:pk>/", staff_page(registry.company_page), name="company"),
    path("contacts/<int:pk>/", staff_page(registry.contact_page), name="contact"),
    path("sites/<int:pk>/", staff_page(registry.site_page), name="site"),
    path("equipment/<int:pk>/", staff_page(registry.equipment_page), name="equipment"),
    path("contracts/<int:pk>/", staff_page(registry.contract_page), name="contract"),
]
# Registry lists, new and edit pages: /contacts/, /contacts/new/, /contacts/<pk>/edit/, ...
for _kind, _url in (("company", "companies"), ("contact", "contacts"), ("site", "sites"),
                    ("equipment", "equipment"), ("contract", "contracts")):  # fmt: skip
    urlpatterns += [
        path(f"{_url}/new/", registry_edit.registry_new, {"kind": _kind}, name=f"{_kind}_new"),
        path(
            f"{_url}/<int:pk>/edit/",
            registry_edit.registry_edit,
            {"kind": _kind},
            name=f"{_kind}_edit",
        ),  # fmt: skip
    ]
    if _kind != "company":
        urlpatterns.append(
            path(f"{_url}/", registry_lists.registry_list, {"kind": _kind}, name=f"{_kind}_list")
        )
