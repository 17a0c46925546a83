from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "deskline.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from deskline.accounts import token_cache
        from deskline.accounts.models import ApiToken, User

        # A deactivated user or a revoked token must stop working here at once.
        for model in (User, ApiToken):
            post_save.connect(token_cache.clear, sender=model, dispatch_uid=f"token_cache:{model}")
            post_delete.connect(
                token_cache.clear, sender=model, dispatch_uid=f"token_cache-d:{model}"
            )
