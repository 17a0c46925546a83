"""Seed the search synonym table with words clients use for the same things."""

from django.db import migrations

SEED = [
    "касса, ККТ, кассовый аппарат, онлайн-касса, cash register, till, POS",
    "принтер, printer, печать, print",
    "МФУ, копир, сканер, scanner, copier",
    "фискальный накопитель, ФН, fiscal drive",
    "чек, receipt",
    "бумага, лента, paper, roll",
    "сеть, интернет, network, internet, wifi, wi-fi, вайфай",
    "пароль, password, учетная запись, аккаунт, account, логин, login",
    "лифт, подъемник, elevator, lift",
    "кондиционер, сплит, air conditioner, AC",
    "ошибка, error, сбой, failure",
    "не работает, сломался, broken",
    "почта, email, e-mail, mail",
    "1С, 1C, бухгалтерия",
]


def seed(apps, schema_editor):
    Synonym = apps.get_model("knowledge", "Synonym")
    Synonym.objects.bulk_create(Synonym(words=words) for words in SEED)


def unseed(apps, schema_editor):
    apps.get_model("knowledge", "Synonym").objects.filter(words__in=SEED).delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_articles")]
    operations = [migrations.RunPython(seed, unseed)]
