"""Admin pages of operations: the routing what-if (replay recent tickets through new rules)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse

from deskline.core.admin import ReadOnlyAdmin
from deskline.core.errors import DomainError
from deskline.core.roles import Role
from deskline.operations.models import AuditEntry, RoutingWhatIf
from deskline.operations.whatif import routing_what_if
from deskline.routing.models import RuleSet


def _rule_sets_in_force() -> list[dict[str, Any]]:
    return [
        {"name": rs.name, "mode": rs.mode, "rules": [
            {"name": r.name, "conditions": r.conditions, "actions": r.actions}
            for r in rs.rules.all() if r.is_active
        ]}
        for rs in RuleSet.objects.filter(is_active=True).prefetch_related("rules")
    ]  # fmt: skip


@admin.register(RoutingWhatIf)
class RoutingWhatIfAdmin(ReadOnlyAdmin):
    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        user = request.user
        return bool(
            user.is_active and (user.is_superuser or getattr(user, "role", "") == Role.ADMIN)
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        days, raw = 30, json.dumps(_rule_sets_in_force(), ensure_ascii=False, indent=2)
        report, error = None, ""
        if request.method == "POST":
            raw = request.POST.get("rule_sets", "")
            try:
                days = int(request.POST.get("days") or 30)
                proposed = json.loads(raw)
                if not isinstance(proposed, list) or not all(isinstance(r, dict) for r in proposed):
                    raise TypeError("a JSON list of rule sets is expected")
                report = routing_what_if(actor=request.user, rule_sets=proposed, days=days)  # type: ignore[arg-type]
            except (ValueError, TypeError) as exc:
                error = f"not valid JSON or days: {exc}"
            except DomainError as exc:
                error = "; ".join(f"{k}: {v}" for k, v in exc.fields.items()) or exc.message
        context = {**self.admin_site.each_context(request), "title": "Routing what-if",
                   "days": days, "rule_sets_json": raw, "report": report, "error": error,
                   "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "operations/what_if.html", context)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "model", "object_repr", "path"]
    list_filter = ["action", "model"]
    search_fields = ["actor_name", "object_repr", "object_id", "request_id"]
