from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "deskline.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from deskline.accounts import people_cache, token_cache
        from deskline.accounts.models import ApiToken, User

        # A deactivated user or a revoked token must stop working here at once.
        for model in (User, ApiToken):
            post_save.connect(token_cache.clear, sender=model, dispatch_uid=f"token_cache:{model}")
            post_delete.connect(
                token_cache.clear, sender=model, dispatch_uid=f"token_cache-d:{model}"
            )
        # The pickers' cached staff (`people_cache`) follow every change of a user but a login.
        post_save.connect(people_cache.user_changed, sender=User, dispatch_uid="people_cache")
        post_delete.connect(people_cache.user_changed, sender=User, dispatch_uid="people_cache-d")
