"""Real mail servers on loopback for tests: an aiosmtpd sink and Debian's Dovecot (IMAP).

Dovecot listens for plain IMAP (which also offers STARTTLS) and for IMAP over TLS, with a
certificate from a CA made for the session, and accepts passwords as well as XOAUTH2 tokens
that a local OAuth2 server vouches for.
"""

from __future__ import annotations

import email
import email.policy
import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from tests.channels.authservers import OAuthServer, TlsFiles, make_tls
from tests.servers import server_missing


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parsed["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[SmtpSink]:
    """A real SMTP server on 127.0.0.1; Django's SMTP backend points at it."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink("127.0.0.1", free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "Support <support@desk.example>"
    settings.DESKLINE_MAIL_REPLY_TO = "support@desk.example"
    try:
        yield sink
    finally:
        controller.stop()


@dataclass
class Dovecot:
    host: str
    port: int
    user: str
    password: str
    maildir: Path
    uid: int
    gid: int
    ssl_port: int
    ca_pem: str
    oauth: OAuthServer

    def deliver(self, raw: bytes, name: str) -> None:
        """Drop a message into the Maildir's new/ folder, as a local delivery agent would."""
        tmp = self.maildir / "tmp" / name
        tmp.write_bytes(raw)
        os.chown(tmp, self.uid, self.gid)
        tmp.rename(self.maildir / "new" / name)


_CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
ssl = yes
ssl_cert = <{tls.cert_path}
ssl_key = <{tls.key_path}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
auth_failure_delay = 0
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:{base}/mail/%u
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
  mechanisms = plain login
}}
passdb {{
  driver = oauth2
  args = {base}/oauth2.conf
  mechanisms = xoauth2
}}
userdb {{
  driver = static
  args = uid={owner} gid={group} home={base}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
  }}
}}
service anvil {{
  chroot =
  # No auth penalty: a test's refused login must not delay the next test's login by seconds.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  chroot =
}}
"""

_OAUTH2_CONFIG = """\
introspection_mode = post
introspection_url = {url}
username_attribute = username
username_format = %u
active_attribute = active
active_value = true
force_introspection = yes
"""


ACCOUNTS = 50


@dataclass
class _DovecotProcess:
    host: str
    port: int
    base: Path
    uid: int
    gid: int
    ssl_port: int
    tls: TlsFiles
    oauth: OAuthServer
    accounts: int = 0

    def new_account(self) -> Dovecot:
        """The next unused user, with an empty Maildir."""
        self.accounts += 1
        if self.accounts > ACCOUNTS:
            pytest.fail(f"more than {ACCOUNTS} Dovecot accounts used: raise ACCOUNTS")
        user = f"desk{self.accounts}"
        maildir = self.base / "mail" / user
        for sub in ("new", "cur", "tmp"):
            (maildir / sub).mkdir(parents=True)
        for path in [maildir, *maildir.iterdir()]:
            os.chown(path, self.uid, self.gid)
        return Dovecot(
            self.host,
            self.port,
            user,
            "secret-pass",
            maildir,
            self.uid,
            self.gid,
            self.ssl_port,
            self.tls.ca_pem,
            self.oauth,
        )


@pytest.fixture
def dovecot_server(_dovecot: _DovecotProcess) -> Dovecot:
    """An IMAP account of its own on the shared Dovecot, with an empty INBOX."""
    return _dovecot.new_account()


@pytest.fixture(scope="session")
def _dovecot() -> Iterator[_DovecotProcess]:
    """Debian's Dovecot on a free loopback port with a generated config (no system files)."""
    binary = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    if binary is None:
        server_missing("Dovecot (a real IMAP server)", "Debian: apt-get install -y dovecot-imapd")

    # Dovecot's login processes run as dovenull: the folder must be reachable by it, and
    # pytest's own temp folder (mode 0700) is not.
    base = Path(tempfile.mkdtemp(prefix="deskline-dovecot-"))
    base.chmod(0o755)
    # Mail belongs to the unprivileged "dovecot" user: Dovecot refuses to serve mail as root.
    owner = pwd.getpwnam("dovecot")
    group = grp.getgrgid(owner.pw_gid).gr_name
    port = ssl_port = free_port()
    while ssl_port == port:
        ssl_port = free_port()
    tls = make_tls(base / "tls")
    oauth = OAuthServer()
    oauth.start()
    (base / "oauth2.conf").write_text(_OAUTH2_CONFIG.format(url=oauth.introspection_url))
    for sub in ("run", "state", "home", "mail"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    for path in (base / "home", base / "mail"):
        os.chown(path, owner.pw_uid, owner.pw_gid)
    # All users up front: Dovecot caches the passwd file, so users added later may not log in.
    users = "".join(f"desk{n}:{{PLAIN}}secret-pass\n" for n in range(1, ACCOUNTS + 1))
    (base / "passwd").write_text(users)
    config = base / "dovecot.conf"
    config.write_text(
        _CONFIG.format(
            base=base,
            port=port,
            ssl_port=ssl_port,
            tls=tls,
            owner=owner.pw_name,
            group=group,
        )
    )
    # -F: stay in the foreground as our child, so stopping it is stopping one process we own.
    process = subprocess.Popen(
        [binary, "-F", "-c", str(config)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = _DovecotProcess(
        "127.0.0.1", port, base, owner.pw_uid, owner.pw_gid, ssl_port, tls, oauth
    )
    try:
        for listening in (port, ssl_port):
            _wait_for_port(listening, base / "dovecot.log", process)
        yield server
    finally:
        oauth.stop()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(base, ignore_errors=True)


def _wait_for_port(port: int, log: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"Dovecot did not start: {log.read_text() if log.exists() else 'no log'}")
