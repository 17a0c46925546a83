"""Running the support bot's scripted flows (admin-defined, `bot_models.BotFlow`) in a
conversation, on whatever channel it is (portal widget, API, Telegram).

A client's message that holds a flow's trigger phrase starts it; the bot then runs steps until
one waits for the client (a question) or the flow ends. A webhook step POSTs the collected
answers to the flow's URL through the SSRF guard (`core.egress`), signed with the flow's
secret, within its timeout; its JSON reply may say a message (`"message"`), pick the next step
(`"next"`), or open a ticket with fields filled (`"ticket": {"title", "description",
"category_id", "priority", "type"}`). The rules of a flow (validation, templates, buttons)
are the pure `flow_rules`.

The webhook is called after the client's message is committed (`transaction.on_commit`), with
no transaction open and no row locked, so a slow remote (its timeout is 1-30 s) never holds a
write lock: the flow waits on the webhook step, and once the reply is in, a new transaction
takes the conversation (still on that step, else someone moved on and the reply is dropped),
applies the reply and runs on. Those later replies are appended to the list the service
returned (the portal and the API, whose transaction is the outermost one, see them in their
answer) and handed to the caller's `on_later` (Telegram says them in the chat).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from deskline.accounts.models import User
from deskline.core import egress
from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.permissions import require_admin
from deskline.knowledge import flow_rules
from deskline.knowledge.article_selectors import article_get_for
from deskline.knowledge.bot_models import BotFlow, BotFlowStep, BotMessage, Conversation
from deskline.knowledge.bot_replies import answer_with_article, hand_over
from deskline.knowledge.terms import term, words
from deskline.tickets.models import Category as TicketCategory
from deskline.tickets.models import Priority, TicketType

Kind = BotMessage.Kind
Step = BotFlowStep.Kind
OnLater = Callable[[list[BotMessage]], None]


@dataclass(frozen=True)
class Later:
    """Where replies said after the commit (a webhook step's) go: appended to `replies` (the
    list the service returned) and handed to `on_later` (inside the transaction that wrote
    them)."""

    replies: list[BotMessage]
    on_later: OnLater | None = None


def step_spec(step: BotFlowStep) -> flow_rules.StepSpec:
    return flow_rules.StepSpec(
        key=step.key, kind=step.kind, text=step.text, next_step=step.next_step,
        failure_step=step.failure_step, buttons=flow_rules.parse_buttons(step.buttons),
        has_article=step.article_id is not None, variable=step.variable,
    )  # fmt: skip


def spec_of(flow: BotFlow, steps: list[BotFlowStep]) -> flow_rules.FlowSpec:
    """The flow as the pure rules read it."""
    return flow_rules.FlowSpec(start=flow.start_step, has_webhook=bool(flow.webhook_url),
                               steps=tuple(step_spec(s) for s in steps))  # fmt: skip


def flow_check(flow: BotFlow, steps: list[BotFlowStep]) -> list[str]:
    """Why `flow` with `steps` cannot be saved (empty when it can): the flow's own fields, then
    the steps as a whole (`flow_rules.flow_problems`)."""
    problems = []
    if flow.webhook_url:
        try:
            egress.check_host(flow.webhook_url)
        except egress.EgressRefused as exc:
            problems.append(f"webhook URL: {exc}")
    if not flow_rules.trigger_phrases(flow.triggers):
        problems.append("the flow needs at least one trigger phrase")
    return problems + flow_rules.flow_problems(spec_of(flow, steps))


@transaction.atomic
def flow_save(*, actor: User, flow: BotFlow, steps: list[BotFlowStep]) -> BotFlow:
    """Save a flow and replace its steps, after checking them as a whole (admins only)."""
    require_admin(actor)
    problems = flow_check(flow, steps)
    if problems:
        why = "; ".join(problems)
        raise ValidationFailed(f"the flow is not valid: {why}", fields={"steps": why})
    flow.full_clean()
    flow.save()
    flow.steps.exclude(pk__in=[s.pk for s in steps if s.pk]).delete()
    for step in steps:
        step.flow = flow
        step.full_clean(exclude=["flow"])
        step.save()
    return flow


def _stems(text: str) -> set[str]:
    return {term(w) for w in words(text)}


def flow_for_message(text: str) -> BotFlow | None:
    """The first active flow one of whose trigger phrases the message holds."""
    stems = _stems(text)
    for flow in BotFlow.objects.filter(is_active=True):
        phrases = [_stems(line) for line in flow_rules.trigger_phrases(flow.triggers)]
        if flow_rules.trigger_matches(phrases, stems):
            return flow
    return None


def _say(conversation: Conversation, text: str, buttons: list[str] | None = None) -> BotMessage:
    return BotMessage.objects.create(conversation=conversation, kind=Kind.FLOW, text=text,
                                     buttons=buttons or [])  # fmt: skip


def _ticket_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Ticket fields a webhook's reply names, by the codes/ids the desk uses; unknown ones are
    left out rather than failing the client's conversation."""
    fields: dict[str, Any] = {}
    if isinstance(data.get("category_id"), int):
        fields["category_id"] = (
            TicketCategory.objects.filter(pk=data["category_id"]).values_list("pk", flat=True)
        ).first()
    for name, model in (("priority", Priority), ("type", TicketType)):
        if isinstance(data.get(name), str):
            fields[f"{name}_id"] = (
                model.objects.filter(code=data[name]).values_list("pk", flat=True).first()
            )
    return fields


def _call_webhook(conversation: Conversation, user: User, flow: BotFlow) -> dict[str, Any] | None:
    """The webhook's JSON object reply, or None when the call failed."""
    payload = {
        "flow": {"id": flow.pk, "name": flow.name},
        "conversation": conversation.pk,
        "channel": conversation.channel,
        "client": {"user_id": user.pk, "username": user.username, "email": user.email},
        "answers": conversation.flow_answers,
    }
    reply = egress.post_json(flow.webhook_url, payload, secret=flow.webhook_secret,
                             timeout=flow.webhook_timeout)  # fmt: skip
    if not reply.ok:
        return None
    try:
        data = json.loads(reply.body or b"{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _end(conversation: Conversation) -> None:
    conversation.flow = None
    conversation.flow_step = ""
    conversation.save(update_fields=["flow", "flow_step", "updated_at"])


def _webhook(conversation: Conversation, user: User, step: BotFlowStep,
             data: dict[str, Any] | None, replies: list[BotMessage]) -> str | None:  # fmt: skip
    """Apply a webhook step's reply (None: the call failed); the next step's key ("" ends the
    flow), None once a ticket closed the conversation."""
    assert conversation.flow is not None
    answers = conversation.flow_answers
    if data is None:
        if step.failure_step:
            return step.failure_step
        replies.append(_say(conversation, _("Sorry, I could not complete this. Ask for a "
                                            "person if you need help.")))  # fmt: skip
        return ""
    if isinstance(data.get("message"), str) and data["message"].strip():
        replies.append(_say(conversation, data["message"].strip()[:2000]))
    if isinstance(data.get("ticket"), dict):
        ticket = data["ticket"]
        title = flow_rules.render(str(ticket.get("title") or ""), answers)
        note = str(ticket.get("description") or "")[:5000]
        replies.append(hand_over(conversation, user, title=title, note=note,
                                 fields=_ticket_fields(ticket)))  # fmt: skip
        return None
    wanted = data.get("next")
    if isinstance(wanted, str) and conversation.flow.steps.filter(key=wanted).exists():
        return wanted
    return step.next_step


def _waiting_on(conversation: Conversation | None, key: str) -> bool:
    return (
        conversation is not None and conversation.state == Conversation.State.OPEN
        and conversation.flow_id is not None and conversation.flow_step == key
    )  # fmt: skip


def flow_webhook_resume(*, conversation_id: int, user: User, key: str, later: Later) -> None:
    """After the commit: call the webhook of step `key` (no transaction, no lock), then apply
    its reply and run on in a new transaction, if the conversation still waits on that step."""
    conversation = Conversation.objects.select_related("flow").filter(pk=conversation_id).first()
    if not _waiting_on(conversation, key):
        return
    assert conversation is not None and conversation.flow is not None
    data = _call_webhook(conversation, user, conversation.flow)
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update(of=("self",)).select_related("flow")
            .filter(pk=conversation_id).first()
        )  # fmt: skip
        if not _waiting_on(conversation, key):
            return  # the client (or a second run of this) moved on meanwhile
        assert conversation is not None and conversation.flow is not None
        step = conversation.flow.steps.filter(key=key, kind=Step.WEBHOOK).first()
        more: list[BotMessage] = []
        following = _webhook(conversation, user, step, data, more) if step else ""
        if following is None:
            pass
        elif following:
            more.extend(_run(conversation, user, following, later))
        else:
            _end(conversation)
        later.replies.extend(more)
        if later.on_later is not None and more:
            later.on_later(more)


def _call_later(conversation: Conversation, user: User, key: str, later: Later) -> None:
    """Wait on webhook step `key`; its call goes out once this transaction commits."""
    conversation.flow_step = key
    conversation.save(update_fields=["flow_step", "updated_at"])
    pk = conversation.pk
    transaction.on_commit(
        lambda: flow_webhook_resume(conversation_id=pk, user=user, key=key, later=later)
    )


def _run(
    conversation: Conversation, user: User, key: str, later: Later | None = None
) -> list[BotMessage]:
    """Run steps from `key` until one waits for the client (or a webhook's reply) or the flow
    ends."""
    assert conversation.flow is not None
    steps = {s.key: s for s in conversation.flow.steps.select_related("article")}
    answers = conversation.flow_answers
    replies: list[BotMessage] = []
    later = later if later is not None else Later(replies)
    for _turn in range(flow_rules.MAX_STEPS_PER_TURN):
        step = steps.get(key)
        if step is None:
            _end(conversation)
            return replies
        text = flow_rules.render(step.text, answers)
        if step.kind == Step.ASK:
            labels = [label for label, _target in flow_rules.parse_buttons(step.buttons)]
            replies.append(_say(conversation, text, labels))
            conversation.flow_step = key
            conversation.save(update_fields=["flow_step", "updated_at"])
            return replies
        if step.kind == Step.MESSAGE:
            replies.append(_say(conversation, text))
        elif step.kind == Step.ARTICLE and step.article is not None:
            try:  # the client's audience still rules: a flow cannot leak an internal article
                article = article_get_for(user=user, article_id=step.article.pk)
            except NotFound:
                pass
            else:
                replies.append(answer_with_article(conversation, article, text or article.title))
        elif step.kind == Step.TICKET:
            fields = {"category_id": step.ticket_category_id,
                      "priority_id": step.ticket_priority_id}  # fmt: skip
            replies.append(hand_over(conversation, user, title=text, fields=fields))
            return replies
        elif step.kind == Step.WEBHOOK:
            _call_later(conversation, user, key, later)
            return replies
        key = step.next_step
    _end(conversation)  # a safety net: validation refuses loops that never ask
    return replies


def _started(later: Later | None, replies: list[BotMessage]) -> list[BotMessage]:
    """`replies`, which a webhook step's later replies extend (see `Later`)."""
    if later is not None:
        later.replies[:0] = replies
        return later.replies
    return replies


def flow_begin(
    conversation: Conversation, user: User, flow: BotFlow, on_later: OnLater | None = None
) -> list[BotMessage]:
    conversation.flow = flow
    conversation.flow_step = ""
    conversation.flow_answers = {}
    conversation.save(update_fields=["flow", "flow_step", "flow_answers", "updated_at"])
    later = Later([], on_later)
    return _started(later, _run(conversation, user, flow.start_step, later))


def flow_answer(
    conversation: Conversation, user: User, text: str, on_later: OnLater | None = None
) -> list[BotMessage]:
    """The client's answer to the flow's waiting question."""
    assert conversation.flow is not None
    step = conversation.flow.steps.filter(key=conversation.flow_step).first()
    if step is None or step.kind != Step.ASK:
        _end(conversation)
        return []
    spec = step_spec(step)
    taken, following = flow_rules.button_target(spec, text)
    if not taken:
        labels = [label for label, _target in spec.buttons]
        return [_say(conversation, _("Please choose one of the options."), labels)]
    if step.variable:
        conversation.flow_answers = {**conversation.flow_answers, step.variable: text[:500]}
        conversation.save(update_fields=["flow_answers", "updated_at"])
    later = Later([], on_later)
    return _started(later, _run(conversation, user, following, later))
