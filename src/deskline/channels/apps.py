from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "deskline.channels"
    label = "channels"

    def ready(self) -> None:
        from deskline.channels.selectors import inbound_thread_ids
        from deskline.notifications.selectors import thread_source

        thread_source("channels.inbound")(inbound_thread_ids)
