"""The training rule: a value triage applied and nobody touched is not confirmed (pure)."""

from deskline.triage.history import unconfirmed_columns


def test_a_value_triage_applied_and_nobody_changed_is_unconfirmed() -> None:
    assert unconfirmed_columns({"category_id"}, [{"status": ["new", "open"]}]) == {"category_id"}


def test_a_value_a_person_changed_after_triage_is_confirmed() -> None:
    changes: list[dict[str, object]] = [{"category_id": [1, 2]}, {"status": ["new", "closed"]}]
    assert unconfirmed_columns({"category_id", "team_id"}, changes) == {"team_id"}


def test_nothing_applied_means_nothing_unconfirmed() -> None:
    assert unconfirmed_columns(set(), [{"category_id": [1, 2]}]) == set()


def test_a_value_triage_set_later_is_unconfirmed_until_someone_changes_it() -> None:
    later: list[dict[str, object]] = [{"category_id": [None, 3]}, {"status_id": [1, 2]}]
    assert unconfirmed_columns([], later, [True, False]) == {"category_id"}
    changed: list[dict[str, object]] = [*later, {"category_id": [3, 4]}]
    assert unconfirmed_columns([], changed, [True, False, False]) == set()
    # set at creation, a person changed it, then triage again (its embedding): triage's value
    again: list[dict[str, object]] = [{"category_id": [3, 4]}, {"category_id": [4, 5]}]
    assert unconfirmed_columns(["category_id"], again, [False, True]) == {"category_id"}
