"""Signing in and out of the desk (Django's auth views with the desk's templates)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy

from deskline.accounts.models import User
from deskline.notifications.password_reset import StaffPasswordResetForm

desk_login = auth_views.LoginView.as_view(
    template_name="desk/login.html", redirect_authenticated_user=True, next_page="/"
)
desk_logout = auth_views.LogoutView.as_view(next_page="/login/")

#: The desk's own password reset (staff logins), with the portal's pages in the desk's frame.
_RESET_CONTEXT = {"base_template": "desk/skeleton.html", "login_url": "/login/",
                  "reset_url": "/password-reset/"}  # fmt: skip
password_reset = auth_views.PasswordResetView.as_view(
    form_class=StaffPasswordResetForm,
    template_name="portal/password_reset.html",
    email_template_name="portal/password_reset_email.txt",
    subject_template_name="portal/password_reset_subject.txt",
    extra_email_context={"confirm_url_name": "desk:password_reset_confirm"},
    extra_context=_RESET_CONTEXT,
    success_url=reverse_lazy("desk:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="portal/password_reset_done.html", extra_context=_RESET_CONTEXT
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="portal/password_reset_confirm.html", extra_context=_RESET_CONTEXT,
    success_url=reverse_lazy("desk:password_reset_complete"),
)  # fmt: skip
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="portal/password_reset_complete.html", extra_context=_RESET_CONTEXT
)


class PasswordChange(auth_views.PasswordChangeView):
    """Change one's own password; it also clears "must change password" (the first admin's)."""

    template_name = "desk/password_change.html"
    success_url = "/"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        User.objects.filter(pk=self.request.user.pk or 0).update(must_change_password=False)
        return response


password_change = PasswordChange.as_view()
