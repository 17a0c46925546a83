"""The rules of the support bot's scripted flows, pure (values in, values out; no ORM, no I/O).

A flow is a set of steps named by keys, entered at its start step. A step asks (buttons or free
text, the answer kept under a variable), says a message, shows an article, calls the flow's
webhook, or opens a ticket; it goes on to its next step (an ask step's button may name its own).
A flow is valid when every step it names exists, every step is reachable from the start, each
step has what its kind needs, and no loop can run without waiting for the client (a cycle
through no ask step would spin forever).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ASK, MESSAGE, ARTICLE, WEBHOOK, TICKET = "ask", "message", "article", "webhook", "ticket"
KINDS = (ASK, MESSAGE, ARTICLE, WEBHOOK, TICKET)
#: The most steps one client message may run (a safety net behind the no-cycle rule).
MAX_STEPS_PER_TURN = 50
_PLACEHOLDER = re.compile(r"\{(\w{1,40})\}")
_ARROW = "=>"


@dataclass(frozen=True)
class StepSpec:
    key: str
    kind: str
    text: str = ""
    next_step: str = ""
    failure_step: str = ""
    #: (label, target step key or "" for `next_step`)
    buttons: tuple[tuple[str, str], ...] = ()
    has_article: bool = False
    variable: str = ""


@dataclass(frozen=True)
class FlowSpec:
    start: str
    steps: tuple[StepSpec, ...]
    has_webhook: bool = False


def parse_buttons(text: str) -> tuple[tuple[str, str], ...]:
    """Buttons written one per line: "Label" or "Label => step_key"."""
    buttons = []
    for line in (text or "").splitlines():
        label, _sep, target = line.partition(_ARROW)
        if label.strip():
            buttons.append((label.strip()[:60], target.strip()))
    return tuple(buttons)


def targets(step: StepSpec) -> list[str]:
    """The step keys `step` may go to."""
    found = [step.next_step, step.failure_step, *(t for _label, t in step.buttons)]
    return [t for t in found if t]


def _needs(step: StepSpec, has_webhook: bool) -> str:
    if step.kind not in KINDS:
        return f"step {step.key}: unknown kind {step.kind!r}"
    if step.kind in (ASK, MESSAGE) and not step.text.strip():
        return f"step {step.key}: needs a text"
    if step.kind == ARTICLE and not step.has_article:
        return f"step {step.key}: needs an article"
    if step.kind == WEBHOOK and not has_webhook:
        return f"step {step.key}: the flow has no webhook URL"
    if step.kind != ASK and step.buttons:
        return f"step {step.key}: only a question has buttons"
    return ""


def _reachable(start: str, by_key: Mapping[str, StepSpec]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        key = todo.pop()
        if key in seen or key not in by_key:
            continue
        seen.add(key)
        todo.extend(targets(by_key[key]))
    return seen


def _cycle_without_input(by_key: Mapping[str, StepSpec]) -> list[str]:
    """Steps of a cycle that passes no ask step (empty when there is none)."""
    graph = {k: [t for t in targets(s) if t in by_key and by_key[t].kind != ASK]
             for k, s in by_key.items() if s.kind != ASK}  # fmt: skip
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(key: str) -> list[str]:
        state[key] = 1
        path.append(key)
        for nxt in graph.get(key, []):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[key] = 2
        path.pop()
        return []

    for key in sorted(graph):
        if key not in state and (found := visit(key)):
            return found
    return []


def flow_problems(flow: FlowSpec) -> list[str]:
    """Why the flow cannot run as written (an empty list when it is valid)."""
    if not flow.steps:
        return ["a flow needs at least one step"]
    problems: list[str] = []
    keys = [s.key for s in flow.steps]
    doubled = sorted({k for k in keys if keys.count(k) > 1})
    if doubled:
        problems.append(f"step keys used twice: {', '.join(doubled)}")
    by_key = {s.key: s for s in flow.steps}
    if flow.start not in by_key:
        problems.append(f"the start step {flow.start!r} does not exist")
    for step in flow.steps:
        problems += [f"step {step.key} goes to {t!r}, which does not exist"
                     for t in targets(step) if t not in by_key]  # fmt: skip
        if need := _needs(step, flow.has_webhook):
            problems.append(need)
    if flow.start in by_key:
        unreached = sorted(set(by_key) - _reachable(flow.start, by_key))
        if unreached:
            problems.append(f"steps never reached from the start: {', '.join(unreached)}")
    loop = _cycle_without_input(by_key)
    if loop:
        problems.append(f"steps loop without asking the client: {' -> '.join([*loop, loop[0]])}")
    return problems


def render(template: str, answers: Mapping[str, str]) -> str:
    """`template` with each `{name}` replaced by the client's answer of that name ("" if none);
    nothing else in the text is interpreted."""
    return _PLACEHOLDER.sub(lambda m: str(answers.get(m.group(1), "")), template)


def button_target(step: StepSpec, text: str) -> tuple[bool, str]:
    """(whether `text` is an answer the step takes, the next step key) for an ask step.

    A question without buttons takes any text; with buttons, the client's text must be one of
    the labels (case and surrounding spaces aside)."""
    if not step.buttons:
        return True, step.next_step
    wanted = " ".join(text.split()).casefold()
    for label, target in step.buttons:
        if label.casefold() == wanted:
            return True, target or step.next_step
    return False, ""


def trigger_phrases(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def trigger_matches(triggers: Iterable[set[str]], stems: set[str]) -> bool:
    """Whether every stem of one trigger phrase is among the message's stems."""
    return any(phrase and phrase <= stems for phrase in triggers)
