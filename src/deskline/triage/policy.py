"""What to do with one prediction: apply it, suggest it, or keep it to the record (pure).

The admin's mode per field is off, suggest or apply. In apply mode a prediction is applied
only when its calibrated probability is at or above the field's threshold and the creator
left the field empty; below the threshold it is offered as a suggestion, like in suggest mode.
"""

from __future__ import annotations

OFF, SUGGEST, APPLY = "off", "suggest", "apply"
APPLIED, SUGGESTED, GIVEN = "applied", "suggested", "given"


def outcome(mode: str, threshold: float, confidence: float, *, already_set: bool) -> str | None:
    """ "applied", "suggested", "given" (the creator chose the field), or None when off."""
    if mode not in (SUGGEST, APPLY):
        return None
    if already_set:
        return GIVEN
    if mode == APPLY and confidence >= threshold:
        return APPLIED
    return SUGGESTED
