"""Whether a mail's sender is who its From: says (pure: values in, a verdict out).

A From: header proves nothing: anyone can write an agent's address into it. Proof is one of:
- the mail was sent to the ticket's signed reply address (`support+N.<signature>@…`, signed
  with the secret key; our notifications use it as Reply-To), which only people who received
  our mail about ticket N know;
- an `Authentication-Results` header (RFC 8601) added by the installation's own mail server
  (its authserv-id is configured as trusted) reporting DMARC, DKIM or SPF pass for the From
  domain (DKIM's d= and SPF's mail-from domain must align with it). The trusted server must
  remove such headers arriving from outside, as OpenDMARC and Postfix setups do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from deskline.core.mailformat import signed_address_token

_RESULT = re.compile(r"\b(dmarc|dkim|spf)\s*=\s*([a-z]+)", re.IGNORECASE)
_PROPERTY = re.compile(r"\b(header\.from|header\.d|header\.i|smtp\.mailfrom)\s*=\s*([^\s;]+)",
                       re.IGNORECASE)  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    verified: bool
    reason: str


def _domain(value: str) -> str:
    return value.strip().strip("<>\"'").rpartition("@")[2].lower().rstrip(".")


def _aligned(domain: str, from_domain: str) -> bool:
    """Relaxed alignment: the same domain, or one is a subdomain of the other."""
    return bool(domain) and (
        domain == from_domain
        or from_domain.endswith("." + domain)
        or domain.endswith("." + from_domain)
    )


def _passes(resinfo: str, from_domain: str) -> str:
    """The method that passed for the From domain in one result clause, or ""."""
    result = _RESULT.search(resinfo)
    if result is None or result.group(2).lower() != "pass":
        return ""
    method = result.group(1).lower()
    properties = {k.lower(): _domain(v) for k, v in _PROPERTY.findall(resinfo)}
    wanted = {"dmarc": ("header.from",), "dkim": ("header.d", "header.i"),
              "spf": ("smtp.mailfrom",)}[method]  # fmt: skip
    return method if any(_aligned(properties.get(k, ""), from_domain) for k in wanted) else ""


def authentication_passes(
    headers: Iterable[str], from_address: str, trusted_authserv_ids: Sequence[str]
) -> str:
    """The first method a trusted Authentication-Results header reports passing, or ""."""
    from_domain = _domain(from_address)
    trusted = {t.strip().lower() for t in trusted_authserv_ids if t.strip()}
    if not from_domain or not trusted:
        return ""
    for header in headers:
        authserv, _, rest = " ".join(header.split()).partition(";")
        if authserv.split(" ")[0].lower() not in trusted:
            continue
        for resinfo in rest.split(";"):
            method = _passes(resinfo, from_domain)
            if method:
                return method
    return ""


def sender_verdict(
    *,
    number: int,
    recipients: Sequence[str],
    mailbox_address: str,
    from_address: str,
    authentication_results: Iterable[str],
    trusted_authserv_ids: Sequence[str],
) -> Verdict:
    if signed_address_token(recipients, mailbox_address) == number:
        return Verdict(True, "sent to the ticket's signed reply address")
    method = authentication_passes(authentication_results, from_address, trusted_authserv_ids)
    if method:
        return Verdict(True, f"{method} passed at the trusted mail server")
    return Verdict(False, "no signed reply address and no trusted DKIM, SPF or DMARC pass")
