"""Seed the search synonym table with words clients use for the same things."""

from django.db import migrations

SEED = [
    "касса, ККТ, кассовый аппарат, онлайн-касса, cash register, till, POS",
    "принтер, printer",
    "печать, печатать, print, printing",
    "МФУ, копир, copier, multifunction printer",
    "сканер, scanner",
    "сканировать, скан, scan",
    "фискальный накопитель, ФН, фискальник, fiscal drive, fiscal storage",
    "чек, receipt",
    "бумага, лента, рулон, paper, roll",
    "замятие, зажевал, застряла, jam, jammed",
    "картридж, тонер, cartridge, toner",
    "полосы, пятна, грязная, streaks, stains",
    "драйвер, driver",
    "сеть, network",
    "интернет, инет, internet",
    "wi-fi, wifi, вайфай, вай-фай, беспроводная сеть, wireless",
    "роутер, маршрутизатор, router",
    "впн, VPN",
    "медленный, медленно, тормозит, тупит, долго, slow",
    "пароль, password",
    "учетная запись, учетка, аккаунт, account, пользователь, user",
    "логин, login, войти, вход, sign in",
    "заблокирован, блокировка, locked, blocked",
    "сотрудник, employee, новый человек",
    "двухфакторная аутентификация, двухфакторка, 2fa, two-factor, authenticator, второй фактор",
    "портал, portal",
    "почта, email, e-mail, mail, письмо, письма",
    "ящик, mailbox",
    "спам, spam, junk",
    "телефон, phone, айфон, iphone, android",
    "лифт, подъемник, elevator, lift",
    "застрял, застряли, stuck",
    "двери, дверь, doors, door",
    "шум, шумит, скрипит, noise, noisy",
    "обслуживание, ТО, техобслуживание, maintenance",
    "кондиционер, кондей, сплит, air conditioner, AC",
    "течет, капает, течь, leak, leaking",
    "охлаждает, cooling, cool",
    "ошибка, error, сбой, failure",
    "не работает, сломался, broken",
    "1С, 1C",
    "лицензия, license",
    "ИБП, бесперебойник, упс, UPS",
    "пищит, beeping, beep",
    "камера, видеонаблюдение, camera, CCTV",
    "заявка, тикет, ticket, request",
    "статус, status",
    "часы работы, режим работы, support hours",
    "счет, акт, документы, invoice",
    "удаленный доступ, удаленно, remote access, remote",
    "компьютер, комп, пк, ПК, computer, PC",
    "монитор, экран, monitor, screen",
    "весы, scale",
    "этикетка, этикетки, label",
    "время, дата, time, date",
    "прошивка, firmware",
    "возврат, refund, return",
    "коррекция, correction",
    "регистрация, зарегистрировать, register, registration",
    "налоговая, ФНС, tax office",
    "терминал, эквайринг, terminal",
    "карта, картой, card",
    "включается, включить, turn on, power",
    "обновление, обновить, update",
    "штрихкод, штрих код, barcode",
]


def seed(apps, schema_editor):
    Synonym = apps.get_model("knowledge", "Synonym")
    Synonym.objects.bulk_create(Synonym(words=words) for words in SEED)


def unseed(apps, schema_editor):
    apps.get_model("knowledge", "Synonym").objects.filter(words__in=SEED).delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_articles")]
    operations = [migrations.RunPython(seed, unseed)]
