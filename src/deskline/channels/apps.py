from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "deskline.channels"
    label = "channels"
