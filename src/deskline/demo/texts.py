"""What clients write and agents answer, in English and Russian, by equipment kind.

Templates use `str.format` fields: {model}, {serial}, {inventory}, {site}, {address}, {code},
{hours}, {floor}, {temp}, {agent}, {contact}, {part}, {fix}; every field is always supplied.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    category: str  # one of catalog.TICKET_CATEGORIES
    urgency: int  # -1 low, 0 normal, 1 high, 2 critical: shifts the priority
    en: tuple[str, str]  # title, description
    ru: tuple[str, str]
    fixes: tuple[tuple[str, str], ...] = ()  # (en, ru) what the engineer did


P = Problem
PROBLEMS: dict[str, tuple[Problem, ...]] = {
    "cash-register": (
        P("Hardware failure", 1,
          ("Fiscal drive is full on cash register {model}",
           "The cash register {model} (S/N {serial}) at {site} shows a fiscal drive overflow and "
           "refuses to print receipts. The queue at the till is growing."),
          ("Переполнен фискальный накопитель на кассе {model}",
           "Касса {model} (зав. № {serial}) на объекте {site} пишет «ФН переполнен», чеки не "
           "печатаются. На кассе очередь, просим срочно заменить ФН."),
          (("replaced the fiscal drive and re-registered the register with the tax service",
            "заменили ФН, перерегистрировали ККТ в ФНС"),)),
        P("Connectivity", 0,
          ("Receipts are not sent to the fiscal data operator for {hours} hours",
           "Cash register {model} (S/N {serial}) has not sent documents to the OFD for {hours} "
           "hours. Internet works at the store."),
          ("Нет связи с ОФД более {hours} часов",
           "Касса {model} (зав. № {serial}) не передаёт документы в ОФД уже {hours} ч. "
           "Интернет в магазине есть, другие кассы работают."),
          (("fixed the OFD server address and port in the register settings",
            "исправили адрес и порт сервера ОФД в настройках ККТ"),)),
        P("Hardware failure", 0,
          ("Receipt printer jams on till {inventory}",
           "The receipt printer of {model} jams every few receipts; paper is torn at the cutter."),
          ("Зажёвывает чековую ленту на кассе {inventory}",
           "Касса {model} зажёвывает чековую ленту через каждые несколько чеков, бумага рвётся "
           "на отрезчике."),
          (("cleaned and adjusted the cutter, replaced the platen roller",
            "почистили и отрегулировали отрезчик, заменили прижимной вал"),)),
        P("Hardware failure", 2,
          ("Cash register {model} does not turn on",
           "The register {model} (S/N {serial}) at {site} does not power on after a power cut. "
           "We sell through one till only."),
          ("Касса {model} не включается",
           "После отключения электричества касса {model} (зав. № {serial}) не включается. "
           "Работаем на одной кассе."),
          (("replaced the power supply unit", "заменили блок питания"),)),
        P("Software", 1,
          ("Card payments fail with error {code}",
           "Card payments on {model} fail with error {code}; cash works. Started this morning."),
          ("Не проходит оплата картой, ошибка {code}",
           "На кассе {model} не проходит оплата банковской картой, ошибка {code}. Наличные "
           "принимаются. Началось с утра."),
          (("updated the payment terminal software and re-ran the reconciliation",
            "обновили ПО платёжного терминала, выполнили сверку итогов"),)),
    ),
    "lift": (
        P("Hardware failure", 2,
          ("Lift stuck between floors at {site}",
           "The lift {model} (S/N {serial}) stopped between floors {floor} and {floor_next}. "
           "Nobody inside, the lift is switched off."),
          ("Лифт застрял между этажами",
           "Лифт {model} (зав. № {serial}) остановился между {floor} и {floor_next} этажами. "
           "Людей в кабине нет, лифт отключён."),
          (("replaced the floor level sensor and tested all stops",
            "заменили датчик точной остановки, проверили все этажи"),)),
        P("Hardware failure", 1,
          ("Lift doors do not close",
           "The doors of lift {model} at {site} reopen again and again; the lift does not move."),
          ("Не закрываются двери лифта",
           "Двери лифта {model} постоянно открываются повторно, лифт не едет."),
          (("adjusted the door operator and cleaned the sill",
            "отрегулировали привод дверей, почистили порог"),)),
        P("Hardware failure", 0,
          ("Noise and vibration in lift {inventory}",
           "Lift {model} makes a grinding noise when moving up, mostly above floor {floor}."),
          ("Посторонний шум и вибрация в лифте {inventory}",
           "Лифт {model} при движении вверх издаёт скрежет, особенно выше {floor} этажа."),
          (("lubricated the guide rails and replaced the guide shoes",
            "смазали направляющие, заменили башмаки кабины"),)),
        P("Preventive maintenance", -1,
          ("Monthly maintenance of lift {model}",
           "Scheduled monthly maintenance of lift {model} (S/N {serial}) at {address}."),
          ("Ежемесячное ТО лифта {model}",
           "Плановое ежемесячное техническое обслуживание лифта {model} (зав. № {serial}) по "
           "адресу {address}."),
          (("performed the monthly maintenance per the checklist",
            "выполнили ежемесячное ТО по чек-листу"),)),
    ),
    "refrigeration": (
        P("Hardware failure", 2,
          ("Temperature in the display cabinet is {temp} °C",
           "The refrigeration unit {model} cannot hold temperature: {temp} °C in the dairy "
           "cabinet, goods are at risk."),
          ("Температура в холодильной витрине {temp} °C",
           "Холодильная установка {model} не держит температуру: в витрине с молочной "
           "продукцией {temp} °C, продукция под угрозой списания."),
          (("topped up the refrigerant and fixed a leak at the flare joint",
            "устранили утечку на вальцовке, дозаправили хладагент"),)),
        P("Hardware failure", 1,
          ("Compressor of {model} does not start",
           "The compressor of unit {model} (S/N {serial}) hums but does not start; alarm {code}."),
          ("Не запускается компрессор {model}",
           "Компрессор установки {model} (зав. № {serial}) гудит, но не запускается, авария {code}."),
          (("replaced the start capacitor and the contactor",
            "заменили пусковой конденсатор и контактор"),)),
        P("Hardware failure", 0,
          ("Ice on the evaporator of freezer {inventory}",
           "Heavy ice build-up on the evaporator; defrost does not seem to run."),
          ("Намерзает лёд на испарителе морозильной камеры {inventory}",
           "Сильное обмерзание испарителя, оттайка, похоже, не включается."),
          (("replaced the defrost heater and checked the controller",
            "заменили ТЭН оттайки, проверили контроллер"),)),
        P("Preventive maintenance", -1,
          ("Quarterly maintenance of refrigeration at {site}",
           "Scheduled maintenance: clean condensers, check pressures and leaks on {model}."),
          ("Квартальное ТО холодильного оборудования",
           "Плановое ТО: чистка конденсаторов, проверка давлений и утечек на {model}."),
          (("performed the quarterly maintenance", "выполнили квартальное ТО"),)),
    ),
    "mri": (
        P("Hardware failure", 2,
          ("MRI helium level dropped to {temp} %",
           "The {model} reports a helium level of {temp} %; the cold head seems to be off."),
          ("Уровень гелия в МРТ упал до {temp} %",
           "Томограф {model} показывает уровень гелия {temp} %, похоже, не работает колд-хед."),
          (("restarted the compressor and replaced the cold head adsorber",
            "перезапустили компрессор, заменили адсорбер колд-хеда"),)),
        P("Hardware failure", 1,
          ("Image artefacts on {model}",
           "Spike artefacts on all sequences since yesterday; studies are being rescheduled."),
          ("Артефакты на изображениях {model}",
           "Со вчерашнего дня на всех последовательностях артефакты, исследования переносим."),
          (("found and fixed an RF shielding leak at the cabin door",
            "нашли и устранили нарушение экранирования двери процедурной"),)),
        P("Software", 0,
          ("Cannot send studies from {model} to PACS",
           "Studies stay in the send queue of the console; PACS answers with error {code}."),
          ("Не отправляются исследования с {model} в PACS",
           "Исследования висят в очереди отправки на консоли, PACS отвечает ошибкой {code}."),
          (("fixed the DICOM node settings (AE title and port)",
            "исправили настройки DICOM-узла (AE title и порт)"),)),
    ),
    "medical": (
        P("Hardware failure", 1,
          ("{model} does not boot",
           "The device {model} (S/N {serial}) in {site} stops at the start screen with error {code}."),
          ("{model} не загружается",
           "Аппарат {model} (зав. № {serial}) зависает на заставке с ошибкой {code}."),
          (("replaced the main board memory card and restored the configuration",
            "заменили карту памяти основной платы, восстановили конфигурацию"),)),
        P("Preventive maintenance", -1,
          ("Calibration due for {model}",
           "Annual calibration and electrical safety test of {model}, inventory {inventory}."),
          ("Плановая калибровка {model}",
           "Ежегодная калибровка и проверка электробезопасности {model}, инв. № {inventory}."),
          (("calibrated the device and issued the test report",
            "выполнили калибровку, выдали протокол испытаний"),)),
        P("Hardware failure", 0,
          ("Battery of {model} lasts less than an hour",
           "The battery of {model} runs down in less than an hour; the device is used on rounds."),
          ("Аккумулятор {model} держит меньше часа",
           "Аккумулятор аппарата {model} разряжается меньше чем за час, аппарат нужен на обходах."),
          (("replaced the battery pack", "заменили аккумуляторную батарею"),)),
        P("Consultation", -1,
          ("How to export measurements from {model}",
           "Please explain how to export measurements from {model} to a USB drive."),
          ("Как выгрузить измерения с {model}",
           "Подскажите, как выгрузить результаты измерений с {model} на флешку."),
          (("sent the step-by-step instructions", "отправили пошаговую инструкцию"),)),
    ),
    "server": (
        P("Hardware failure", 2,
          ("Disk failure in RAID on server {model}",
           "iDRAC/iLO reports a failed disk in the RAID of {model} (S/N {serial}); the array is "
           "degraded."),
          ("Отказ диска в RAID на сервере {model}",
           "Контроллер сообщает об отказе диска в массиве на сервере {model} (зав. № {serial}), "
           "RAID в деградированном состоянии."),
          (("replaced the failed disk, the array rebuilt successfully",
            "заменили диск, массив успешно перестроился"),)),
        P("Connectivity", 2,
          ("Server {inventory} is unreachable",
           "The server {model} at {site} does not answer ping or RDP since {hours}:00."),
          ("Сервер {inventory} недоступен",
           "Сервер {model} на объекте {site} не отвечает на ping и RDP с {hours}:00."),
          (("replaced the failed network card and restored the link",
            "заменили сетевую карту, связь восстановлена"),)),
        P("Software", 0,
          ("Nightly backup failed on {model}",
           "The nightly backup job on {model} failed with error {code}."),
          ("Не выполнилось ночное резервное копирование",
           "Задание резервного копирования на {model} завершилось с ошибкой {code}."),
          (("freed space on the backup storage and re-ran the job",
            "освободили место в хранилище копий, перезапустили задание"),)),
        P("Access and accounts", -1,
          ("Create accounts for two new employees",
           "Please create domain accounts and mailboxes for two new employees at {site}."),
          ("Создать учётные записи для новых сотрудников",
           "Просим создать доменные учётные записи и почтовые ящики для двух новых сотрудников."),
          (("created the accounts and sent the credentials to the manager",
            "создали учётные записи, передали данные руководителю"),)),
    ),
    "printer": (
        P("Hardware failure", 0,
          ("Paper jam on printer {model}",
           "The printer {model} (inv. {inventory}) jams on every page, error {code}."),
          ("Замятие бумаги в принтере {model}",
           "Принтер {model} (инв. № {inventory}) зажёвывает каждый лист, ошибка {code}."),
          (("replaced the pickup roller and the separation pad",
            "заменили ролик захвата и тормозную площадку"),)),
        P("Hardware failure", -1,
          ("Pale prints and streaks on {model}",
           "Prints from {model} are pale with vertical streaks; the toner was replaced last week."),
          ("Бледная печать и полосы на {model}",
           "Принтер {model} печатает бледно, с вертикальными полосами, картридж меняли на "
           "прошлой неделе."),
          (("replaced the drum unit", "заменили фотобарабан"),)),
        P("Connectivity", 0,
          ("Printer {model} is offline",
           "Nobody can print to {model} at {site}; it shows offline on all computers."),
          ("Принтер {model} не в сети",
           "Никто не может печатать на {model}, на всех компьютерах он «не в сети»."),
          (("set a static IP address and re-added the printer on the print server",
            "назначили статический IP, переподключили принтер на сервере печати"),)),
        P("Software", -1,
          ("Scan to email does not work on {model}",
           "Scanning to email from {model} fails with an SMTP error {code}."),
          ("Не работает сканирование в почту на {model}",
           "Сканирование в почту с {model} завершается ошибкой SMTP {code}."),
          (("updated the SMTP settings and the password", "обновили настройки SMTP и пароль"),)),
    ),
    "hvac": (
        P("Hardware failure", 1,
          ("Air conditioning does not cool at {site}",
           "The {model} system does not cool: {temp} °C in the office, error {code} on the "
           "remote."),
          ("Кондиционер не охлаждает",
           "Система {model} не холодит: в помещении {temp} °C, на пульте ошибка {code}."),
          (("found a refrigerant leak, soldered it and charged the system",
            "нашли и запаяли утечку фреона, заправили систему"),)),
        P("Hardware failure", 0,
          ("Water leaking from indoor unit {inventory}",
           "Water drips from the indoor unit of {model} onto the desks."),
          ("Течёт вода из внутреннего блока {inventory}",
           "Из внутреннего блока {model} капает вода на рабочие места."),
          (("cleaned the drain pan and the drain line", "прочистили дренажный поддон и трассу"),)),
        P("Hardware failure", 0,
          ("Loud noise from the outdoor unit of {model}",
           "The outdoor unit rattles loudly at start-up; neighbours complain."),
          ("Сильный шум от наружного блока {model}",
           "Наружный блок сильно гремит при запуске, жалуются соседи."),
          (("replaced the fan motor mounts", "заменили крепления двигателя вентилятора"),)),
        P("Preventive maintenance", -1,
          ("Seasonal maintenance of {model}",
           "Seasonal maintenance: filters, heat exchangers, pressures of {model} (S/N {serial})."),
          ("Сезонное ТО системы {model}",
           "Сезонное обслуживание: фильтры, теплообменники, давление в контуре {model} "
           "(зав. № {serial})."),
          (("performed the seasonal maintenance, replaced the filters",
            "выполнили сезонное ТО, заменили фильтры"),)),
    ),
    "": (
        P("Access and accounts", -1,
          ("Access to the client portal for a new employee",
           "Please give portal access to our new colleague at {site}."),
          ("Доступ к порталу для нового сотрудника",
           "Просим предоставить доступ к порталу заявок новому сотруднику."),
          (("created the portal login", "создали доступ к порталу"),)),
        P("Consultation", -1,
          ("Question about the service contract",
           "Which works are included in our contract for {site}, and how many hours are left?"),
          ("Вопрос по договору обслуживания",
           "Какие работы входят в договор по объекту {site} и сколько часов осталось?"),
          (("sent the contract terms and the hours report",
            "отправили условия договора и отчёт по часам"),)),
        P("Consultation", -1,
          ("Copy of the completion certificate for last month",
           "Please send a copy of last month's completion certificate for {site}."),
          ("Копия акта выполненных работ за прошлый месяц",
           "Пришлите, пожалуйста, копию акта выполненных работ за прошлый месяц."),
          (("sent the signed certificate", "отправили подписанный акт"),)),
    ),
}  # fmt: skip

GREETINGS: dict[str, tuple[str, ...]] = {
    "en": ("Hello,", "Hi team,", "Good morning,", ""),
    "ru": ("Добрый день!", "Здравствуйте!", ""),
}
SIGN_OFFS: dict[str, tuple[str, ...]] = {
    "en": ("Regards, {contact}", "Thanks, {contact}", "{contact}\n{site}"),
    "ru": ("С уважением, {contact}", "Спасибо, {contact}", "{contact}, {site}"),
}
PARTS: dict[str, tuple[str, ...]] = {
    "en": ("pickup roller", "power supply", "door sensor", "fan motor", "controller board", "hard disk"),
    "ru": ("ролик захвата", "блок питания", "датчик двери", "двигатель вентилятора", "плата контроллера",
           "жёсткий диск"),
}  # fmt: skip

REPLIES: dict[str, dict[str, tuple[str, ...]]] = {
    # The first public answer: the reaction.
    "first": {
        "en": (
            "Hello! We have received your request; {agent} will handle it.",
            "Thank you for the report. An engineer will be on site at {site} today.",
            "Hello, we are looking into it. Could you send a photo of the error screen?",
        ),
        "ru": (
            "Добрый день! Заявка принята в работу, исполнитель — {agent}.",
            "Спасибо за обращение. Инженер выедет на объект {site} сегодня.",
            "Здравствуйте! Разбираемся. Пришлите, пожалуйста, фото экрана с ошибкой.",
        ),
    },
    "agent": {
        "en": (
            "The engineer is on site; the diagnosis is in progress.",
            "We have ordered a spare part ({part}); delivery takes two days.",
            "Please restart the device and tell us if error {code} is still shown.",
        ),
        "ru": (
            "Инженер на объекте, проводим диагностику.",
            "Заказали запчасть ({part}), поставка — два дня.",
            "Перезагрузите, пожалуйста, устройство и сообщите, осталась ли ошибка {code}.",
        ),
    },
    "note": {
        "en": (
            "Called the client, nobody answered. Will try again after lunch.",
            "Need a {part}: reserved one at the central warehouse.",
            "Escalating to the 2nd line: the fault looks like the controller.",
            "Same fault as last month at this site; check the warranty.",
        ),
        "ru": (
            "Звонил клиенту, не дозвонился. Перезвоню после обеда.",
            "Нужна запчасть ({part}), зарезервировал на центральном складе.",
            "Передаю на 2-ю линию: похоже на неисправность контроллера.",
            "Такая же неисправность на этом объекте была в прошлом месяце, проверить гарантию.",
        ),
    },
    "client": {
        "en": (
            "Thank you, we are waiting for the engineer.",
            "The problem happened again this morning.",
            "Photo attached; the error is still there.",
            "Any news? The device is still not working.",
        ),
        "ru": (
            "Спасибо, ждём инженера.",
            "Сегодня утром проблема повторилась.",
            "Фото во вложении, ошибка сохраняется.",
            "Есть новости? Оборудование по-прежнему не работает.",
        ),
    },
    "waiting": {
        "en": (
            "Could you tell us when the site is accessible for the engineer?",
            "Please confirm the serial number on the label; we need it to order the part.",
        ),
        "ru": (
            "Подскажите, когда объект будет доступен для выезда инженера?",
            "Подтвердите, пожалуйста, заводской номер с шильдика — он нужен для заказа запчасти.",
        ),
    },
    # The same, for requests, maintenance and questions rather than faults.
    "first_request": {
        "en": (
            "Hello! We have received your request; {agent} will take care of it.",
            "Thank you, noted. We will confirm the date with you today.",
        ),
        "ru": (
            "Добрый день! Заявка принята, исполнитель — {agent}.",
            "Спасибо, приняли в работу. Сегодня согласуем с вами дату.",
        ),
    },
    "agent_request": {
        "en": ("The work is scheduled for tomorrow morning.", "We are preparing the documents."),
        "ru": ("Работы запланированы на завтра на утро.", "Готовим документы."),
    },
    "client_request": {
        "en": ("Thank you!", "Could it be done before Friday?"),
        "ru": ("Спасибо!", "Можно ли сделать до пятницы?"),
    },
    "confirm": {
        "en": ("Thank you, it works now.", "Confirmed, all good. Thanks!"),
        "ru": ("Спасибо, всё работает.", "Подтверждаем, работает. Спасибо!"),
    },
    "resolved": {
        "en": ("Done: we {fix}. Please check and confirm.", "The issue is fixed: we {fix}."),
        "ru": (
            "Работы выполнены: {fix}. Проверьте, пожалуйста.",
            "Неисправность устранена: {fix}.",
        ),
    },
}
GENERIC_FIX = ("diagnosed and fixed the fault", "провели диагностику и устранили неисправность")
