"""URLs of the portal's help centre (mounted at /portal/help/)."""

from django.urls import URLPattern, URLResolver, path

from deskline.portal import chat_views
from deskline.portal import help_views as views

app_name = "help"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.help_home, name="home"),
    path("categories/<int:category_id>/", views.help_category, name="category"),
    path("articles/<int:article_id>/", views.help_article, name="article"),
    path("articles/<int:article_id>/feedback/", views.help_feedback, name="feedback"),
    path("articles/<int:article_id>/files/<int:file_id>/", views.help_article_file, name="file"),
    path("suggest/", views.ticket_suggestions, name="suggest"),
    path("solved/", views.ticket_deflected, name="solved"),
    path("chat/", chat_views.chat, name="chat"),
    path("chat/<slug:action>/", chat_views.chat_act, name="chat_act"),
]
