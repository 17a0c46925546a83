"""The support bot's scripted flows: validation of a flow as a whole, the steps run in a
conversation (questions with buttons or free text, branches, articles, tickets), and the
webhook step against a real local HTTP server (signed call, timeout, SSRF guard, its reply
setting the next message or opening a ticket)."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import TestCase

from deskline.accounts.models import User
from deskline.core import egress
from deskline.core.errors import PermissionDenied, ValidationFailed
from deskline.knowledge import flow_rules
from deskline.knowledge.bot import conversation_say, conversation_solved, conversation_start
from deskline.knowledge.bot_flows import flow_save
from deskline.knowledge.bot_models import BotFlow, BotFlowStep, BotMessage, Conversation
from deskline.knowledge.models import ArticleAudience, Deflection
from deskline.tickets.models import Category as TicketCategory
from deskline.tickets.models import Priority, Ticket
from tests.factories import CompanyFactory, ContactFactory, ContactUserFactory
from tests.knowledge.factories import article

pytestmark = pytest.mark.django_db
S = flow_rules.StepSpec


# --- the pure rules --------------------------------------------------------------------------


def _flow(*steps: S, start: str = "a", webhook: bool = False) -> flow_rules.FlowSpec:
    return flow_rules.FlowSpec(start=start, steps=steps, has_webhook=webhook)


def test_a_step_going_to_a_missing_step_is_refused() -> None:
    problems = flow_rules.flow_problems(_flow(S("a", "message", "hi", next_step="nowhere")))
    assert problems == ["step a goes to 'nowhere', which does not exist"]


def test_a_step_never_reached_from_the_start_is_refused() -> None:
    flow = _flow(S("a", "message", "hi"), S("orphan", "message", "lost"))
    assert flow_rules.flow_problems(flow) == ["steps never reached from the start: orphan"]


def test_a_loop_that_never_asks_the_client_is_refused() -> None:
    flow = _flow(S("a", "message", "hi", next_step="b"), S("b", "message", "again", next_step="a"))
    assert flow_rules.flow_problems(flow) == ["steps loop without asking the client: a -> b -> a"]


def test_a_loop_through_a_question_is_allowed() -> None:
    flow = _flow(S("a", "ask", "Login?", next_step="b"), S("b", "message", "no", next_step="a"))
    assert flow_rules.flow_problems(flow) == []


def test_each_kind_needs_what_it_uses() -> None:
    flow = _flow(S("a", "article", next_step="b"), S("b", "webhook", next_step="c"),
                 S("c", "message", ""))  # fmt: skip
    assert flow_rules.flow_problems(flow) == [
        "step a: needs an article", "step b: the flow has no webhook URL", "step c: needs a text"
    ]  # fmt: skip


def test_buttons_are_read_one_per_line_with_an_optional_target() -> None:
    assert flow_rules.parse_buttons("Yes => done\n\n No ") == (("Yes", "done"), ("No", ""))


def test_a_question_with_buttons_takes_only_their_labels() -> None:
    step = S("a", "ask", "?", next_step="x", buttons=(("Yes", "y"), ("No", "")))
    assert flow_rules.button_target(step, " yes ") == (True, "y")
    assert flow_rules.button_target(step, "No") == (True, "x")
    assert flow_rules.button_target(step, "maybe") == (False, "")


def test_templates_put_in_answers_and_nothing_else() -> None:
    text = flow_rules.render("Reset {login} {missing} {login.__class__}", {"login": "ivan"})
    assert text == "Reset ivan  {login.__class__}"


# --- the SSRF guard --------------------------------------------------------------------------


def test_a_host_not_on_the_allow_list_is_refused(settings: Any) -> None:
    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = ["hooks.example.com"]
    with pytest.raises(egress.EgressRefused):
        egress.check_destination("http://127.0.0.1:8000/admin/")


def test_a_listed_name_resolving_to_a_metadata_address_is_refused(
    settings: Any, monkeypatch: Any
) -> None:
    import ipaddress

    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = ["*.example.com"]
    monkeypatch.setattr(
        egress, "_addresses", lambda host: [ipaddress.ip_address("169.254.169.254")]
    )
    with pytest.raises(egress.EgressRefused, match="forbidden address"):
        egress.check_destination("https://hooks.example.com/reset")


def test_urls_with_other_schemes_or_credentials_are_refused(settings: Any) -> None:
    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    for url in ("file:///etc/passwd", "http://user:pw@127.0.0.1/", "gopher://127.0.0.1/"):
        with pytest.raises(egress.EgressRefused):
            egress.check_destination(url)


# --- a real local webhook receiver -----------------------------------------------------------


@dataclass
class Receiver:
    url: str = ""
    reply: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    delay: float = 0.0
    location: str = ""
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((dict(self.headers), body))
            if state.delay:
                time.sleep(state.delay)
            self.send_response(state.status)
            if state.location:
                self.send_header("Location", state.location)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(state.reply).encode())

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/reset"
    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def test_a_redirect_is_not_followed(receiver: Receiver) -> None:
    receiver.status, receiver.location = 302, "http://169.254.169.254/latest/meta-data/"
    reply = egress.post_json(receiver.url, {}, secret="s", timeout=2)
    assert reply.status == 302 and not reply.ok and len(receiver.received) == 1


# --- flows in a conversation -----------------------------------------------------------------


@pytest.fixture
def client_user(db: None) -> User:
    return ContactUserFactory(contact=ContactFactory(company=CompanyFactory()))


def _steps(*rows: dict[str, Any]) -> list[BotFlowStep]:
    return [BotFlowStep(**row) for row in rows]


def password_flow(admin: User, url: str, **flow_fields: Any) -> BotFlow:
    """ "reset my password": ask the login, call the webhook, report the result."""
    flow = BotFlow(name="Password", triggers="reset password\nсбросить пароль", start_step="login",
                   webhook_url=url, webhook_secret="s3cret", **flow_fields)  # fmt: skip
    return flow_save(actor=admin, flow=flow, steps=_steps(
        {"key": "login", "kind": "ask", "text": "Your login?", "variable": "login",
         "next_step": "call"},
        {"key": "call", "kind": "webhook", "next_step": "done", "failure_step": "failed"},
        {"key": "done", "kind": "message", "text": "Done, {login}."},
        {"key": "failed", "kind": "ticket", "text": "Password reset for {login}"},
    ))  # fmt: skip


def _say(user: User, talk: Conversation, text: str) -> list[BotMessage]:
    """Say it and commit (the test's transaction stands in: its on-commit hooks run, as the
    webhook step's call does after a real commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return conversation_say(user=user, conversation_id=talk.pk, text=text)


def test_a_trigger_phrase_starts_the_flow_with_its_first_question(
    client_user: User, admin: User, receiver: Receiver
) -> None:
    password_flow(admin, receiver.url)
    talk = conversation_start(user=client_user)
    [reply] = _say(client_user, talk, "Please reset my password")
    assert reply.kind == BotMessage.Kind.FLOW and reply.text == "Your login?"


def test_the_webhook_gets_the_signed_answers_and_its_message_is_said(
    client_user: User, admin: User, receiver: Receiver
) -> None:
    password_flow(admin, receiver.url)
    receiver.reply = {"message": "A new password went to your mail."}
    talk = conversation_start(user=client_user)
    _say(client_user, talk, "сбросить пароль")
    replies = _say(client_user, talk, "ivan")
    assert [r.text for r in replies] == ["A new password went to your mail.", "Done, ivan."]
    headers, body = receiver.received[0]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Deskline-Signature"] == expected
    assert json.loads(body)["answers"] == {"login": "ivan"}


def test_a_flow_the_client_calls_solved_counts_as_deflected(
    client_user: User, admin: User, receiver: Receiver
) -> None:
    password_flow(admin, receiver.url)
    talk = conversation_start(user=client_user)
    _say(client_user, talk, "reset password")
    _say(client_user, talk, "ivan")
    conversation_solved(user=client_user, conversation_id=talk.pk)
    assert Deflection.objects.get().source == "bot" and not Ticket.objects.exists()


def test_the_webhooks_reply_may_open_a_ticket_with_fields_filled(
    client_user: User, admin: User, receiver: Receiver
) -> None:
    password_flow(admin, receiver.url)
    receiver.reply = {"ticket": {"title": "Locked account {login}", "priority": "high",
                                 "description": "Directory says: locked"}}  # fmt: skip
    talk = conversation_start(user=client_user)
    _say(client_user, talk, "reset password")
    [reply] = _say(client_user, talk, "ivan")
    ticket = Ticket.objects.get()
    assert reply.kind == BotMessage.Kind.HANDOVER and f"#{ticket.number}" in reply.text
    assert ticket.title == "Locked account ivan" and ticket.priority.code == "high"
    assert ticket.contact_id == client_user.contact.pk
    assert "login: ivan" in ticket.description and "Directory says: locked" in ticket.description


def test_the_webhooks_reply_may_choose_the_next_step(
    client_user: User, admin: User, receiver: Receiver
) -> None:
    password_flow(admin, receiver.url)
    receiver.reply = {"next": "failed"}
    talk = conversation_start(user=client_user)
    _say(client_user, talk, "reset password")
    _say(client_user, talk, "ivan")
    assert Ticket.objects.get().title == "Password reset for ivan"


def test_a_webhook_past_its_timeout_takes_the_failure_step(
    client_user: User, admin: User, receiver: Receiver
) -> None:
    password_flow(admin, receiver.url, webhook_timeout=1)
    receiver.delay = 1.5
    talk = conversation_start(user=client_user)
    _say(client_user, talk, "reset password")
    _say(client_user, talk, "ivan")
    assert Ticket.objects.get().title == "Password reset for ivan"


def test_a_webhook_to_a_host_no_longer_allowed_is_never_called(
    client_user: User, admin: User, receiver: Receiver, settings: Any
) -> None:
    password_flow(admin, receiver.url)
    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = ["hooks.example.com"]
    talk = conversation_start(user=client_user)
    _say(client_user, talk, "reset password")
    _say(client_user, talk, "ivan")
    assert receiver.received == [] and Ticket.objects.get().title == "Password reset for ivan"


def test_buttons_branch_and_other_text_asks_again(client_user: User, admin: User) -> None:
    flow = BotFlow(name="Printer", triggers="printer", start_step="q")
    flow_save(actor=admin, flow=flow, steps=_steps(
        {"key": "q", "kind": "ask", "text": "Is it on?", "buttons": "Yes => on\nNo => off"},
        {"key": "on", "kind": "message", "text": "Check the paper."},
        {"key": "off", "kind": "message", "text": "Switch it on."},
    ))  # fmt: skip
    talk = conversation_start(user=client_user)
    [question] = _say(client_user, talk, "my printer")
    assert question.buttons == ["Yes", "No"]
    [again] = _say(client_user, talk, "what?")
    assert again.buttons == ["Yes", "No"]
    assert [r.text for r in _say(client_user, talk, "no")] == ["Switch it on."]


def test_an_article_step_never_shows_an_internal_article_to_a_client(
    client_user: User, admin: User
) -> None:
    hidden = article(title="Service passwords", audience=ArticleAudience.INTERNAL)
    shown = article(title="Change the paper roll")
    flow = BotFlow(name="Paper", triggers="paper", start_step="one")
    flow_save(actor=admin, flow=flow, steps=_steps(
        {"key": "one", "kind": "article", "article": hidden, "next_step": "two"},
        {"key": "two", "kind": "article", "article": shown},
    ))  # fmt: skip
    talk = conversation_start(user=client_user)
    replies = _say(client_user, talk, "paper")
    assert [r.article_id for r in replies] == [shown.pk]


def test_a_ticket_step_opens_a_ticket_in_the_admins_category(
    client_user: User, admin: User
) -> None:
    category = TicketCategory.objects.create(name="Access")
    flow = BotFlow(name="Access", triggers="access card", start_step="q")
    flow_save(actor=admin, flow=flow, steps=_steps(
        {"key": "q", "kind": "ask", "text": "Which office?", "variable": "office",
         "next_step": "t"},
        {"key": "t", "kind": "ticket", "text": "Access card, {office}",
         "ticket_category": category, "ticket_priority": Priority.objects.get(code="high")},
    ))  # fmt: skip
    talk = conversation_start(user=client_user)
    _say(client_user, talk, "new access card please")
    _say(client_user, talk, "Moscow")
    ticket = Ticket.objects.get()
    assert (ticket.title, ticket.category_id) == ("Access card, Moscow", category.pk)
    talk.refresh_from_db()
    assert talk.state == Conversation.State.HANDED_OVER and talk.ticket == ticket


def test_saving_a_flow_with_a_dangling_step_is_refused(admin: User) -> None:
    flow = BotFlow(name="Broken", triggers="broken", start_step="a")
    with pytest.raises(ValidationFailed, match="does not exist"):
        flow_save(actor=admin, flow=flow, steps=_steps(
            {"key": "a", "kind": "message", "text": "hi", "next_step": "b"}))  # fmt: skip
    assert not BotFlow.objects.exists()


def test_a_webhook_url_off_the_allow_list_is_refused_on_save(admin: User, settings: Any) -> None:
    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = []
    flow = BotFlow(name="Hook", triggers="hook", start_step="a",
                   webhook_url="http://10.0.0.5/reset")  # fmt: skip
    with pytest.raises(ValidationFailed, match="DESKLINE_OUTBOUND_ALLOWED_HOSTS"):
        flow_save(actor=admin, flow=flow, steps=_steps({"key": "a", "kind": "webhook"}))


def test_only_admins_save_flows(agent: User) -> None:
    flow = BotFlow(name="x", triggers="x", start_step="a")
    with pytest.raises(PermissionDenied):
        flow_save(actor=agent, flow=flow, steps=_steps({"key": "a", "kind": "message",
                                                        "text": "hi"}))  # fmt: skip


def test_the_admin_page_refuses_a_flow_that_loops_without_asking(admin: User, client: Any) -> None:
    client.force_login(admin)
    prefix = "steps"
    data = {
        "name": "Loop", "triggers": "loop", "start_step": "a", "is_active": "on", "order": "0",
        "webhook_secret": "x", "webhook_timeout": "5",
        f"{prefix}-TOTAL_FORMS": "2", f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-key": "a", f"{prefix}-0-kind": "message", f"{prefix}-0-text": "hi",
        f"{prefix}-0-next_step": "b",
        f"{prefix}-1-key": "b", f"{prefix}-1-kind": "message", f"{prefix}-1-text": "again",
        f"{prefix}-1-next_step": "a",
    }  # fmt: skip
    response = client.post("/admin/knowledge/botflow/add/", data)
    assert response.status_code == 200 and not BotFlow.objects.exists()
    assert "loop without asking the client" in response.content.decode()


def test_the_bot_api_lists_a_questions_buttons(
    client_user: User, admin: User, api_for: Any
) -> None:
    flow = BotFlow(name="Printer", triggers="printer", start_step="q")
    flow_save(actor=admin, flow=flow, steps=_steps(
        {"key": "q", "kind": "ask", "text": "Is it on?", "buttons": "Yes\nNo"}))  # fmt: skip
    api = api_for(client_user)
    pk = api.post("bot/conversations").json()["id"]
    body = api.post(f"bot/conversations/{pk}/messages", {"text": "printer"}).json()
    assert body["messages"][-1]["buttons"] == ["Yes", "No"] and "say" in body["actions"]


def test_the_portal_widget_shows_a_questions_buttons(
    client_user: User, admin: User, client: Any
) -> None:
    flow = BotFlow(name="Printer", triggers="printer", start_step="q")
    flow_save(actor=admin, flow=flow, steps=_steps(
        {"key": "q", "kind": "ask", "text": "Is it on?", "buttons": "Yes\nNo"}))  # fmt: skip
    client.force_login(client_user)
    page = client.post("/portal/help/chat/say/", {"text": "printer"}).content.decode()
    assert 'name="text" value="Yes"' in page and 'name="text" value="No"' in page


# --- the webhook goes out after the commit (no transaction, no lock held) --------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_webhook_is_called_after_the_commit_and_its_replies_reach_the_caller(
    admin: User, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    client_user = ContactUserFactory(contact=ContactFactory(company=CompanyFactory()))
    password_flow(admin, receiver.url)
    receiver.reply = {"message": "Sent."}
    during_call: list[tuple[bool, str]] = []
    real_post = egress.post_json

    def spy(*args: Any, **kwargs: Any) -> egress.Reply:
        talk = Conversation.objects.get()
        during_call.append((connection.in_atomic_block, talk.flow_step))
        return real_post(*args, **kwargs)

    monkeypatch.setattr(egress, "post_json", spy)
    talk = conversation_start(user=client_user)
    conversation_say(user=client_user, conversation_id=talk.pk, text="reset password")
    replies = conversation_say(user=client_user, conversation_id=talk.pk, text="ivan")
    assert during_call == [(False, "call")]  # committed, waiting on the webhook step
    assert [r.text for r in replies] == ["Sent.", "Done, ivan."]
    talk.refresh_from_db()
    assert talk.flow_id is None  # the flow ran to its end after the reply


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_webhook_reply_for_a_conversation_that_moved_on_is_dropped(
    admin: User, receiver: Receiver
) -> None:
    from deskline.knowledge.bot_flows import Later, flow_webhook_resume

    client_user = ContactUserFactory(contact=ContactFactory(company=CompanyFactory()))
    password_flow(admin, receiver.url)
    talk = conversation_start(user=client_user)
    conversation_say(user=client_user, conversation_id=talk.pk, text="reset password")
    conversation_say(user=client_user, conversation_id=talk.pk, text="ivan")
    said = BotMessage.objects.count()
    flow_webhook_resume(conversation_id=talk.pk, user=client_user, key="call", later=Later([]))
    assert BotMessage.objects.count() == said and len(receiver.received) == 1  # not called again
