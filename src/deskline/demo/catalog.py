"""Static facts the demo draws from: cities, company categories, equipment kinds and models."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    name: str  # in the local language
    country: str  # ISO 3166 code
    latitude: float
    longitude: float
    time_zone: str
    postcode: str  # a postcode prefix, completed with random digits
    streets: tuple[str, ...]


@dataclass(frozen=True)
class Country:
    language: str  # "ru" or "en": the language the client writes in
    phone_code: str
    address: str  # format with {street}, {house}, {postcode}, {city}
    legal_forms: tuple[str, ...]
    tld: str


COUNTRIES: dict[str, Country] = {
    "RU": Country(
        "ru", "+7", "{postcode}, г. {city}, {street}, д. {house}", ("ООО", "АО", "ПАО"), "ru"
    ),
    "DE": Country("en", "+49", "{street} {house}, {postcode} {city}", ("GmbH", "AG"), "de"),
    "AT": Country("en", "+43", "{street} {house}, {postcode} {city}", ("GmbH",), "at"),
    "FR": Country("en", "+33", "{house} {street}, {postcode} {city}", ("SAS", "SA"), "fr"),
    "NL": Country("en", "+31", "{street} {house}, {postcode} {city}", ("B.V.",), "nl"),
    "PL": Country("en", "+48", "{street} {house}, {postcode} {city}", ("Sp. z o.o.",), "pl"),
    "CZ": Country("en", "+420", "{street} {house}, {postcode} {city}", ("s.r.o.",), "cz"),
    "FI": Country("en", "+358", "{street} {house}, {postcode} {city}", ("Oy",), "fi"),
    "ES": Country("en", "+34", "{street}, {house}, {postcode} {city}", ("S.L.",), "es"),
    "IT": Country("en", "+39", "{street} {house}, {postcode} {city}", ("S.r.l.",), "it"),
    "GB": Country("en", "+44", "{house} {street}, {city} {postcode}", ("Ltd",), "co.uk"),
    "LV": Country("en", "+371", "{street} {house}, {city}, LV-{postcode}", ("SIA",), "lv"),
    "SE": Country("en", "+46", "{street} {house}, {postcode} {city}", ("AB",), "se"),
}

CITIES: tuple[City, ...] = (
    City("Москва", "RU", 55.7558, 37.6173, "Europe/Moscow", "12", (
        "ул. Тверская", "Ленинградский пр-т", "Профсоюзная ул.", "Варшавское ш.", "ул. Новый Арбат",
        "Кутузовский пр-т", "ул. Большая Ордынка", "Каширское ш.",
    )),
    City("Санкт-Петербург", "RU", 59.9343, 30.3351, "Europe/Moscow", "19", (
        "Невский пр-т", "Московский пр-т", "ул. Садовая", "Лиговский пр-т", "Каменноостровский пр-т",
    )),
    City("Калининград", "RU", 54.7104, 20.4522, "Europe/Kaliningrad", "236", (
        "Ленинский пр-т", "ул. Черняховского", "Московский пр-т",
    )),
    City("Казань", "RU", 55.7961, 49.1064, "Europe/Moscow", "420", (
        "ул. Баумана", "пр-т Победы", "ул. Пушкина", "ул. Чистопольская",
    )),
    City("Нижний Новгород", "RU", 56.2965, 43.9361, "Europe/Moscow", "603", (
        "ул. Большая Покровская", "пр-т Гагарина", "ул. Родионова",
    )),
    City("Самара", "RU", 53.1959, 50.1002, "Europe/Samara", "443", (
        "Московское ш.", "ул. Куйбышева", "ул. Ново-Садовая",
    )),
    City("Волгоград", "RU", 48.7080, 44.5133, "Europe/Volgograd", "400", (
        "пр-т Ленина", "ул. Рабоче-Крестьянская", "ул. Козловская",
    )),
    City("Ростов-на-Дону", "RU", 47.2357, 39.7015, "Europe/Moscow", "344", (
        "ул. Большая Садовая", "пр-т Будённовский", "ул. Текучёва",
    )),
    City("Краснодар", "RU", 45.0355, 38.9753, "Europe/Moscow", "350", (
        "ул. Красная", "ул. Северная", "ул. Ставропольская",
    )),
    City("Екатеринбург", "RU", 56.8389, 60.6057, "Asia/Yekaterinburg", "620", (
        "ул. Малышева", "пр-т Ленина", "ул. 8 Марта", "ул. Вайнера",
    )),
    City("Пермь", "RU", 58.0105, 56.2502, "Asia/Yekaterinburg", "614", (
        "Комсомольский пр-т", "ул. Ленина", "ул. Куйбышева",
    )),
    City("Уфа", "RU", 54.7388, 55.9721, "Asia/Yekaterinburg", "450", (
        "пр-т Октября", "ул. Ленина", "ул. Менделеева",
    )),
    City("Челябинск", "RU", 55.1644, 61.4368, "Asia/Yekaterinburg", "454", (
        "пр-т Ленина", "ул. Кирова", "Свердловский пр-т",
    )),
    City("Омск", "RU", 54.9885, 73.3242, "Asia/Omsk", "644", ("ул. Ленина", "пр-т Мира", "ул. 10 лет Октября")),
    City("Новосибирск", "RU", 55.0084, 82.9357, "Asia/Novosibirsk", "630", (
        "Красный пр-т", "ул. Фрунзе", "ул. Кирова", "Советская ул.",
    )),
    City("Красноярск", "RU", 56.0153, 92.8932, "Asia/Krasnoyarsk", "660", (
        "пр-т Мира", "ул. Карла Маркса", "ул. Взлётная",
    )),
    City("Иркутск", "RU", 52.2870, 104.3050, "Asia/Irkutsk", "664", ("ул. Карла Маркса", "ул. Ленина", "ул. Байкальская")),
    City("Хабаровск", "RU", 48.4827, 135.0838, "Asia/Vladivostok", "680", ("ул. Муравьёва-Амурского", "ул. Карла Маркса")),
    City("Владивосток", "RU", 43.1155, 131.8855, "Asia/Vladivostok", "690", ("Океанский пр-т", "ул. Светланская", "ул. Алеутская")),
    City("Berlin", "DE", 52.5200, 13.4050, "Europe/Berlin", "10", (
        "Friedrichstraße", "Kurfürstendamm", "Karl-Marx-Allee", "Potsdamer Straße", "Torstraße",
    )),
    City("München", "DE", 48.1351, 11.5820, "Europe/Berlin", "80", ("Leopoldstraße", "Sonnenstraße", "Landsberger Straße")),
    City("Hamburg", "DE", 53.5511, 9.9937, "Europe/Berlin", "20", ("Mönckebergstraße", "Jungfernstieg", "Eppendorfer Weg")),
    City("Wien", "AT", 48.2082, 16.3738, "Europe/Vienna", "10", ("Mariahilfer Straße", "Kärntner Straße", "Landstraßer Hauptstraße")),
    City("Paris", "FR", 48.8566, 2.3522, "Europe/Paris", "750", ("rue de Rivoli", "boulevard Haussmann", "avenue de la République")),
    City("Lyon", "FR", 45.7640, 4.8357, "Europe/Paris", "690", ("rue de la République", "cours Lafayette", "quai Perrache")),
    City("Amsterdam", "NL", 52.3676, 4.9041, "Europe/Amsterdam", "10", ("Damrak", "Kalverstraat", "Overtoom", "Ferdinand Bolstraat")),
    City("Rotterdam", "NL", 51.9244, 4.4777, "Europe/Amsterdam", "30", ("Coolsingel", "Weena", "Witte de Withstraat")),
    City("Warszawa", "PL", 52.2297, 21.0122, "Europe/Warsaw", "00", ("ul. Marszałkowska", "Aleje Jerozolimskie", "ul. Puławska")),
    City("Kraków", "PL", 50.0647, 19.9450, "Europe/Warsaw", "31", ("ul. Floriańska", "ul. Długa", "ul. Wielicka")),
    City("Praha", "CZ", 50.0755, 14.4378, "Europe/Prague", "110", ("Václavské náměstí", "Vinohradská", "Národní")),
    City("Helsinki", "FI", 60.1699, 24.9384, "Europe/Helsinki", "001", ("Mannerheimintie", "Aleksanterinkatu", "Hämeentie")),
    City("Madrid", "ES", 40.4168, -3.7038, "Europe/Madrid", "280", ("Calle de Alcalá", "Gran Vía", "Paseo de la Castellana")),
    City("Barcelona", "ES", 41.3874, 2.1686, "Europe/Madrid", "080", ("Passeig de Gràcia", "Carrer de Balmes", "Avinguda Diagonal")),
    City("Milano", "IT", 45.4642, 9.1900, "Europe/Rome", "201", ("Corso Buenos Aires", "Via Torino", "Viale Monza")),
    City("London", "GB", 51.5074, -0.1278, "Europe/London", "EC1", ("Oxford Street", "Old Street", "Borough High Street")),
    City("Manchester", "GB", 53.4808, -2.2426, "Europe/London", "M1", ("Deansgate", "Oxford Road", "Market Street")),
    City("Rīga", "LV", 56.9496, 24.1052, "Europe/Riga", "10", ("Brīvības iela", "Elizabetes iela", "Krišjāņa Barona iela")),
    City("Stockholm", "SE", 59.3293, 18.0686, "Europe/Stockholm", "111", ("Drottninggatan", "Sveavägen", "Götgatan")),
)  # fmt: skip

#: Most clients are Russian; the rest spread over Europe.
RUSSIAN_SHARE = 0.7


@dataclass(frozen=True)
class CompanyCategorySpec:
    code: str
    name: str
    share: float  # of companies
    sites: tuple[int, int]  # min, max sites per company
    kinds: dict[str, int]  # equipment kind code -> weight


COMPANY_CATEGORIES: tuple[CompanyCategorySpec, ...] = (
    CompanyCategorySpec("vip", "VIP", 0.08, (2, 8), {
        "server": 4, "printer": 4, "hvac": 3, "lift": 2, "cash-register": 2, "refrigeration": 1,
    }),
    CompanyCategorySpec("retail", "Retail", 0.34, (2, 10), {
        "cash-register": 8, "refrigeration": 5, "printer": 1, "hvac": 2, "server": 1,
    }),
    CompanyCategorySpec("healthcare", "Healthcare", 0.16, (1, 5), {
        "medical": 7, "mri": 1, "printer": 2, "server": 1, "hvac": 1, "lift": 1,
    }),
    CompanyCategorySpec("manufacturing", "Manufacturing", 0.17, (1, 4), {
        "hvac": 4, "server": 2, "printer": 2, "refrigeration": 2, "lift": 2,
    }),
    CompanyCategorySpec("office", "Office", 0.25, (1, 3), {
        "printer": 6, "server": 3, "hvac": 3, "lift": 2,
    }),
)  # fmt: skip


@dataclass(frozen=True)
class ParamSpec:
    code: str
    name: str
    type: str  # "string", "number" or "select"
    values: tuple[str | int | float, ...]

    def definition(self) -> dict[str, object]:
        out: dict[str, object] = {"code": self.code, "name": self.name, "type": self.type}
        if self.type == "select":
            out["choices"] = [str(v) for v in self.values]
        return out

    def pick(self, rng: random.Random) -> str | int | float:
        """A value an item of this kind may hold: a select holds one of its choices (strings)."""
        value = rng.choice(self.values)
        return str(value) if self.type in ("select", "string") else value


@dataclass(frozen=True)
class KindSpec:
    code: str
    name: str
    name_ru: str
    models: tuple[tuple[str, str, str], ...]  # manufacturer, model, serial prefix
    parameters: tuple[ParamSpec, ...]
    per_site: tuple[int, int]  # min, max items at a site that has this kind


EQUIPMENT_KINDS: dict[str, KindSpec] = {
    k.code: k
    for k in (
        KindSpec("cash-register", "Cash register", "Кассовый аппарат (ККТ)", (
            ("АТОЛ", "АТОЛ 30Ф", "0010"), ("АТОЛ", "АТОЛ Sigma 10", "0014"),
            ("Штрих-М", "Штрих-М-01Ф", "0020"), ("Эвотор", "Эвотор 7.3", "0039"),
            ("Epson", "TM-T20III", "X5Q"),
        ), (
            ParamSpec("fn_term", "Fiscal drive term, months", "select", (15, 36)),
            ParamSpec("firmware", "Firmware", "string", ("5.8.16", "5.9.2", "3.0.8012", "1.4.12")),
            ParamSpec("ofd", "Fiscal data operator", "select", ("Такском", "Первый ОФД", "Платформа ОФД")),
        ), (2, 6)),
        KindSpec("lift", "Lift", "Лифт", (
            ("Otis", "Gen2", "OT"), ("KONE", "MonoSpace 500", "KN"),
            ("Schindler", "3300", "SC"), ("Могилёвлифтмаш", "ПП-0411", "MLM"),
        ), (
            ParamSpec("capacity_kg", "Capacity, kg", "select", (400, 630, 1000, 1275)),
            ParamSpec("floors", "Floors served", "number", (5, 9, 12, 16, 25)),
            ParamSpec("speed_ms", "Speed, m/s", "select", (1.0, 1.6, 2.5)),
        ), (1, 4)),
        KindSpec("refrigeration", "Refrigeration unit", "Холодильная установка", (
            ("Danfoss", "Optyma OP-MPXM", "DF"), ("Bitzer", "LH84E/4FES-5Y", "BZ"),
            ("Carrier", "Linde ECO2", "CR"), ("Ариада", "ВВУ-1,5", "AR"),
        ), (
            ParamSpec("refrigerant", "Refrigerant", "select", ("R404A", "R134a", "R290", "R744")),
            ParamSpec("capacity_kw", "Cooling capacity, kW", "number", (3.5, 7.2, 12.0, 25.0, 48.0)),
            ParamSpec("setpoint_c", "Set point, °C", "number", (-18, -2, 2, 4)),
        ), (1, 5)),
        KindSpec("mri", "MRI scanner", "МРТ-томограф", (
            ("Siemens Healthineers", "MAGNETOM Aera", "SH"), ("GE HealthCare", "SIGNA Explorer", "GE"),
            ("Philips", "Ingenia Ambition", "PH"),
        ), (
            ParamSpec("field_t", "Field strength, T", "select", (1.5, 3.0)),
            ParamSpec("helium_pct", "Helium level, %", "number", (71, 78, 85, 92)),
        ), (1, 1)),
        KindSpec("medical", "Medical device", "Медицинское оборудование", (
            ("Philips", "IntelliVue MX450", "PM"), ("Mindray", "BeneHeart D6", "MR"),
            ("GE HealthCare", "Vivid T8", "GV"), ("Dräger", "Evita V300", "DR"),
            ("Медтехника", "Аксион ЭК1Т-1/3-07", "AX"),
        ), (
            ParamSpec("risk_class", "Risk class", "select", ("IIa", "IIb", "III")),
            ParamSpec("calibration", "Next calibration", "string", ("2025-03", "2025-09", "2026-02")),
        ), (2, 8)),
        KindSpec("server", "Server", "Сервер", (
            ("Dell", "PowerEdge R750", "DL"), ("HPE", "ProLiant DL380 Gen10", "HP"),
            ("Lenovo", "ThinkSystem SR650", "LN"), ("YADRO", "VEGMAN R220", "YD"),
        ), (
            ParamSpec("cpu", "CPU", "string", ("2 × Xeon Silver 4314", "2 × Xeon Gold 6338", "1 × Xeon E-2388G")),
            ParamSpec("ram_gb", "RAM, GB", "select", (64, 128, 256, 512)),
            ParamSpec("os", "Operating system", "select", ("Debian 12", "Astra Linux 1.7", "Windows Server 2022", "VMware ESXi 8")),
        ), (1, 3)),
        KindSpec("printer", "Printer / MFP", "Принтер / МФУ", (
            ("HP", "LaserJet Pro M404dn", "PH"), ("Kyocera", "ECOSYS M2540dn", "KY"),
            ("Canon", "i-SENSYS MF445dw", "CN"), ("Xerox", "VersaLink B405", "XR"),
        ), (
            ParamSpec("page_count", "Page counter", "number", (12840, 48211, 96544, 150327)),
            ParamSpec("ip", "IP address", "string", ("10.0.1.21", "10.0.1.35", "192.168.0.50", "192.168.10.12")),
        ), (1, 6)),
        KindSpec("hvac", "HVAC unit", "Система кондиционирования (HVAC)", (
            ("Daikin", "VRV IV RXYQ10T", "DK"), ("Mitsubishi Electric", "City Multi PUHY-P250", "ME"),
            ("Systemair", "Topvex TR09", "SY"), ("Haier", "MRV 5-RC", "HR"),
        ), (
            ParamSpec("cooling_kw", "Cooling capacity, kW", "number", (7.1, 14.0, 28.0, 56.0)),
            ParamSpec("refrigerant", "Refrigerant", "select", ("R410A", "R32")),
        ), (1, 3)),
    )
}  # fmt: skip

#: Ticket categories (the "what kind of problem" axis, apart from the equipment kind).
TICKET_CATEGORIES: tuple[str, ...] = (
    "Hardware failure",
    "Software",
    "Connectivity",
    "Preventive maintenance",
    "Consultation",
    "Access and accounts",
)
