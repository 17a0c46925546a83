"""Seal the mailbox passwords and OAuth2 tokens stored in clear by earlier versions."""

from django.db import migrations

SECRETS = ["imap_password", "imap_oauth_token"]


def seal_existing(apps, schema_editor):
    from deskline.channels.vault import is_sealed, seal

    Mailbox = apps.get_model("channels", "Mailbox")
    for mailbox in Mailbox.objects.all():
        changed = [f for f in SECRETS if getattr(mailbox, f) and not is_sealed(getattr(mailbox, f))]
        for name in changed:
            setattr(mailbox, name, seal(getattr(mailbox, name)))
        if changed:
            mailbox.save(update_fields=changed)


def unseal_existing(apps, schema_editor):
    from deskline.channels.vault import unseal

    Mailbox = apps.get_model("channels", "Mailbox")
    for mailbox in Mailbox.objects.all():
        for name in SECRETS:
            setattr(mailbox, name, unseal(getattr(mailbox, name)))
        mailbox.save(update_fields=SECRETS)


class Migration(migrations.Migration):
    dependencies = [
        ("channels", "0002_mailbox_tls_oauth_secrets"),
    ]

    operations = [migrations.RunPython(seal_existing, unseal_existing)]
