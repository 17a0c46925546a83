"""Signing in and out of the desk (Django's auth views with the desk's templates)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

desk_login = auth_views.LoginView.as_view(
    template_name="desk/login.html", redirect_authenticated_user=True, next_page="/"
)
desk_logout = auth_views.LogoutView.as_view(next_page="/login/")
