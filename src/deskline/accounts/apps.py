from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "deskline.accounts"
    label = "accounts"
    verbose_name = "Accounts"
