"""The templates seeded by the data migration (English and Russian); also the last fallback."""

from __future__ import annotations

_SIGN_EN = "\n\n--\n{{ site_name }}\n"
_SIGN_RU = "\n\n--\n{{ site_name }}\n"

DEFAULT_TEMPLATES: dict[tuple[str, str], tuple[str, str]] = {
    ("ticket_created", "en"): (
        "[#{{ ticket.number }}] {{ ticket.title }}",
        "Hello {{ contact_name|default:'there' }},\n\nWe have received your request and opened "
        "ticket #{{ ticket.number }}: {{ ticket.title }}.\n"
        "{% if reaction_due %}We will respond by {{ reaction_due }}.\n{% endif %}"
        "{% if resolution_due %}We aim to resolve it by {{ resolution_due }}.\n{% endif %}"
        "{% if suggested_articles %}\nWhile you wait, these articles may help:\n"
        "{% for title, url in suggested_articles %}- {{ title }}: {{ url }}\n{% endfor %}{% endif %}"
        "\nReply to this message to add to the ticket, or follow it here: {{ ticket_url }}"
        + _SIGN_EN,
    ),
    ("ticket_created", "ru"): (
        "[#{{ ticket.number }}] {{ ticket.title }}",
        "Здравствуйте{% if contact_name %}, {{ contact_name }}{% endif %}!\n\n"
        "Мы получили ваше обращение и зарегистрировали заявку №{{ ticket.number }}: "
        "{{ ticket.title }}.\n"
        "{% if reaction_due %}Мы ответим до {{ reaction_due }}.\n{% endif %}"
        "{% if resolution_due %}Плановый срок решения: {{ resolution_due }}.\n{% endif %}"
        "{% if suggested_articles %}\nПока вы ждёте, возможно, помогут эти статьи:\n"
        "{% for title, url in suggested_articles %}- {{ title }}: {{ url }}\n{% endfor %}{% endif %}"
        "\nОтветьте на это письмо, чтобы дополнить заявку, или следите за ней здесь: "
        "{{ ticket_url }}" + _SIGN_RU,
    ),
    ("agent_replied", "en"): (
        "Re: [#{{ ticket.number }}] {{ ticket.title }}",
        "{{ comment_text }}\n\n{{ author_name }}, ticket #{{ ticket.number }}: {{ ticket_url }}"
        + _SIGN_EN,
    ),
    ("agent_replied", "ru"): (
        "Re: [#{{ ticket.number }}] {{ ticket.title }}",
        "{{ comment_text }}\n\n{{ author_name }}, заявка №{{ ticket.number }}: {{ ticket_url }}"
        + _SIGN_RU,
    ),
    ("client_replied", "en"): (
        "Re: [#{{ ticket.number }}] {{ ticket.title }}",
        "{{ author_name }} replied on ticket #{{ ticket.number }}:\n\n{{ comment_text }}\n\n"
        "{{ desk_url }}" + _SIGN_EN,
    ),
    ("client_replied", "ru"): (
        "Re: [#{{ ticket.number }}] {{ ticket.title }}",
        "{{ author_name }} ответил(а) по заявке №{{ ticket.number }}:\n\n{{ comment_text }}\n\n"
        "{{ desk_url }}" + _SIGN_RU,
    ),
    ("status_changed", "en"): (
        "[#{{ ticket.number }}] Status: {{ status_name }}",
        "Hello {{ contact_name|default:'there' }},\n\nTicket #{{ ticket.number }} "
        "({{ ticket.title }}) is now: {{ status_name }}.\n\n{{ ticket_url }}" + _SIGN_EN,
    ),
    ("status_changed", "ru"): (
        "[#{{ ticket.number }}] Статус: {{ status_name }}",
        "Здравствуйте{% if contact_name %}, {{ contact_name }}{% endif %}!\n\n"
        "Статус заявки №{{ ticket.number }} ({{ ticket.title }}): {{ status_name }}.\n\n"
        "{{ ticket_url }}" + _SIGN_RU,
    ),
    ("ticket_resolved", "en"): (
        "[#{{ ticket.number }}] Resolved: {{ ticket.title }}",
        "Hello {{ contact_name|default:'there' }},\n\nTicket #{{ ticket.number }} "
        "({{ ticket.title }}) is resolved.{% if survey_urls %} {{ survey_question }} "
        "One click answers (1 = not at all, 5 = fully):\n"
        "{% for score, url in survey_urls %}{{ score }}: {{ url }}\n{% endfor %}"
        "Or in the portal: {{ rate_url }}{% else %} Rate it in the portal: {{ rate_url }}"
        "{% endif %}\n\n"
        "If the problem is still there, reply to this message." + _SIGN_EN,
    ),
    ("ticket_resolved", "ru"): (
        "[#{{ ticket.number }}] Решена: {{ ticket.title }}",
        "Здравствуйте{% if contact_name %}, {{ contact_name }}{% endif %}!\n\n"
        "Заявка №{{ ticket.number }} ({{ ticket.title }}) решена.{% if survey_urls %} "
        "{{ survey_question }} Ответ в один клик (1 — совсем нет, 5 — полностью):\n"
        "{% for score, url in survey_urls %}{{ score }}: {{ url }}\n{% endfor %}"
        "Или на портале: {{ rate_url }}{% else %} Оцените на портале: {{ rate_url }}"
        "{% endif %}\n\nЕсли проблема осталась, ответьте на это письмо." + _SIGN_RU,
    ),
    ("nps_survey", "en"): (
        "{{ nps_question }}",
        "Hello {{ contact_name|default:'there' }},\n\n{{ nps_question }} "
        "One click answers (0 = not at all likely, 10 = extremely likely):\n"
        "{% for score, url in nps_urls %}{{ score }}: {{ url }}\n{% endfor %}" + _SIGN_EN,
    ),
    ("nps_survey", "ru"): (
        "{{ nps_question }}",
        "Здравствуйте{% if contact_name %}, {{ contact_name }}{% endif %}!\n\n{{ nps_question }} "
        "Ответ в один клик (0 — точно нет, 10 — обязательно):\n"
        "{% for score, url in nps_urls %}{{ score }}: {{ url }}\n{% endfor %}" + _SIGN_RU,
    ),
    ("engineer_en_route", "en"): (
        "[#{{ ticket.number }}] The engineer is on the way",
        "Hello {{ contact_name|default:'there' }},\n\n{{ engineer }} is on the way to "
        "{{ site }} for ticket #{{ ticket.number }} ({{ ticket.title }}).\n\n{{ ticket_url }}"
        + _SIGN_EN,
    ),
    ("engineer_en_route", "ru"): (
        "[#{{ ticket.number }}] Инженер выехал",
        "Здравствуйте{% if contact_name %}, {{ contact_name }}{% endif %}!\n\n{{ engineer }} "
        "выехал на объект {{ site }} по заявке №{{ ticket.number }} ({{ ticket.title }}).\n\n"
        "{{ ticket_url }}" + _SIGN_RU,
    ),
    ("visit_done", "en"): (
        "[#{{ ticket.number }}] Visit done: please confirm",
        "Hello {{ contact_name|default:'there' }},\n\nThe visit to {{ site }} for ticket "
        "#{{ ticket.number }} ({{ ticket.title }}) is done.{% if materials %}\n\nMaterials "
        "used: {{ materials }}{% endif %}\n\nPlease check the work and tell us if anything is "
        "wrong: {{ ticket_url }}" + _SIGN_EN,
    ),
    ("visit_done", "ru"): (
        "[#{{ ticket.number }}] Выезд выполнен: подтвердите, пожалуйста",
        "Здравствуйте{% if contact_name %}, {{ contact_name }}{% endif %}!\n\nВыезд на объект "
        "{{ site }} по заявке №{{ ticket.number }} ({{ ticket.title }}) выполнен.{% if materials "
        "%}\n\nИспользованные материалы: {{ materials }}{% endif %}\n\nПожалуйста, проверьте "
        "работу и сообщите, если что-то не так: {{ ticket_url }}" + _SIGN_RU,
    ),
    ("poor_score", "en"): (
        "[#{{ ticket.number }}] Poor score {{ score }}/5: {{ ticket.title }}",
        "The client {{ contact_name }} rated ticket #{{ ticket.number }} ({{ ticket.title }}) "
        "{{ score }} of 5.{% if comment %}\n\nTheir comment: {{ comment }}{% endif %}\n\n"
        "Please call them back: {{ desk_url }}" + _SIGN_EN,
    ),
    ("poor_score", "ru"): (
        "[#{{ ticket.number }}] Низкая оценка {{ score }}/5: {{ ticket.title }}",
        "Клиент {{ contact_name }} оценил заявку №{{ ticket.number }} ({{ ticket.title }}) "
        "на {{ score }} из 5.{% if comment %}\n\nКомментарий: {{ comment }}{% endif %}\n\n"
        "Пожалуйста, перезвоните клиенту: {{ desk_url }}" + _SIGN_RU,
    ),
    ("ticket_assigned", "en"): (
        "[#{{ ticket.number }}] Assigned to you: {{ ticket.title }}",
        "Ticket #{{ ticket.number }} ({{ ticket.title }}) was assigned to you.\n"
        "{% if resolution_due %}Resolution due: {{ resolution_due }}.\n{% endif %}"
        "\n{{ desk_url }}" + _SIGN_EN,
    ),
    ("ticket_assigned", "ru"): (
        "[#{{ ticket.number }}] Вам назначена заявка: {{ ticket.title }}",
        "Вам назначена заявка №{{ ticket.number }} ({{ ticket.title }}).\n"
        "{% if resolution_due %}Срок решения: {{ resolution_due }}.\n{% endif %}"
        "\n{{ desk_url }}" + _SIGN_RU,
    ),
    ("sla_warning", "en"): (
        "[#{{ ticket.number }}] SLA warning: {{ warning }}",
        "Ticket #{{ ticket.number }} ({{ ticket.title }}): the {{ warning }} deadline "
        "{{ due|default:'' }} is near{% if minutes_left is not None %} "
        "({{ minutes_left }} minutes left){% endif %}.\n"
        "{% if staffing %}The team is short of agents: {{ staffing }}.\n{% endif %}"
        "\n{{ desk_url }}" + _SIGN_EN,
    ),
    ("sla_warning", "ru"): (
        "[#{{ ticket.number }}] Предупреждение SLA: {{ warning }}",
        "Заявка №{{ ticket.number }} ({{ ticket.title }}): приближается срок ({{ warning }}) "
        "{{ due|default:'' }}{% if minutes_left is not None %}, осталось {{ minutes_left }} мин."
        "{% endif %}\n"
        "{% if staffing %}В команде не хватает людей: {{ staffing }}.\n{% endif %}"
        "\n{{ desk_url }}" + _SIGN_RU,
    ),
    ("sender_refused", "en"): (
        "Re: {{ subject }}",
        "Hello,\n\nThis address accepts requests only from registered clients, so your message "
        "was not registered. Please contact us to be added, or use the client portal: "
        "{{ portal_url }}" + _SIGN_EN,
    ),
    ("sender_refused", "ru"): (
        "Re: {{ subject }}",
        "Здравствуйте!\n\nЭтот адрес принимает обращения только от зарегистрированных клиентов, "
        "поэтому ваше письмо не зарегистрировано. Свяжитесь с нами или воспользуйтесь порталом: "
        "{{ portal_url }}" + _SIGN_RU,
    ),
}
