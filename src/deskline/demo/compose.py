"""Turning a problem template into a ticket's title, description and replies (pure)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from deskline.demo.refs import CompanyRef, ContactRef, EquipmentRef, SiteRef
from deskline.demo.texts import (
    GENERIC_FIX,
    GREETINGS,
    PARTS,
    PROBLEMS,
    REPLIES,
    SIGN_OFFS,
    Problem,
)

#: Problems that are requests or questions, not faults: they get different replies.
REQUEST_CATEGORIES = frozenset({"Preventive maintenance", "Consultation", "Access and accounts"})
_REQUEST_VARIANTS = frozenset({"first", "agent", "client"})
ERROR_CODES = ("E04", "E-17", "0x1F", "F3", "Err 52", "051", "A5", "C-210", "P0", "U4")


@dataclass(frozen=True)
class Story:
    """What a ticket is about, with the values every template of it may use."""

    problem: Problem
    language: str
    values: dict[str, str]

    def text(self, template: str) -> str:
        return template.format(**self.values)

    @property
    def title(self) -> str:
        title = self.problem.en[0] if self.language == "en" else self.problem.ru[0]
        return self.text(title)

    def description(self, rng: random.Random) -> str:
        body = self.problem.en[1] if self.language == "en" else self.problem.ru[1]
        parts = [rng.choice(GREETINGS[self.language]), body, rng.choice(SIGN_OFFS[self.language])]
        return "\n\n".join(self.text(p) for p in parts if p)

    def reply(self, rng: random.Random, kind: str) -> str:
        """A comment: kind is first, agent, note, client, waiting or resolved."""
        if kind in _REQUEST_VARIANTS and self.problem.category in REQUEST_CATEGORIES:
            kind = f"{kind}_request"
        return self.text(rng.choice(REPLIES[kind][self.language]))


def story_for(
    rng: random.Random,
    company: CompanyRef,
    site: SiteRef,
    equipment: EquipmentRef | None,
    contact: ContactRef,
    agent_name: str,
) -> Story:
    problem = rng.choice(PROBLEMS[equipment.kind if equipment else ""])
    language = company.language
    if rng.random() < 0.05:  # some Russian clients write in English and the other way round
        language = "en" if language == "ru" else "ru"
    fixes = problem.fixes or (GENERIC_FIX,)
    fix_en, fix_ru = rng.choice(fixes)
    floor = rng.randint(1, 15)
    values = {
        "model": equipment.label if equipment else "",
        "serial": equipment.serial if equipment else "",
        "inventory": equipment.inventory if equipment else "",
        "site": site.name,
        "address": site.address,
        "code": rng.choice(ERROR_CODES),
        "hours": str(rng.randint(2, 23)),
        "floor": str(floor),
        "floor_next": str(floor + 1),
        "temp": str(rng.randint(8, 29)),
        "agent": agent_name,
        "contact": contact.name,
        "part": rng.choice(PARTS[language]),
        "fix": fix_en if language == "en" else fix_ru,
    }
    return Story(problem=problem, language=language, values=values)


def equipment_label(manufacturer: str, model: str) -> str:
    """ "Dell" + "PowerEdge R750" -> "Dell PowerEdge R750"; "АТОЛ" + "АТОЛ 30Ф" -> "АТОЛ 30Ф"."""
    if not manufacturer or model.startswith(manufacturer.split()[0]):
        return model
    return f"{manufacturer} {model}"
