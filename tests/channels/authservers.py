"""Test doubles for what a mail server trusts: a throwaway CA and a local OAuth2 server.

`make_tls` writes a CA and a server certificate for 127.0.0.1 signed by it (Dovecot serves
the server certificate; tests trust the CA, or not). `OAuthServer` is an HTTP server in a
thread with two endpoints: `/introspect` (RFC 7662, what Dovecot's oauth2 passdb asks whether
an access token is active and whose it is) and `/token` (RFC 6749 section 6, a refresh-token
grant answered in the standard JSON wire format).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class TlsFiles:
    ca_pem: str
    cert_path: Path
    key_path: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: str, signer: Any, *, ca: bool
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
        builder = builder.add_extension(usage, critical=True).add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
    else:
        names = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()),
            critical=False,
        )
    return builder.sign(signer, hashes.SHA256())


def make_tls(folder: Path) -> TlsFiles:
    """A CA ("Deskline Test CA") and a certificate for 127.0.0.1/localhost that it signed."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _certificate("Deskline Test CA", ca_key, "Deskline Test CA", ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate("127.0.0.1", key, "Deskline Test CA", ca_key, ca=False)
    pem = serialization.Encoding.PEM
    cert_path, key_path = folder / "server.pem", folder / "server.key"
    cert_path.write_bytes(cert.public_bytes(pem) + ca_cert.public_bytes(pem))
    key_path.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return TlsFiles(ca_cert.public_bytes(pem).decode(), cert_path, key_path)


@dataclass
class OAuthServer:
    """Access tokens it issued (token -> user) and refresh grants it knows."""

    host: str = "127.0.0.1"
    port: int = 0
    client_id: str = "deskline-test"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    access: dict[str, str] = field(default_factory=dict)
    refresh: dict[str, str] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    _httpd: ThreadingHTTPServer | None = None

    @property
    def introspection_url(self) -> str:
        return f"http://{self.host}:{self.port}/introspect"

    @property
    def token_url(self) -> str:
        return f"http://{self.host}:{self.port}/token"

    def issue(self, user: str) -> str:
        token = f"at-{secrets.token_urlsafe(24)}"
        self.access[token] = user
        return token

    def issue_refresh(self, user: str) -> str:
        token = f"rt-{secrets.token_urlsafe(24)}"
        self.refresh[token] = user
        return token

    def introspect(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        user = self.access.get(form.get("token", ""))
        return 200, ({"active": True, "username": user} if user else {"active": False})

    def grant(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        if (form.get("client_id"), form.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "refresh_token":
            return 400, {"error": "unsupported_grant_type"}
        user = self.refresh.get(form.get("refresh_token", ""))
        if user is None:
            return 400, {"error": "invalid_grant", "error_description": "refresh token revoked"}
        return 200, {"access_token": self.issue(user), "token_type": "Bearer", "expires_in": 3600}

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                form = {k: v[0] for k, v in parse_qs(body).items()}
                routes = {"/introspect": server.introspect, "/token": server.grant}
                route = routes.get(self.path.split("?")[0])
                status, answer = route(form) if route else (404, {"error": "not_found"})
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self._httpd = ThreadingHTTPServer((self.host, 0), Handler)
        self.port = int(self._httpd.server_address[1])
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
