"""Sender proof (pure): signed reply addresses and trusted Authentication-Results."""

from __future__ import annotations

import pytest

from deskline.channels.senderproof import authentication_passes, sender_verdict
from deskline.core.mailformat import reply_signature

TRUSTED = ["mx.desk.example"]


@pytest.mark.parametrize(
    ("header", "method"),
    [
        ("mx.desk.example; dmarc=pass header.from=client.example", "dmarc"),
        ("mx.desk.example; dkim=pass header.d=client.example header.s=k1", "dkim"),
        ("mx.desk.example; dkim=pass header.d=mail.client.example", "dkim"),
        ("mx.desk.example; spf=pass smtp.mailfrom=bounce@client.example", "spf"),
        ("mx.desk.example 1; dkim=fail header.d=client.example; spf=pass "
         "smtp.mailfrom=client.example", "spf"),
        ("mx.desk.example; dkim=pass header.d=attacker.example", ""),
        ("mx.desk.example; dkim=softfail header.d=client.example", ""),
        ("evil.example; dkim=pass header.d=client.example", ""),
    ],
)  # fmt: skip
def test_only_a_trusted_servers_aligned_pass_counts(header: str, method: str) -> None:
    assert authentication_passes([header], "anna@client.example", TRUSTED) == method


def test_without_a_trusted_server_no_header_counts() -> None:
    header = "mx.desk.example; dkim=pass header.d=client.example"
    assert authentication_passes([header], "anna@client.example", []) == ""


def test_the_signed_reply_address_of_the_ticket_proves_the_sender() -> None:
    signed = f"support+7.{reply_signature(7)}@desk.example"
    verdict = sender_verdict(number=7, recipients=[signed], mailbox_address="support@desk.example",
                             from_address="x@y.example", authentication_results=[],
                             trusted_authserv_ids=[])  # fmt: skip
    assert verdict.verified


@pytest.mark.parametrize("number", [7, 8])
def test_a_wrong_or_foreign_signature_proves_nothing(number: int) -> None:
    recipients = [f"support+7.{reply_signature(8)}@desk.example", "support+7@desk.example"]
    verdict = sender_verdict(number=number, recipients=recipients,
                             mailbox_address="support@desk.example", from_address="x@y.example",
                             authentication_results=[], trusted_authserv_ids=[])  # fmt: skip
    assert not verdict.verified
