"""URLs of the portal pages (mounted at /portal/)."""

from django.urls import URLPattern, URLResolver, path

from deskline.portal import telegram_views, views

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ticket_list, name="list"),
    path("login/", views.portal_login, name="login"),
    path("logout/", views.portal_logout, name="logout"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("new/", views.ticket_new_or_equipment, name="new"),
    path("telegram/", telegram_views.telegram_connect, name="telegram"),
    path("tickets/<int:number>/", views.ticket_page, name="ticket"),
    path("tickets/<int:number>/comment/", views.ticket_comment, name="comment"),
    path("tickets/<int:number>/confirm/", views.ticket_confirm, name="confirm"),
    path("tickets/<int:number>/reopen/", views.ticket_reopen, name="reopen"),
    path("tickets/<int:number>/rate/", views.ticket_rate_view, name="rate"),
    path("tickets/<int:number>/files/<int:attachment_id>/", views.ticket_file, name="file"),
]
