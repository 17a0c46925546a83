"""Which values of a finished ticket a person confirmed: the training rule (pure, no ORM).

Triage learns only from values people stand behind. A value the creator chose, a routing rule
an admin wrote set, or an agent corrected (or accepted from a suggestion: that is an agent's
change) counts. A value that triage applied itself when the ticket was created and that no
later change touched does not: training on it would teach the model its own guesses. Neither
does a value triage set later (once the ticket's embedding was stored, `prediction_refresh`,
as the *Triage* system user) that nobody changed afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def unconfirmed_columns(
    applied_by_triage: Iterable[str],
    later_changes: Iterable[Mapping[str, object]],
    by_triage: Iterable[bool] = (),
) -> set[str]:
    """The columns whose current value is still one triage set.

    `applied_by_triage`: the columns (`category_id`, ...) triage set in the `created` event;
    `later_changes`: the `changes` mapping ({column: [before, after]}) of every later event, in
    order; `by_triage`: for each of them, whether triage made it (missing: False).
    """
    untouched = set(applied_by_triage)
    flags = iter(by_triage)
    for changes in later_changes:
        if next(flags, False):
            untouched |= set(changes)
        else:
            untouched -= set(changes)
    return untouched
