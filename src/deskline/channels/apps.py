from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "deskline.channels"
    label = "channels"

    def ready(self) -> None:
        from deskline.channels.selectors import inbound_thread_ids
        from deskline.channels.sms import SmsSender
        from deskline.channels.telegram_sender import TelegramSender, telegram_address
        from deskline.channels.webhooks import webhooks_on_event
        from deskline.notifications.selectors import thread_source
        from deskline.notifications.senders import register_address, register_sender
        from deskline.tickets.events import on_ticket_event

        thread_source("channels.inbound")(inbound_thread_ids)
        on_ticket_event("channels.webhooks")(webhooks_on_event)
        register_sender("sms", SmsSender())
        register_sender("telegram", TelegramSender())
        register_address("telegram", telegram_address)
