"""Pure mail modules: parsing, loop guard, threading decisions, quote stripping."""

from __future__ import annotations

from email.header import Header
from email.message import EmailMessage

from hypothesis import given
from hypothesis import strategies as st

from deskline.channels.loopguard import automatic_reason
from deskline.channels.mailparse import parse_mail
from deskline.channels.mailthread import decide_thread, strip_reply_prefix
from deskline.channels.quoting import strip_quotes
from deskline.core.mailformat import address_token, subject_token, subject_with_token


def _raw(body: str = "Hello", charset: str = "utf-8", **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = headers.pop("From", "Anna <anna@client.example>")
    msg["To"] = headers.pop("To", "support@desk.example")
    msg["Subject"] = headers.pop("Subject", "Printer")
    msg["Message-ID"] = headers.pop("Message_ID", "<m1@client.example>")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body, charset=charset)
    return msg.as_bytes()


def test_parse_reads_sender_subject_and_ids():
    mail = parse_mail(_raw(In_Reply_To="<a@x>", References="<r@x> <a@x>"))
    assert (mail.from_name, mail.from_addr) == ("Anna", "anna@client.example")
    assert mail.subject == "Printer" and mail.message_id == "m1@client.example"
    assert mail.thread_ids == ["a@x", "r@x"]


def test_parse_decodes_koi8r_and_windows1251_bodies():
    for charset in ("koi8-r", "windows-1251"):
        raw = (
            f"From: a@b.example\nSubject: x\nContent-Type: text/plain; charset={charset}\n"
            "Content-Transfer-Encoding: 8bit\n\n"
        ).encode() + "Принтер не печатает".encode(charset)
        assert parse_mail(raw).text.strip() == "Принтер не печатает"


def test_parse_decodes_encoded_word_subject():
    encoded = Header("Принтер", "koi8-r").encode()
    raw = f"From: a@b.example\nSubject: {encoded}\n\nbody".encode()
    assert parse_mail(raw).subject == "Принтер"


def test_parse_survives_an_unknown_charset():
    raw = b"From: a@b.example\nSubject: x\nContent-Type: text/plain; charset=x-nonsense\n\nabc\xff"
    assert parse_mail(raw).text.startswith("abc")


def test_html_only_mail_is_sanitised_with_a_text_version():
    raw = (
        b"From: a@b.example\nSubject: x\nContent-Type: text/html; charset=utf-8\n\n"
        b"<p>Hi <b>there</b></p><script>alert(1)</script>"
    )
    mail = parse_mail(raw)
    assert "<script" not in mail.safe_html and "<b>there</b>" in mail.safe_html
    assert mail.body_text == "Hi there"


def test_inline_image_keeps_its_content_id_and_attachment_its_name():
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "a@b.example", "pics"
    msg.set_content("text")
    msg.add_alternative('<p><img src="cid:img1@x"></p>', subtype="html")
    msg.get_payload()[1].add_related(b"\x89PNG....", "image", "png", cid="<img1@x>")
    msg.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="отчёт.pdf")
    mail = parse_mail(msg.as_bytes())
    by_name = {p.filename: p for p in mail.attachments}
    assert by_name["отчёт.pdf"].data == b"%PDF-1.4"
    inline = [p for p in mail.attachments if p.content_id == "img1@x"]
    assert inline and inline[0].inline


@given(st.binary(max_size=400))
def test_parse_never_raises_on_arbitrary_bytes(raw):
    parse_mail(raw)


def _reason(**headers: str) -> str | None:
    return automatic_reason(
        headers={k.lower().replace("_", "-"): [v] for k, v in headers.items()},
        sender=headers.get("sender", "anna@client.example"),
        content_type=headers.get("ctype", "text/plain"),
        own_addresses=["support@desk.example"],
    )


def test_loop_guard_flags_automatic_mail():
    assert _reason(Auto_Submitted="auto-replied")
    assert _reason(X_Autoreply="yes") and _reason(X_Autorespond="yes")
    assert _reason(Precedence="bulk") and _reason(Precedence="junk") and _reason(Precedence="list")
    assert _reason(List_Id="<users.lists.example>")
    assert _reason(ctype="multipart/report")
    assert _reason(sender="MAILER-DAEMON@mx.example")
    assert _reason(sender="support@desk.example")
    assert _reason(X_Deskline_Loop="desk.example")


def test_loop_guard_lets_a_person_through():
    assert _reason() is None
    assert _reason(Auto_Submitted="no") is None


def test_subject_tokens():
    assert subject_token("Re: [#1234] Printer") == 1234
    assert subject_token("Printer #1234") is None
    assert subject_with_token("Re: [#12]  Printer", 12) == "Re: [#12] Printer"
    assert subject_with_token("Printer", 12) == "[#12] Printer"
    assert strip_reply_prefix("RE: Fwd: Ответ: Printer") == "Printer"


def test_address_token_only_for_our_mailbox():
    assert address_token(["support+77@desk.example"], "support@desk.example") == 77
    assert address_token(["other+77@desk.example"], "support@desk.example") is None


def test_thread_prefers_known_message_ids_then_tokens():
    decide = decide_thread
    known = {"ours@desk": 5}
    args = {"recipients": [], "mailbox_address": "support@desk.example"}
    assert (
        decide(
            thread_ids=["ours@desk"], known_ids=known, subject="[#9]", existing_numbers=[9], **args
        ).number
        == 5
    )
    assert (
        decide(
            thread_ids=[], known_ids=known, subject="Re: [#9] x", existing_numbers=[9], **args
        ).by
        == "subject"
    )
    assert (
        decide(
            thread_ids=[], known_ids=known, subject="Re: [#9] x", existing_numbers=[], **args
        ).number
        is None
    )


def test_quotes_and_signatures_are_cut():
    text = (
        "Thanks, it works now.\n\nOn Mon, 1 Jan 2026 at 10:00, Support <s@d> wrote:\n> old text\n"
    )
    assert strip_quotes(text) == "Thanks, it works now."
    assert strip_quotes("Fine\n-- \nAnna\nACME") == "Fine"
    assert strip_quotes("Да\n\n12.01.2026, Иван написал:\n> ...") == "Да"
    outlook = "New info\n\nFrom: Support\nSent: Monday\nTo: Anna\nSubject: x\n\nold"
    assert strip_quotes(outlook) == "New info"
    assert strip_quotes("> only a quote") == "> only a quote"
