"""Which values of a finished ticket a person confirmed: the training rule (pure, no ORM).

Triage learns only from values people stand behind. A value the creator chose, a routing rule
an admin wrote set, or an agent corrected (or accepted from a suggestion: that is an agent's
change) counts. A value that triage applied itself when the ticket was created and that no
later change touched does not: training on it would teach the model its own guesses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def unconfirmed_columns(
    applied_by_triage: Iterable[str], later_changes: Iterable[Mapping[str, object]]
) -> set[str]:
    """The columns whose current value is still the one triage applied at creation.

    `applied_by_triage`: the columns (`category_id`, ...) triage set in the `created` event;
    `later_changes`: the `changes` mapping ({column: [before, after]}) of every later event.
    """
    untouched = set(applied_by_triage)
    for changes in later_changes:
        untouched -= set(changes)
        if not untouched:
            break
    return untouched
