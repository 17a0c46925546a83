"""The second sign-in step, and setting up an authenticator (staff)."""

from __future__ import annotations

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from deskline.accounts.models import User
from deskline.accounts.two_factor import (
    has_two_factor,
    note_two_factor,
    secret_base32,
    totp_device_confirm,
    totp_device_start,
    totp_verify,
)
from deskline.core.errors import ValidationFailed


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if safe else "/"


@login_required(login_url="/login/")
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    error = ""
    if not has_two_factor(user):  # removed meanwhile (by an admin): nothing to ask for
        note_two_factor(request, has_device=False)
        return HttpResponseRedirect(_next(request))
    if request.method == "POST":
        device = totp_verify(user=user, token=request.POST.get("token", ""))
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next(request))
        error = "wrong"
    return render(request, "desk/two_factor_verify.html", {"error": error, "next": _next(request)},
                  status=422 if error else 200)  # fmt: skip


@login_required(login_url="/login/")
def setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST" and request.POST.get("token"):
        try:
            device = totp_device_confirm(user=user, token=request.POST["token"])
        except ValidationFailed:
            return _setup_page(request, user, error="wrong", status=422)
        otp_login(request, device)
        note_two_factor(request, has_device=True)
        return HttpResponseRedirect(_next(request))
    return _setup_page(request, user)


def _setup_page(
    request: HttpRequest, user: User, *, error: str = "", status: int = 200
) -> HttpResponse:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None or not error:
        device = totp_device_start(user=user)
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    context = {"secret": secret_base32(device), "qr": qr, "error": error, "next": _next(request)}
    return render(request, "desk/two_factor_setup.html", context, status=status)
