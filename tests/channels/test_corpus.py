"""The real-world corpus (Ruby `mail` fixtures, MIT) through intake: nothing crashes or is lost."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from deskline.channels.models import InboundMessage
from deskline.channels.services import mail_ingest
from deskline.tickets.models import Ticket

CORPUS = Path(__file__).resolve().parent.parent / "data" / "mail" / "ruby-mail-fixtures"
FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "MIT-LICENSE")

pytestmark = pytest.mark.django_db


def test_corpus_is_there():
    assert len(FILES) == 105
    assert (CORPUS / "MIT-LICENSE").exists()


def test_every_corpus_message_gets_an_outcome_with_counts(mailbox):
    outcomes: Counter[str] = Counter()
    for path in FILES:
        result = mail_ingest(mailbox=mailbox, raw=path.read_bytes())
        assert result.status != "received", path
        if result.status in ("ignored", "quarantined"):
            assert result.reason, path
        kind = "duplicate" if result.duplicate else result.summary.split(" ")[0].rstrip(":")
        outcomes[kind] += 1
    # Many fixtures share a Message-ID: those are the same message, stored and counted once.
    assert outcomes == {"ticket": 60, "comment": 2, "ignored": 11, "duplicate": 32}
    assert InboundMessage.objects.count() == 105 - 32
    assert Ticket.objects.count() == 60
    statuses = Counter(InboundMessage.objects.values_list("status", flat=True))
    assert statuses == {"processed": 62, "ignored": 11}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("multi_charset/japanese_iso_2022.eml", "ticket"),
        ("multipart_report_emails/report_530.eml", "ignored: auto-submitted"),
        ("multipart_report_emails/multipart_report_multiple_status.eml", "ignored: delivery"),
        ("error_emails/bad_date_header.eml", "ignored: precedence: junk"),
        ("plain_emails/mix_caps_content_type.eml", "ticket"),
    ],
)
def test_corpus_samples(mailbox, name, expected):
    result = mail_ingest(mailbox=mailbox, raw=(CORPUS / "emails" / name).read_bytes())
    assert result.summary.startswith(expected)


def test_iso_2022_jp_subject_and_body_are_decoded(mailbox):
    raw = (CORPUS / "emails" / "multi_charset" / "japanese_iso_2022.eml").read_bytes()
    ticket = Ticket.objects.get(number=mail_ingest(mailbox=mailbox, raw=raw).ticket_number)
    assert any(
        "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff"
        for ch in ticket.title + ticket.description
    )
