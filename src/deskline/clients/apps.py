from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "deskline.clients"
    label = "clients"
    verbose_name = "Clients"
