"""The desk's own data: each agent's personal saved filters of the ticket list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class SavedFilter(models.Model):
    """A named set of list filters (view, search, ids, sort) that only its owner sees."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    name = models.CharField(_("name"), max_length=80)
    #: The cleaned parameters of `deskline.desk.filtering.clean_params`.
    params = models.JSONField(_("filters"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["owner", Lower("name").asc()]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [
            # One name per owner whatever its case; the index also serves the sidebar's read.
            models.UniqueConstraint("owner", Lower("name"), name="saved_filter_owner_name_uniq"),
        ]

    def __str__(self) -> str:
        return self.name
