from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "deskline.notifications"
    label = "notifications"
