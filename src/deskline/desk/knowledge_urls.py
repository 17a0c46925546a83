"""URLs of the desk's knowledge pages (mounted at /kb/)."""

from django.urls import URLPattern, URLResolver, path

from deskline.desk.views import knowledge as views

app_name = "kb"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.article_list, name="list"),
    path("new/", views.article_new, name="new"),
    path("preview/", views.article_preview, name="preview"),
    path("review/", views.review_queue, name="review"),
    path("report/", views.report, name="report"),
    path("<int:article_id>/edit/", views.article_edit, name="edit"),
    path("<int:article_id>/versions/", views.article_versions, name="versions"),
    path("<int:article_id>/files/", views.article_file_upload, name="file_upload"),
    path(
        "<int:article_id>/files/<int:file_id>/delete/",
        views.article_file_delete,
        name="file_delete",
    ),  # fmt: skip
    path(
        "<int:article_id>/versions/<int:number>/restore/", views.article_restore, name="restore"
    ),  # fmt: skip
    path("tickets/<int:number>/suggestions/", views.ticket_suggestions, name="ticket_suggestions"),
    path("tickets/<int:number>/insert/", views.reply_insert_article, name="reply_insert"),
]
