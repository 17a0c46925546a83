"""The SMS gateway's pure parts: requests from templates, the success check, the text."""

from __future__ import annotations

import pytest

from deskline.channels.smsgateway import (
    build_request,
    is_success,
    parse_statuses,
    sms_phone,
    sms_text,
    template_errors,
)


def test_text_placeholder_is_escaped_for_a_plain_text_body_not_at_all():
    request = build_request(method="post", url_template="https://g.example/{phone}",
                            body_template="{phone}: {text}", body_type="text",
                            phone="+79123456789", text="a & b")  # fmt: skip
    assert request.method == "POST" and request.url == "https://g.example/+79123456789"
    assert request.body == b"+79123456789: a & b"
    assert request.headers["Content-Type"].startswith("text/plain")


def test_get_has_no_body_whatever_the_body_template():
    request = build_request(method="GET", url_template="https://g.example/?t={text}",
                            body_template="x={text}", body_type="form", phone="+7", text="a b")  # fmt: skip
    assert request.body is None and request.url == "https://g.example/?t=a%20b"


def test_digits_format_drops_the_plus():
    assert sms_phone("+79123456789", "digits") == "79123456789"
    assert sms_phone("+79123456789", "e164") == "+79123456789"


def test_text_is_subject_then_body_cut_at_the_limit():
    assert sms_text("[#12] Status", "In progress\n\n\n\nThanks", 0) == (
        "[#12] Status\nIn progress\n\nThanks"
    )
    cut = sms_text("Subject", "x" * 500, 20)
    assert len(cut) == 20 and cut.endswith("…")


@pytest.mark.parametrize(
    ("spec", "status", "ok"),
    [("200-299", 204, True), ("200-299", 302, False), ("200, 202", 202, True), ("200", 201, False)],
)
def test_success_statuses(spec, status, ok):
    assert is_success(status=status, answer="", statuses=spec, contains="") is ok


def test_success_text_must_be_in_the_answer():
    assert is_success(status=200, answer='{"ok":true}', statuses="200", contains='"ok":true')
    assert not is_success(status=200, answer='{"ok":false}', statuses="200", contains='"ok":true')


def test_unreadable_statuses_and_templates_are_reported_by_field():
    with pytest.raises(ValueError, match="2xx"):
        parse_statuses("2xx")
    assert set(template_errors(url="sms.example", body="", statuses="")) == {
        "url_template", "success_statuses",
    }  # fmt: skip
    assert (
        template_errors(url="https://g.example/send", body='{"to":"{phone}"}', statuses="200") == {}
    )
