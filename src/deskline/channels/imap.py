"""IMAP polling: fetch new mail by UID, store and process it, and only then mark or move it.

The order makes a crash harmless: a message is marked seen (or moved) and its UID recorded
only after intake committed it; a message fetched twice is found by its key and not
processed again. A first connection (or a new UIDVALIDITY) imports nothing older than the
mailbox's since-date, or nothing at all that was already there when no since-date is set.

TLS (implicit or STARTTLS) verifies the server's certificate against the system's CAs, or
only against the mailbox's own CA when one is set; a failed poll is recorded on the mailbox
(`last_error`) in words an administrator can act on, and logged.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass, field

from django.utils import timezone

from deskline.channels.models import Mailbox
from deskline.channels.oauth import mailbox_access_token
from deskline.channels.oauthwire import TokenRefreshFailed
from deskline.channels.services import IntakeResult, mail_ingest
from deskline.channels.vault import SecretUnreadable, unseal

logger = logging.getLogger(__name__)

_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
_UIDNEXT = re.compile(rb"UIDNEXT (\d+)")
TIMEOUT = 60


@dataclass
class PollResult:
    fetched: int = 0
    results: list[IntakeResult] = field(default_factory=list)
    error: str = ""


class LoginRefused(Exception):
    """The server refused the credentials (password or OAuth2 token)."""


def tls_context(mailbox: Mailbox) -> ssl.SSLContext:
    """Verifying by default; the mailbox's CA instead of the system's when it has one."""
    context = ssl.create_default_context(cadata=mailbox.imap_ca_certificate.strip() or None)
    if not mailbox.imap_verify_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    if mailbox.imap_security == Mailbox.Security.SSL:
        return imaplib.IMAP4_SSL(
            mailbox.imap_host, mailbox.imap_port, ssl_context=tls_context(mailbox), timeout=TIMEOUT
        )
    client = imaplib.IMAP4(mailbox.imap_host, mailbox.imap_port, timeout=TIMEOUT)
    if mailbox.imap_security == Mailbox.Security.STARTTLS:
        client.starttls(tls_context(mailbox))
    return client


def _login(client: imaplib.IMAP4, mailbox: Mailbox) -> None:
    if not mailbox.uses_oauth:
        try:
            client.login(mailbox.imap_username, unseal(mailbox.imap_password))
        except imaplib.IMAP4.error as exc:
            raise LoginRefused(
                f"password login refused for {mailbox.imap_username}: {exc}"
            ) from exc
        return
    token = mailbox_access_token(mailbox)
    auth = f"user={mailbox.imap_username}\x01auth=Bearer {token}\x01\x01".encode()
    challenges: list[bytes] = []

    def answer(challenge: bytes) -> bytes:
        # The first call sends the credentials; a second one carries the server's JSON error,
        # which RFC 7628 says to acknowledge with an empty response.
        challenges.append(challenge)
        return auth if len(challenges) == 1 else b""

    try:
        client.authenticate("XOAUTH2", answer)
    except imaplib.IMAP4.error as exc:
        detail = challenges[1].decode("utf-8", "replace") if len(challenges) > 1 else ""
        raise LoginRefused(
            f"XOAUTH2 login refused for {mailbox.imap_username}: {exc}"
            + (f" (server said {detail})" if detail else "")
        ) from exc


def describe_error(exc: Exception, mailbox: Mailbox) -> str:
    """What went wrong, in words that say what to fix."""
    where = f"{mailbox.imap_host}:{mailbox.imap_port}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        hint = (
            "connect by the name the certificate is issued to"
            if "mismatch" in str(exc.verify_message)
            else "add the CA certificate that signed it to the mailbox"
        )
        return f"TLS certificate of {where} not trusted ({exc.verify_message}): {hint}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS with {where} failed: {exc}"
    if isinstance(exc, LoginRefused | TokenRefreshFailed | SecretUnreadable):
        return str(exc)
    if isinstance(exc, imaplib.IMAP4.error):
        return f"IMAP error from {where}: {exc}"
    if isinstance(exc, OSError):
        return f"cannot connect to {where}: {exc}"
    return f"{type(exc).__name__}: {exc}"


def _check(response: tuple[str, list], what: str) -> list:  # type: ignore[type-arg]
    status, data = response
    if status != "OK":
        raise imaplib.IMAP4.error(f"{what} failed: {data!r}")
    return data


def _folder_state(client: imaplib.IMAP4, folder: str) -> tuple[int, int]:
    """(UIDVALIDITY, UIDNEXT) of the folder."""
    data = _check(client.status(_quote(folder), "(UIDVALIDITY UIDNEXT)"), "STATUS")
    line = data[0] if isinstance(data[0], bytes) else b""
    validity, uidnext = _UIDVALIDITY.search(line), _UIDNEXT.search(line)
    if validity is None or uidnext is None:
        raise imaplib.IMAP4.error(f"STATUS without UIDVALIDITY/UIDNEXT: {line!r}")
    return int(validity.group(1)), int(uidnext.group(1))


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _start_uid(client: imaplib.IMAP4, mailbox: Mailbox, uidnext: int) -> int:
    """The last UID to treat as already seen on a first connection."""
    if mailbox.since is None:
        return uidnext - 1
    since = timezone.localtime(mailbox.since).strftime("%d-%b-%Y")
    found = _check(client.uid("SEARCH", "SINCE", since), "SEARCH")
    uids = sorted(int(u) for u in (found[0] or b"").split())
    return uids[0] - 1 if uids else uidnext - 1


def _new_uids(client: imaplib.IMAP4, last_uid: int) -> list[int]:
    found = _check(client.uid("SEARCH", "UID", f"{last_uid + 1}:*"), "SEARCH")
    # "N:*" always matches the highest UID, even below N: filter.
    return sorted(u for u in (int(x) for x in (found[0] or b"").split()) if u > last_uid)


def _fetch(client: imaplib.IMAP4, uid: int) -> bytes:
    data = _check(client.uid("FETCH", str(uid), "(BODY.PEEK[])"), "FETCH")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1])
    raise imaplib.IMAP4.error(f"FETCH {uid} returned no body")


def _done(client: imaplib.IMAP4, mailbox: Mailbox, uid: int) -> None:
    if not mailbox.imap_move_to:
        _check(client.uid("STORE", str(uid), "+FLAGS", "(\\Seen)"), "STORE")
        return
    target = _quote(mailbox.imap_move_to)
    if "MOVE" in client.capabilities:
        _check(client.uid("MOVE", str(uid), target), "MOVE")
    else:
        _check(client.uid("COPY", str(uid), target), "COPY")
        _check(client.uid("STORE", str(uid), "+FLAGS", "(\\Deleted)"), "STORE")
        client.expunge()


def mailbox_poll(*, mailbox_id: int, limit: int = 500) -> PollResult:
    """One round for one mailbox; errors are recorded on the mailbox and returned."""
    mailbox = Mailbox.objects.get(pk=mailbox_id)
    result = PollResult()
    try:
        client = _connect(mailbox)
        try:
            _poll(client, mailbox, result, limit)
        finally:
            # The connection may be gone already; there is nothing left to save.
            with contextlib.suppress(Exception):
                client.logout()
    except Exception as exc:
        result.error = describe_error(exc, mailbox)[:2000]
        logger.warning("mailbox %s: poll failed: %s", mailbox.name, result.error)
    Mailbox.objects.filter(pk=mailbox_id).update(
        last_polled_at=timezone.now(), last_error=result.error
    )
    return result


def _poll(client: imaplib.IMAP4, mailbox: Mailbox, result: PollResult, limit: int) -> None:
    _login(client, mailbox)
    validity, uidnext = _folder_state(client, mailbox.imap_folder)
    _check(client.select(_quote(mailbox.imap_folder)), "SELECT")
    if mailbox.uid_validity != validity:
        # First connection, or the server renumbered the folder: start from the since-date.
        mailbox.uid_validity, mailbox.last_uid = validity, _start_uid(client, mailbox, uidnext)
        Mailbox.objects.filter(pk=mailbox.pk).update(
            uid_validity=validity, last_uid=mailbox.last_uid
        )
    for uid in _new_uids(client, mailbox.last_uid)[:limit]:
        raw = _fetch(client, uid)
        result.fetched += 1
        result.results.append(mail_ingest(mailbox=mailbox, raw=raw))
        _done(client, mailbox, uid)
        Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=uid)
        mailbox.last_uid = uid
