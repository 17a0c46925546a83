"""Made-up names of people and companies, tax ids, phones and mail addresses (pure, seeded by
the caller): the demo data and the sandbox's anonymiser both draw from them."""

from __future__ import annotations

import random
import re
import unicodedata

RU_MALE = (
    "Александр", "Дмитрий", "Сергей", "Андрей", "Алексей", "Иван", "Михаил", "Николай", "Павел",
    "Артём", "Евгений", "Олег", "Владимир", "Константин", "Игорь", "Роман", "Максим", "Денис",
)  # fmt: skip
RU_FEMALE = (
    "Анна", "Елена", "Мария", "Ольга", "Наталья", "Татьяна", "Екатерина", "Ирина", "Светлана",
    "Юлия", "Дарья", "Марина", "Ксения", "Виктория", "Алина", "Полина",
)  # fmt: skip
#: Male forms; the female form adds "а" (Иванов → Иванова).
RU_LAST = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
    "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв",
)  # fmt: skip
EN_FIRST = (
    "James", "Anna", "Thomas", "Laura", "Lukas", "Sophie", "Marco", "Julia", "Pierre", "Claire",
    "Jan", "Eva", "Mikko", "Sara", "Pablo", "Elena", "Tomasz", "Katarzyna", "Oliver", "Emma",
    "Felix", "Marie", "Lars", "Ingrid", "Daniel", "Hannah", "Matteo", "Chiara",
)  # fmt: skip
EN_LAST = (
    "Schmidt", "Dubois", "de Vries", "Kowalski", "Virtanen", "García", "Rossi", "Novák", "Smith",
    "Johansson", "Berg", "Weber", "Fischer", "Martin", "Bernard", "Jansen", "Nowak", "Korhonen",
    "Fernández", "Bianchi", "Horvat", "Murphy", "Nielsen", "Wagner", "Becker", "Leroy", "Bakker",
)  # fmt: skip

RU_ROOTS = (
    "Вектор", "Гранит", "Меридиан", "Восход", "Орион", "Сфера", "Континент", "Радуга",
    "Электрон", "Импульс", "Стандарт", "Атлант", "Волга", "Ладога", "Байкал", "Урал", "Тайга",
    "Северный ветер", "Янтарь", "Парус", "Кристалл", "Зенит", "Полюс", "Созвездие",
)  # fmt: skip
EN_ROOTS = (
    "Northwind", "Bluebay", "Silverline", "Greenfield", "Redwood", "Brightstone", "Ironbridge",
    "Lakeside", "Summit", "Harbor", "Oakridge", "Westgate", "Clearwater", "Highland", "Pinecrest",
    "Starling", "Riverside", "Goldcrest", "Maplewood", "Evergreen", "Bluepeak", "Ashford",
)  # fmt: skip
SUFFIXES: dict[str, dict[str, tuple[str, ...]]] = {
    "ru": {
        "vip": ("Банк", "Холдинг", "Групп", "Капитал", "Инвест"),
        "retail": ("Маркет", "Трейд", "Продукты", "Ритейл", "Торговый дом", "Гастроном"),
        "healthcare": ("Мед", "Клиника", "Медцентр", "Диагностика", "Здоровье"),
        "manufacturing": ("Завод", "Пром", "Машстрой", "Металл", "Пласт", "Агро"),
        "office": ("Консалт", "Девелопмент", "Бизнес-центр", "Логистик", "Финанс"),
    },
    "en": {
        "vip": ("Bank", "Holding", "Group", "Capital", "Invest"),
        "retail": ("Retail", "Markets", "Stores", "Foods", "Trading"),
        "healthcare": ("Medical", "Clinic", "Health", "Diagnostics", "Care"),
        "manufacturing": ("Manufacturing", "Industries", "Works", "Plastics", "Steel"),
        "office": ("Consulting", "Properties", "Logistics", "Partners", "Offices"),
    },
}
POSITIONS: dict[str, tuple[str, ...]] = {
    "ru": (
        "Директор магазина", "Главный инженер", "Администратор", "Заведующий отделением",
        "Системный администратор", "Офис-менеджер", "Главный энергетик", "Старший кассир",
        "Руководитель АХО", "Технический директор",
    ),
    "en": (
        "Store manager", "Chief engineer", "Facility manager", "Head of department",
        "IT administrator", "Office manager", "Maintenance lead", "Operations director",
    ),
}  # fmt: skip

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        (
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "-",
            "y",
            "-",
            "e",
            "yu",
            "ya",
        ),  # fmt: skip
        strict=True,
    )
)


def latin(text: str) -> str:
    """Lower-case ASCII letters and digits only: for logins, mail addresses and domains."""
    out = []
    for char in text.lower():
        mapped = _TRANSLIT.get(char, char)
        out.append("" if mapped == "-" else mapped)
    ascii_text = unicodedata.normalize("NFKD", "".join(out)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", ascii_text)


def person_name(rng: random.Random, language: str) -> str:
    if language == "ru":
        if rng.random() < 0.5:
            return f"{rng.choice(RU_MALE)} {rng.choice(RU_LAST)}"
        return f"{rng.choice(RU_FEMALE)} {rng.choice(RU_LAST)}а"
    return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"


def split_name(name: str) -> tuple[str, str]:
    first, _, last = name.partition(" ")
    return first, last


def mailbox(name: str) -> str:
    """ "Ирина Петрова" -> "irina.petrova"."""
    first, last = split_name(name)
    return f"{latin(first)}.{latin(last)}"


def company_name(rng: random.Random, *, language: str, category: str, legal_form: str) -> str:
    if language == "ru":
        return f"{legal_form} «{rng.choice(RU_ROOTS)} {rng.choice(SUFFIXES['ru'][category])}»"
    return f"{rng.choice(EN_ROOTS)} {rng.choice(SUFFIXES['en'][category])} {legal_form}"


def company_core(name: str) -> str:
    """The distinctive part of a company name, for its mail domain."""
    inner = re.search(r"«(.+)»", name)
    if inner:
        return inner.group(1)
    return " ".join(name.split()[:2])


_INN_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)


def inn_check_digit(first_nine: str) -> int:
    return sum(int(d) * w for d, w in zip(first_nine, _INN_WEIGHTS, strict=True)) % 11 % 10


def russian_inn(rng: random.Random) -> str:
    """A 10-digit INN of a Russian legal entity, with a valid check digit."""
    region = rng.choice(("77", "78", "16", "52", "63", "66", "54", "24", "25", "39", "50", "23"))
    body = region + "".join(str(rng.randrange(10)) for _ in range(7))
    return body + str(inn_check_digit(body))


def is_valid_inn(inn: str) -> bool:
    return len(inn) == 10 and inn.isdigit() and inn_check_digit(inn[:9]) == int(inn[9])


def vat_id(rng: random.Random, country: str) -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(9))
    if country == "NL":
        return f"NL{digits}B01"
    if country == "FR":
        return f"FR{rng.randrange(10, 100)}{digits}"
    if country == "GB":
        return f"GB{digits}"
    return f"{country}{digits}"


def phone(rng: random.Random, country_code: str) -> str:
    if country_code == "+7":
        return f"+7 9{rng.randrange(10, 100)} {rng.randrange(100, 1000)}-{rng.randrange(10, 100)}-{rng.randrange(10, 100)}"
    return f"{country_code} {rng.randrange(100, 1000)} {rng.randrange(1000, 10000)} {rng.randrange(100, 1000)}"
