"""The pure triage classifier: training, calibrated prediction, figures, thresholds."""

from __future__ import annotations

import numpy as np
import pytest

from deskline.triage import classifier

TEXTS = {
    "printer": [
        "Принтер не печатает, горит красная лампа",
        "the printer is jammed again on floor 3",
        "принтер зажевал бумагу",
        "printer shows paper jam error",
        "не работает принтер в бухгалтерии",
        "printer offline, cannot print invoices",
    ],
    "password": [
        "Забыл пароль от почты, помогите сбросить",
        "please reset my password, account locked",
        "не могу войти, пароль не подходит",
        "password expired and I cannot log in",
        "сбросьте пароль пользователю Иванову",
        "locked out of my account after password change",
    ],
    "network": [
        "Нет интернета во всём офисе",
        "wifi keeps disconnecting in the meeting room",
        "пропала сеть на втором этаже",
        "network is very slow, VPN drops",
        "не работает wifi у гостей",
        "no internet connection since morning",
    ],
}


def _data() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for label, items in TEXTS.items():
        texts += items
        labels += [label] * len(items)
    return texts, labels


@pytest.fixture(scope="module")
def trained() -> classifier.Classifier:
    texts, labels = _data()
    return classifier.train(texts, labels, folds=2)


def test_predicts_russian_and_english_with_a_probability(trained):
    predictions = trained.predict(["принтер опять не печатает", "reset password please"])
    assert [label for label, _ in predictions] == ["printer", "password"]
    assert all(0.0 < p <= 1.0 for _, p in predictions)


def test_probabilities_sum_to_one(trained):
    proba = trained.predict_proba(["нет сети"])
    assert proba.shape == (1, 3)
    assert proba.sum() == pytest.approx(1.0)


def test_settings_are_chosen_by_cross_validation_over_the_grid(trained):
    assert len(trained.cv_scores) == len(classifier.DEFAULT_GRID)
    assert trained.settings == max(trained.cv_scores, key=lambda pair: pair[1])[0]


def test_evaluate_reports_accuracy_macro_f1_and_ece(trained):
    evaluation = classifier.evaluate(
        trained, ["принтер не печатает", "wifi is down"], ["printer", "network"]
    )
    assert evaluation.accuracy == 1.0
    assert evaluation.macro_f1 == 1.0
    assert 0.0 <= evaluation.ece <= 1.0
    assert evaluation.size == 2


def test_expected_calibration_error_is_zero_when_confidence_matches_accuracy():
    assert classifier.expected_calibration_error([1.0, 1.0], [True, True]) == 0.0
    assert classifier.expected_calibration_error([0.5, 0.5], [True, False]) == 0.0


def test_expected_calibration_error_measures_overconfidence():
    assert classifier.expected_calibration_error([0.9, 0.9], [False, False]) == pytest.approx(0.9)


def test_threshold_table_gives_precision_and_coverage():
    rows = classifier.threshold_table(
        [0.95, 0.85, 0.6, 0.4], [True, True, False, False], [0.5, 0.8, 0.99]
    )
    assert [(r.threshold, r.precision, r.coverage) for r in rows] == [
        (0.5, 2 / 3, 0.75),
        (0.8, 1.0, 0.5),
        (0.99, 1.0, 0.0),
    ]


def test_coverage_at_precision_finds_the_lowest_threshold_reaching_it():
    threshold, coverage = classifier.coverage_at_precision(
        [0.99, 0.9, 0.8, 0.7], [True, True, False, True], target=0.98
    )
    assert (threshold, coverage) == (0.9, 0.5)


def test_coverage_at_precision_is_none_when_unreachable():
    assert classifier.coverage_at_precision([0.9], [False]) == (None, 0.0)


def test_normalise_folds_case_and_yo():
    assert classifier.normalise("  Ёлка\tПРИНТЕР ") == "елка принтер"


def test_read_csv_reads_the_named_columns(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("text,category\nhello,a\n,b\nworld,b\n", encoding="utf-8")
    assert classifier.read_csv(path, "text", "category") == (["hello", "world"], ["a", "b"])


def test_read_csv_names_a_missing_column(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("body,category\nhello,a\n", encoding="utf-8")
    with pytest.raises(classifier.DataError, match="no column 'text'"):
        classifier.read_csv(path, "text", "category")


def test_read_csv_names_a_missing_file(tmp_path):
    with pytest.raises(classifier.DataError, match="no such file"):
        classifier.read_csv(tmp_path / "nope.csv", "text", "category")


@pytest.mark.parametrize("binary", [False, True])
def test_the_fast_prediction_path_equals_scikit_learns(binary: bool) -> None:
    from deskline.triage import tone

    rows = tone.read_set()
    labels = [str(int(r.angry)) if binary else r.tone for r in rows]
    model = classifier.train([r.text for r in rows], labels, grid=(classifier.Settings(),))
    probe = [r.text for r in rows[:40]] + ["", "zzz qqq", "принтер", "Printer!!!"]
    fast = classifier.fast_proba(model.pipeline, probe)
    assert fast is not None
    assert np.abs(fast - model.pipeline.predict_proba(probe)).max() < 1e-12


def test_the_svm_keeps_the_dual_solver_when_tickets_outnumber_features() -> None:
    # scikit-learn's "auto" would switch to the primal solver, eight times slower at 80,000.
    pipeline = classifier.build_pipeline(classifier.Settings())
    assert pipeline.steps[-1][1].estimator.dual is True


def test_the_cv_sample_keeps_every_label_in_its_share() -> None:
    labels = ["a"] * 800 + ["b"] * 190 + ["c"] * 10
    rows = classifier.cv_sample(labels, 100)
    kept = [labels[i] for i in rows]
    assert (kept.count("a"), kept.count("b"), kept.count("c")) == (80, 19, 3)
    assert list(rows) == sorted(set(rows))


def test_the_cv_sample_is_every_row_when_there_are_no_more() -> None:
    assert list(classifier.cv_sample(["a", "b", "a"], 3)) == [0, 1, 2]


def test_settings_are_chosen_on_the_sample_and_fitted_on_every_row(monkeypatch) -> None:
    texts, labels = _data()
    scored: list[int] = []
    real = classifier.cross_val_score

    def spy(pipeline, x, y, **kwargs):
        scored.append(len(x))
        return real(pipeline, x, y, **kwargs)

    fitted: list[int] = []
    real_fit = classifier.Pipeline.fit

    def fit(self, x, y=None, **params):
        fitted.append(len(x))
        return real_fit(self, x, y, **params)

    monkeypatch.setattr(classifier, "cross_val_score", spy)
    monkeypatch.setattr(classifier.Pipeline, "fit", fit)
    monkeypatch.setattr(classifier, "CV_SAMPLE", 12)
    grid = (classifier.Settings(c=1.0), classifier.Settings(c=0.5))
    model = classifier.train(texts, labels, grid=grid, folds=2)
    assert scored == [12, 12]
    assert [s for s, _ in model.cv_scores] == list(grid)
    assert model.settings == max(model.cv_scores, key=lambda pair: pair[1])[0]
    assert fitted[-1] == len(texts) == 18
    assert max(fitted[:-1]) < 12


def test_a_large_history_calibrates_on_a_sample_and_fits_the_svm_on_every_row(
    monkeypatch,
) -> None:
    from deskline.triage import tone

    rows = tone.read_set()
    texts, labels = [r.text for r in rows], [r.tone for r in rows]
    fitted: list[int] = []
    real_fit = classifier.LinearSVC.fit

    def fit(self, x, y, **params):
        fitted.append(x.shape[0])
        return real_fit(self, x, y, **params)

    monkeypatch.setattr(classifier.LinearSVC, "fit", fit)
    monkeypatch.setattr(classifier, "CALIBRATION_SAMPLE", 200)
    model = classifier.train(texts, labels, grid=(classifier.Settings(),))
    assert fitted[-1] == len(texts) > 200
    assert max(fitted[:-1]) <= 205
    calibrated = model.pipeline.steps[-1][1].calibrated_classifiers_
    assert len(calibrated) == 1 and calibrated[0].estimator.classes_.tolist() == model.classes
    probe = texts[:40] + ["", "принтер"]
    fast = classifier.fast_proba(model.pipeline, probe)
    assert fast is not None
    assert np.abs(fast - model.pipeline.predict_proba(probe)).max() < 1e-12
