"""Parts of the desk's ticket page written in Python: its pickers, timeline and registry boxes.

The page's template spent most of its time in two loops. Its six pickers (priority, type,
category, observers, team, agent) printed the same few dozen options on every page, only the
selected one differing: `pickers` writes each picker's options once per change of the
reference data (`core.refcache`) and language, and a page joins them with its selection.
`timeline_html` writes the comments and events in one pass, escaped as the template engine
would, instead of resolving a dozen variables and translations per entry; `registry_combos`
writes the edit form's four `_combo.html` boxes without four template includes. All print exactly
what `desk/ticket.html` printed (tested byte for byte against the old template, in English
and Russian).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from html import escape as html_escape
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils import dateformat, formats, timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from deskline.core import refcache
from deskline.desk.choices import load_choices
from deskline.desk.templatetags.desk_tags import clean_html, local_name, user_label
from deskline.desk.timeline import Entry


def _esc(value: object) -> str:
    """`conditional_escape(value)` without its lazy-argument wrapper."""
    html = getattr(value, "__html__", None)
    return str(html()) if html is not None else html_escape(str(value))


def _shown(value: object) -> str:
    """A value as `{{ value }}` prints it: localised (numbers, dates) and escaped."""
    if isinstance(value, str):
        return _esc(value)
    return _esc(formats.localize(timezone.template_localtime(value)))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Options:
    """A picker's `<option>`s: each one's markup before and after its selection mark."""

    items: tuple[tuple[int, str, str], ...]
    #: What a selected option has between the two parts (`selected` or ` selected`).
    mark: str

    def html(self, selected: Container[int | None]) -> SafeString:
        mark = self.mark
        return mark_safe(  # noqa: S308 - escaped when written (`_options`)
            "".join(
                f"{before}{mark if pk in selected else ''}{after}"
                for pk, before, after in self.items
            )
        )


@dataclass(frozen=True)
class Pickers:
    priorities: Options
    types: Options
    categories: Options
    observers: Options
    teams: Options
    agents: Options


def _options(rows: Iterable[Any], label: Any, *, spaced: bool) -> Options:
    """`<option value="{{ pk }}" {% if ... %}selected{% endif %}>{{ label }}</option>` per row
    (`spaced`), or `<option value="{{ pk }}"{% if ... %} selected{% endif %}>...`."""
    gap = " " if spaced else ""
    return Options(
        items=tuple(
            (row.pk, f'<option value="{row.pk}"{gap}', f">{_esc(label(row))}</option>")
            for row in rows
        ),
        mark="selected" if spaced else " selected",
    )


def pickers() -> Pickers:
    """The ticket page's pickers in the active language, written once per reference version."""

    def load() -> Pickers:
        choices = load_choices()
        return Pickers(
            priorities=_options(choices.priorities, local_name, spaced=True),
            types=_options(choices.types, local_name, spaced=True),
            categories=_options(choices.categories, local_name, spaced=True),
            observers=_options(choices.agents, user_label, spaced=False),
            teams=_options(choices.teams, local_name, spaced=True),
            agents=_options(choices.agents, user_label, spaced=True),
        )

    return refcache.cached(("desk.ticket_pickers", translation.get_language()), load)


def combo_html(
    kind: str, *, value: int | None, label: Any, label_text: str, include: str = ""
) -> SafeString:
    """`desk/_combo.html` included with `placeholder=label_text` (the edit form's registry
    boxes), as the include printed it; `label_text` is already escaped (a `{% translate ...
    as %}` value), `label` a row or a name."""
    shown = _esc(label) if label else ""
    filters = (
        ""
        if kind == "company"
        else f' hx-include="{_esc(include or "form.filters input[name=company]")}"'
    )
    caption = (
        f'<label class="combo-label" for="{kind}-text">{label_text}</label>' if label_text else ""
    )
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<div class="combo f-{kind}" data-combo>{caption}\n'
        f'    <input type="hidden" name="{kind}" value="{value if value else ""}" data-combo-value>\n'
        f'    <input type="search" id="{kind}-text" name="{kind}_name" value="{shown}" placeholder="{label_text}" aria-label="{label_text}"\n'
        f'           autocomplete="off" role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="{kind}-suggestions"\n'
        f'           hx-get="/suggest/{kind}/"{filters} hx-trigger="input changed delay:250ms" hx-target="#{kind}-suggestions" hx-swap="innerHTML" data-combo-text>\n'
        f'    <ul class="combo-list" id="{kind}-suggestions" role="listbox"></ul>\n'
        "  </div>\n"
    )  # fmt: skip


def registry_combos(ticket: Any) -> dict[str, SafeString]:
    """The edit form's company, contact, site and equipment boxes of `ticket`."""
    form = "closest form"
    return {
        "company": combo_html("company", value=ticket.company_id,
                              label=ticket.company.name if ticket.company else "",
                              label_text=_translated("Company")),
        "contact": combo_html("contact", value=ticket.contact_id, label=ticket.contact,
                              label_text=_translated("Contact"), include=form),
        "site": combo_html("site", value=ticket.site_id, label=ticket.site,
                           label_text=_translated("Site"), include=form),
        "equipment": combo_html("equipment", value=ticket.equipment_id, label=ticket.equipment,
                                label_text=_translated("Equipment (serial number)"),
                                include=form),
    }  # fmt: skip


def _when(value: Any, zone: Any) -> str:
    local = timezone.localtime(value, zone)
    iso = dateformat.format(local, "c")
    return f'<time datetime="{_esc(iso)}">{local.strftime("%d.%m.%Y %H:%M")}</time>'


def _translated(msgid: str) -> str:
    """`{% translate msgid %}`, escaped as the tag does."""
    return _esc(gettext(msgid))


def _translated_variable(value: Any) -> str:
    """`{% translate variable %}`: the value's text translated, escaped, its % restored."""
    return _esc(gettext(str(value).replace("%", "%%"))).replace("%%", "%")


def timeline_html(entries: Sequence[Entry], *, number: int, images: str) -> SafeString:
    """The timeline's entries exactly as `desk/ticket.html`'s loop printed them."""
    zone = timezone.get_current_timezone()
    system = _translated("System")
    internal = _translated("Internal note")
    unverified_title = _translated(
        "The From: address of this mail could not be proven; it was not sent to the client."
    )
    unverified = _translated("Unverified sender")
    moved = _translated("from")
    short = _translated("The team is short of agents")
    parts: list[str] = []
    for entry in entries:
        c = entry.comment
        if c:
            if c.author:
                who = _esc(user_label(c.author))
            elif c.author_contact:
                who = _esc(c.author_contact.name)
            else:
                who = system
            files = list(c.attachments.all())
            listed = ""
            if files:
                listed = (
                    '<ul class="files">'
                    + "".join(
                        f'<li><a href="/tickets/{number}/files/{a.pk}/">{_esc(a.filename)}</a> '
                        f'<span class="muted">{_esc(filesizeformat(a.size))}</span></li>'
                        for a in files
                    )
                    + "</ul>"
                )
            note = "" if c.is_public else f'<span class="badge badge-note">{internal}</span>'
            proof = (
                ""
                if c.sender_verified
                else f'<span class="badge badge-warn" title="{unverified_title}">{unverified}</span>'
            )
            origin = (
                f'<span class="badge">{moved} #{_shown(c.moved_from.number)}</span>'
                if c.moved_from
                else ""
            )
            parts.append(
                "\n      \n"
                f'      <article class="entry comment {"" if c.is_public else "internal"}" id="c-{c.pk}">\n'
                "        <header>\n"
                f"          <strong>{who}</strong>\n"
                f"          {note}\n"
                f"          {proof}\n"
                f"          {origin}\n"
                f"          {_when(c.created_at, zone)}\n"
                "        </header>\n"
                f'        <div class="body">{clean_html(c.body, images)}</div>\n'
                f"        {listed}\n"
                "      </article>\n"
                "      \n    "
            )  # fmt: skip
            continue
        e = entry.event
        assert e is not None
        text = f"<strong>{_esc(user_label(e.actor) or gettext('System'))}</strong> · "
        text += _translated_variable(e.label)
        for label, before, after in entry.changes:
            text += f" · {_shown(label)}: <s>{_shown(before)}</s> → {_shown(after)}"
        data = e.data if isinstance(e.data, dict) else {}
        if data.get("other"):
            text += f" · #{_shown(data['other'])}"
        if data.get("filename"):
            text += f" · {_shown(data['filename'])}"
        if data.get("on_behalf_of"):
            text += " · " + gettext("on behalf of %(name)s") % {
                "name": _shown(data["on_behalf_of"])
            }
        if entry.note:
            text += f" · <strong>{short}:</strong> {_shown(entry.note)}"
        parts.append(
            "\n      \n"
            '      <div class="entry event">\n'
            '        <span class="ev-dot"></span>\n'
            f"        <span>{text}</span>\n"
            f"        {_when(e.created_at, zone)}\n"
            "      </div>\n"
            "      \n    "
        )  # fmt: skip
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
