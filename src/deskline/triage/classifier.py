"""Text classification for triage, without the ORM.

A ticket's title and text go through word and character n-gram TF-IDF (which copes with
Russian and English mixed in one installation, inflections and typos, with no language
detection) into a linear SVM whose scores are turned into probabilities by
``CalibratedClassifierCV``. The module trains, predicts with a probability, evaluates
(accuracy, macro-F1, expected calibration error) and tabulates precision and coverage per
confidence threshold, so an admin can choose the threshold above which a value is applied.
Settings are chosen by cross-validation on the training data only.

With sentence embeddings (the optional `ml` extra, see `embeddings.py`), a second model learns
from the stored vectors alone (`DenseModel`: multinomial logistic regression on the
standardised 384 numbers, kept as float32 arrays), and the two are combined by late fusion
(`Fusion`): each model's temperature-scaled log-probabilities, the embedding model's weighted
by a factor chosen by cross-validation on the training rows, and a temperature fitted on the
sum. The TF-IDF part alone is the calibrated classifier of a text that has no vector yet (a new
ticket is predicted before its INSERT, its vector is made afterwards by a job). Classifiers
pickled before this (one SVM over TF-IDF and the vector appended, `embedding_weight`) still load
and predict.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sklearn
from scipy import sparse
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from deskline.triage.linear_text import normalise  # the preprocessor stored models name

#: Training sets above this size calibrate on two folds.
LARGE = 50_000
#: Settings are chosen by cross-validation on at most this many rows (a stratified sample);
#: the chosen settings are then fitted on all of them. A grid of three settings on three folds
#: of 80,000 tickets would be nine fits on 53,000 each; on 20,000 the choice is as good.
CV_SAMPLE = 20_000
#: Above this many rows the temperature is fitted on cross-validated scores of a stratified
#: sample of this size, the SVM itself on all rows: on 80,000 tickets the calibration folds
#: were a third of the training time (two SVMs on 40,000); on the sample they cost a tenth of
#: it, with the same accuracy and a lower ECE (0.056 against 0.074, synthetic, bench/triage.py).
CALIBRATION_SAMPLE = 20_000
_WORD = r"(?u)\b\w+\b"  # single-letter words count too (e.g. "я", "в")
#: Weights of the embedding model's log-probabilities next to the TF-IDF model's tried by
#: cross-validation on the training rows (README, "Triage with sentence embeddings").
FUSION_WEIGHTS = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
#: Inverse regularisation of the logistic regression on the standardised embeddings.
DENSE_C = 0.1


@dataclass(frozen=True)
class Settings:
    """The knobs chosen by cross-validation."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    c: float = 1.0

    def label(self) -> str:
        return (
            f"word{self.word_ngrams[0]}-{self.word_ngrams[1]} "
            f"char{self.char_ngrams[0]}-{self.char_ngrams[1]} C={self.c:g}"
        )


DEFAULT_GRID: tuple[Settings, ...] = (
    Settings((1, 2), (2, 5), 1.0),
    Settings((1, 2), (1, 4), 1.0),
    Settings((1, 3), (2, 5), 0.5),
)


def build_pipeline(settings: Settings, *, calibrated: bool = True, cv: int = 3) -> Pipeline:
    """The feature union and the (optionally calibrated) linear SVM."""
    return Pipeline(
        [("features", build_features(settings)), ("model", build_model(settings, calibrated, cv))]
    )


def build_features(settings: Settings) -> FeatureUnion:
    """Word and character n-gram TF-IDF, each block L2-normalised."""
    return FeatureUnion(
        [
            (
                "word",
                TfidfVectorizer(
                    preprocessor=normalise,
                    analyzer="word",
                    ngram_range=settings.word_ngrams,
                    sublinear_tf=True,
                    # A word or pair seen in one text only cannot generalise; on a large
                    # history those are most of the vocabulary and of the model's memory.
                    min_df=2,
                    token_pattern=_WORD,
                ),
            ),
            (
                "char",
                TfidfVectorizer(
                    preprocessor=normalise,
                    analyzer="char_wb",
                    ngram_range=settings.char_ngrams,
                    sublinear_tf=True,
                    min_df=2,
                ),
            ),
        ]
    )


def build_model(
    settings: Settings, calibrated: bool = True, cv: int = 3
) -> CalibratedClassifierCV | LinearSVC:
    # dual=True: liblinear's dual coordinate descent. scikit-learn's "auto" picks the primal
    # solver once there are more samples than features (about 60,000 tickets on our texts),
    # which costs eight times as much on 80,000 tickets (250 s of CPU against 32 s, profiled)
    # for the same model.
    svm = LinearSVC(C=settings.c, dual=True)
    # ensemble=False: one SVM fitted on all the data, its temperature fitted on cross-validated
    # scores; one model to run per prediction instead of `cv` of them.
    if not calibrated:
        return svm
    return CalibratedClassifierCV(svm, method="temperature", cv=cv, ensemble=False)


def with_embeddings(
    matrix: sparse.spmatrix, embeddings: np.ndarray, weight: float
) -> sparse.csr_matrix:
    """TF-IDF rows with each text's embedding (scaled by `weight`) appended (the classifiers
    pickled before late fusion learnt from these)."""
    dense = sparse.csr_matrix(np.asarray(embeddings, dtype=np.float64) * weight)
    return sparse.hstack([matrix, dense], format="csr")


def _log_softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    return np.asarray(shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))


def _two_columns(decision: np.ndarray) -> np.ndarray:
    """Decision values with one column per class (a binary model gives one: (-x, x))."""
    decision = np.asarray(decision, dtype=np.float64)
    if decision.ndim == 1:
        decision = decision[:, None]
    return np.hstack([-decision, decision]) if decision.shape[1] == 1 else decision


def fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """The factor of `scores` whose softmax has the least log loss on the classes `y` (indices)."""
    from scipy.optimize import minimize_scalar

    rows = np.arange(len(y))

    def loss(beta: float) -> float:
        return float(-_log_softmax(beta * scores)[rows, y].mean())

    return float(minimize_scalar(loss, bounds=(1e-3, 1e3), method="bounded").x)


@dataclass
class DenseModel:
    """Multinomial logistic regression on a text's embedding, its standardisation folded into
    the weights: scoring is one float32 matrix product."""

    coef: np.ndarray  # (classes, dim) float32
    intercept: np.ndarray  # (classes,) float32

    def decision(self, vectors: np.ndarray) -> np.ndarray:
        scores = np.asarray(vectors, dtype=np.float32) @ self.coef.T + self.intercept
        return _two_columns(np.asarray(scores))


def fit_dense(vectors: np.ndarray, labels: Sequence[str], c: float = DENSE_C) -> DenseModel:
    """Fit the embedding model; its classes are the sorted labels, as the SVM's."""
    x = np.asarray(vectors, dtype=np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=300).fit((x - mean) / scale, list(labels))
    coef = model.coef_ / scale
    intercept = model.intercept_ - coef @ mean
    if coef.shape[0] == 1:  # binary: log-odds of the second class, as (0, x) up to a constant
        coef, intercept = coef / 2, intercept / 2
    return DenseModel(coef.astype(np.float32), intercept.astype(np.float32))


@dataclass
class Fusion:
    """Late fusion of the TF-IDF SVM and the embedding model: the sum of their temperature-scaled
    log-probabilities (the embedding model's times `weight`), with a temperature of its own."""

    dense: DenseModel
    text_beta: float
    dense_beta: float
    weight: float
    beta: float
    #: Cross-validated accuracy per weight tried (the largest chosen), for the record.
    scores: list[tuple[float, float]] = field(default_factory=list)

    def logits(self, text_decision: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        text = _log_softmax(self.text_beta * _two_columns(text_decision))
        dense = _log_softmax(self.dense_beta * self.dense.decision(vectors))
        return text + self.weight * dense

    def proba(self, text_decision: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        return np.asarray(np.exp(_log_softmax(self.beta * self.logits(text_decision, vectors))))


def fit_fusion(
    texts: Sequence[str],
    labels: Sequence[str],
    vectors: np.ndarray,
    settings: Settings,
    *,
    folds: int = 3,
    sample: int = CALIBRATION_SAMPLE,
    weights: Sequence[float] = FUSION_WEIGHTS,
) -> tuple[Fusion, np.ndarray]:
    """Cross-validated decision values of both models on a stratified sample of at most
    `sample` rows, then each model's temperature, the weight with the best accuracy and the
    fused temperature on them. Returns the fusion (its dense model still to be fitted on all
    the rows: a placeholder fitted on the sample) and the sample's row indices."""
    rows = cv_sample(labels, sample)
    y_all = np.asarray(labels)
    y_text = y_all[rows]
    classes = np.unique(y_text)
    y = np.searchsorted(classes, y_text)
    x_text = [texts[i] for i in rows]
    x_vec = np.asarray(vectors)[rows]
    text_scores = np.zeros((len(rows), max(2, len(classes))))
    dense_scores = np.zeros_like(text_scores)
    splitter = StratifiedKFold(n_splits=_folds(y_text, folds), shuffle=True, random_state=0)
    for fit, score in splitter.split(x_text, y_text):
        features = build_features(settings)
        matrix = features.fit_transform([x_text[i] for i in fit])
        svm = build_model(settings, calibrated=False).fit(matrix, y_text[fit])
        part = features.transform([x_text[i] for i in score])
        text_scores[score] = _two_columns(svm.decision_function(part))
        dense_scores[score] = fit_dense(x_vec[fit], y_text[fit]).decision(x_vec[score])
    text_beta = fit_temperature(text_scores, y)
    dense_beta = fit_temperature(dense_scores, y)
    text_log = _log_softmax(text_beta * text_scores)
    dense_log = _log_softmax(dense_beta * dense_scores)
    tried = [(w, float(np.mean((text_log + w * dense_log).argmax(axis=1) == y))) for w in weights]
    weight = max(tried, key=lambda pair: (pair[1], pair[0]))[0]
    beta = fit_temperature(text_log + weight * dense_log, y)
    placeholder = DenseModel(np.zeros((0, 0), np.float32), np.zeros(0, np.float32))
    fusion = Fusion(placeholder, text_beta, dense_beta, weight, beta, tried)
    return fusion, rows


def _folds(labels: Sequence[str], wanted: int) -> int:
    """As many folds as wanted, but no more than the rarest label allows (at least 2)."""
    counts = np.unique(np.asarray(labels), return_counts=True)[1]
    return max(2, min(wanted, int(counts.min())))


def cv_sample(labels: Sequence[str], size: int, *, seed: int = 0) -> np.ndarray:
    """Sorted indices of a stratified random sample of about `size` rows (all of them when
    there are no more): each label keeps its share, and at least three rows when it has them."""
    y = np.asarray(labels)
    if len(y) <= size:
        return np.arange(len(y))
    rng = np.random.default_rng(seed)
    keep = []
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        wanted = max(min(len(rows), 3), round(len(rows) * size / len(y)))
        keep.append(rng.choice(rows, size=wanted, replace=False))
    return np.sort(np.concatenate(keep))


def choose_settings(
    texts: Sequence[str],
    labels: Sequence[str],
    grid: Iterable[Settings] = DEFAULT_GRID,
    *,
    folds: int = 3,
    sample: int = CV_SAMPLE,
) -> tuple[Settings, list[tuple[Settings, float]]]:
    """Cross-validated accuracy of the uncalibrated SVM for each setting, on a stratified
    sample of at most `sample` rows; the best wins."""
    rows = cv_sample(labels, sample)
    texts = [texts[i] for i in rows]
    labels = [labels[i] for i in rows]
    splitter = StratifiedKFold(n_splits=_folds(labels, folds), shuffle=True, random_state=0)
    scores: list[tuple[Settings, float]] = []
    for settings in grid:
        pipeline = build_pipeline(settings, calibrated=False)
        score = float(cross_val_score(pipeline, list(texts), list(labels), cv=splitter).mean())
        scores.append((settings, score))
    best = max(scores, key=lambda pair: pair[1])[0]
    return best, scores


@dataclass
class Classifier:
    """A trained, calibrated classifier and the settings it was trained with."""

    pipeline: Pipeline
    settings: Settings
    cv_scores: list[tuple[Settings, float]] = field(default_factory=list)
    #: Embeddings: the weight they were trained with (0: TF-IDF only), the encoder's name
    #: (vectors of another encoder do not fit), and the TF-IDF-only model for texts without one.
    embedding_weight: float = 0.0
    encoder: str = ""
    text_only: Classifier | None = None
    #: With embeddings: the embedding model and how it is fused with the TF-IDF SVM (`pipeline`,
    #: which alone predicts a text without a vector).
    fusion: Fusion | None = None

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.pipeline.classes_]

    @property
    def uses_embeddings(self) -> bool:
        return self.fusion is not None or self.embedding_weight > 0

    def predict_proba(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> np.ndarray:
        """Calibrated probabilities; given no vectors, those of the TF-IDF part."""
        texts = list(texts)
        if self.fusion is not None and embeddings is not None:
            features, model = self.pipeline.steps[0][1], self.pipeline.steps[-1][1]
            svm = model.calibrated_classifiers_[0].estimator
            matrix = fast_features(features, texts)
            decision = np.asarray(matrix @ svm.coef_.T) + svm.intercept_
            return self.fusion.proba(decision, embeddings)
        if self.embedding_weight > 0:  # a classifier pickled before late fusion
            if embeddings is None:
                if self.text_only is None:
                    raise ValueError("this classifier needs the texts' embeddings")
                return self.text_only.predict_proba(texts)
            features, model = self.pipeline.steps[0][1], self.pipeline.steps[-1][1]
            matrix = with_embeddings(
                fast_features(features, texts), embeddings, self.embedding_weight
            )
            if fast_ready(features, model):
                return fast_calibrated(model, matrix)
            return np.asarray(model.predict_proba(matrix))  # pragma: no cover
        fast = fast_proba(self.pipeline, texts)
        if fast is not None:
            return fast
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            return np.asarray(self.pipeline.predict_proba(texts))

    def predict(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """The most probable label of each text and its calibrated probability."""
        proba = self.predict_proba(texts, embeddings)
        best = proba.argmax(axis=1)
        classes = self.classes
        return [(classes[i], float(proba[row, i])) for row, i in enumerate(best)]


def _tfidf_row(vectorizer: TfidfVectorizer, text: str) -> tuple[np.ndarray, np.ndarray]:
    """One text's (columns, values) of `vectorizer.transform`: tf (sublinear), idf, L2 norm."""
    vocabulary = vectorizer.vocabulary_
    counted = Counter(
        j for j in map(vocabulary.get, vectorizer.build_analyzer()(text)) if j is not None
    )
    cols = np.fromiter(counted.keys(), dtype=np.intp, count=len(counted))
    values = np.fromiter(counted.values(), dtype=np.float64, count=len(counted))
    if vectorizer.sublinear_tf:
        values = np.log(values) + 1.0
    if vectorizer.use_idf:
        values *= vectorizer.idf_[cols]
    norm = float(np.sqrt(values @ values))
    return cols, (values / norm if norm else values)


def fast_features(features: FeatureUnion, texts: Sequence[str]) -> sparse.csr_matrix:
    """`features.transform(texts)` for a union of TF-IDF vectorizers, without the checks:
    one sparse matrix built once (scipy's constructors cost more than the arithmetic)."""
    vectorizers = [v for _, v in features.transformer_list]
    offsets = np.cumsum([0] + [len(v.vocabulary_) for v in vectorizers])
    indices: list[np.ndarray] = []
    data: list[np.ndarray] = []
    indptr = [0]
    for text in texts:
        for offset, vectorizer in zip(offsets, vectorizers, strict=False):
            cols, values = _tfidf_row(vectorizer, text)
            order = np.argsort(cols)
            indices.append(cols[order] + offset)
            data.append(values[order])
        indptr.append(indptr[-1] + sum(len(a) for a in indices[len(indices) - len(vectorizers) :]))
    shape = (len(texts), int(offsets[-1]))
    if not indices:
        return sparse.csr_matrix(shape)
    return sparse.csr_matrix(
        (np.concatenate(data), np.concatenate(indices), np.asarray(indptr)), shape=shape
    )


def fast_calibrated(model: CalibratedClassifierCV, matrix: sparse.csr_matrix) -> np.ndarray:
    """`model.predict_proba(matrix)` of a temperature-calibrated linear SVM (one, not an
    ensemble), as scikit-learn computes it, without its checks."""
    calibrated = model.calibrated_classifiers_[0]
    svm = calibrated.estimator
    decision = np.asarray(matrix @ svm.coef_.T) + svm.intercept_
    if decision.shape[1] == 1:  # binary: logits (-x, x), as scikit-learn's calibrator makes
        logits = np.hstack([-decision, decision])
    elif np.all((decision >= 0) & (decision <= 1)) and np.allclose(decision.sum(axis=1), 1.0):
        logits = np.log(decision + 1e-12)  # scikit-learn takes such scores for probabilities
    else:
        logits = decision
    scaled = calibrated.calibrators[0].beta_ * logits
    scaled -= scaled.max(axis=1, keepdims=True)
    proba = np.exp(scaled)
    proba /= proba.sum(axis=1, keepdims=True)
    proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
    return np.asarray(proba)


def fast_ready(features: object, model: object) -> bool:
    """Whether the fast path fits: the shapes `build_pipeline` makes."""
    return (
        isinstance(features, FeatureUnion)
        and features.transformer_weights is None
        and all(isinstance(v, TfidfVectorizer) for _, v in features.transformer_list)
        and isinstance(model, CalibratedClassifierCV)
        and model.method == "temperature"
        and len(model.calibrated_classifiers_) == 1
        and isinstance(model.calibrated_classifiers_[0].estimator, LinearSVC)
    )


def fast_proba(pipeline: Pipeline, texts: Sequence[str]) -> np.ndarray | None:
    """The calibrated probabilities of a fitted pipeline computed directly (scikit-learn's
    input checks cost several times the prediction of one ticket); None if the pipeline is
    not of the shape `build_pipeline` makes. A test holds the two equal."""
    features, model = pipeline.steps[0][1], pipeline.steps[-1][1]
    if not fast_ready(features, model):
        return None
    return fast_calibrated(model, fast_features(features, texts))


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    grid: Iterable[Settings] | None = None,
    folds: int = 3,
    embeddings: np.ndarray | None = None,
    encoder: str = "",
    fusion_weights: Sequence[float] = FUSION_WEIGHTS,
) -> Classifier:
    """Choose settings by cross-validation (when a grid of several is given; on a stratified
    sample of at most `CV_SAMPLE` rows), then fit on all the rows.

    With `embeddings` (one row per text) an embedding model is fitted too and fused with the
    TF-IDF SVM (`fit_fusion`: the fusion weight chosen by cross-validation among
    `fusion_weights`); the TF-IDF SVM alone predicts texts not embedded yet."""
    grid = tuple(grid) if grid is not None else DEFAULT_GRID
    if len(grid) > 1:
        settings, scores = choose_settings(texts, labels, grid, folds=folds, sample=CV_SAMPLE)
    else:
        settings, scores = grid[0], []
    # On a large history two folds fit the temperature as well as three, at less cost.
    cv = _folds(labels, 2 if len(texts) > LARGE else folds)
    if embeddings is not None and len(embeddings) != len(texts):
        raise ValueError(f"{len(embeddings)} embeddings for {len(texts)} texts")
    pipeline = build_pipeline(settings, cv=cv)
    if len(texts) > CALIBRATION_SAMPLE:
        fit_calibrated_on_sample(pipeline, texts, labels, CALIBRATION_SAMPLE)
    else:
        pipeline.fit(list(texts), list(labels))
    forget_pruned_terms(pipeline)
    model = Classifier(pipeline=pipeline, settings=settings, cv_scores=scores)
    if embeddings is None:
        return model
    fusion, _rows = fit_fusion(texts, labels, embeddings, settings, folds=folds,
                               weights=fusion_weights)  # fmt: skip
    fusion.dense = fit_dense(embeddings, labels)
    if fusion.dense.coef.shape[0] not in (1, len(model.classes)):  # pragma: no cover
        raise ValueError("the embedding model's classes differ from the SVM's")
    model.fusion, model.encoder = fusion, encoder
    return model


def fit_calibrated_on_sample(
    pipeline: Pipeline, texts: Sequence[str], labels: Sequence[str], sample: int
) -> None:
    """Fit a pipeline `build_pipeline` made: the vectorizers and the SVM on all the rows, the
    temperature on cross-validated scores of a stratified sample of about `sample` rows. The
    fitted pipeline has the same shape as `pipeline.fit` gives (one calibrated SVM)."""
    features, model = pipeline.steps[0][1], pipeline.steps[-1][1]
    matrix = features.fit_transform(list(texts))
    y = np.asarray(labels)
    rows = cv_sample(labels, sample)
    model.fit(matrix[rows], y[rows])  # the temperature (and an SVM on the sample, replaced)
    svm = clone(model.estimator).fit(matrix, y)
    if list(svm.classes_) != list(model.classes_):  # a label missing from the sample
        model.fit(matrix, y)
        return
    model.calibrated_classifiers_[0].estimator = svm


def forget_pruned_terms(pipeline: Pipeline) -> None:
    """Drop each vectorizer's `stop_words_` (every n-gram left out by min_df): only kept for
    introspection, it is most of a model's memory and pickle on a large history."""
    features = pipeline.steps[0][1]
    for _, vectorizer in getattr(features, "transformer_list", []):
        if hasattr(vectorizer, "stop_words_"):
            vectorizer.stop_words_ = None


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 15
) -> float:
    """Weighted mean gap between confidence and accuracy over equal-width confidence bins."""
    conf = np.asarray(confidences, dtype=float)
    hit = np.asarray(correct, dtype=float)
    if conf.size == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            error += mask.mean() * abs(conf[mask].mean() - hit[mask].mean())
    return float(error)


@dataclass(frozen=True)
class ThresholdRow:
    """What applying predictions at or above ``threshold`` would give."""

    threshold: float
    precision: float  # share of covered predictions that are right (1.0 if none covered)
    coverage: float  # share of all items covered


def threshold_table(
    confidences: Sequence[float],
    correct: Sequence[bool],
    thresholds: Iterable[float] | None = None,
) -> list[ThresholdRow]:
    """Precision and coverage for each threshold (0.50, 0.55, … 0.99 by default)."""
    conf = np.asarray(confidences, dtype=float)
    hit = np.asarray(correct, dtype=bool)
    if thresholds is None:
        thresholds = [round(0.5 + 0.05 * i, 2) for i in range(10)] + [0.98, 0.99]
    rows = []
    for t in thresholds:
        covered = conf >= t
        n = int(covered.sum())
        precision = float(hit[covered].mean()) if n else 1.0
        coverage = n / conf.size if conf.size else 0.0
        rows.append(ThresholdRow(float(t), precision, coverage))
    return rows


def coverage_at_precision(
    confidences: Sequence[float], correct: Sequence[bool], target: float = 0.98
) -> tuple[float | None, float]:
    """The lowest threshold whose covered predictions reach ``target`` precision, and coverage.

    Returns ``(None, 0.0)`` when no threshold reaches it.
    """
    conf = np.asarray(confidences, dtype=float)
    hit = np.asarray(correct, dtype=bool)
    if conf.size == 0:
        return None, 0.0
    order = np.argsort(-conf, kind="stable")
    running = np.cumsum(hit[order]) / np.arange(1, conf.size + 1)
    best_k = 0
    for k in range(conf.size, 0, -1):
        # a threshold can only cut between distinct confidences
        if k < conf.size and conf[order[k]] == conf[order[k - 1]]:
            continue
        if running[k - 1] >= target:
            best_k = k
            break
    if best_k == 0:
        return None, 0.0
    return float(conf[order[best_k - 1]]), best_k / conf.size


@dataclass(frozen=True)
class Evaluation:
    """Figures of a classifier on held-out data."""

    accuracy: float
    macro_f1: float
    ece: float
    threshold_98: float | None
    coverage_98: float
    size: int
    confidences: list[float]
    correct: list[bool]


def evaluate(
    classifier: Classifier,
    texts: Sequence[str],
    labels: Sequence[str],
    embeddings: np.ndarray | None = None,
) -> Evaluation:
    predictions = classifier.predict(texts, embeddings)
    predicted = [label for label, _ in predictions]
    confidences = [p for _, p in predictions]
    correct = [a == b for a, b in zip(predicted, labels, strict=True)]
    threshold, coverage = coverage_at_precision(confidences, correct, 0.98)
    return Evaluation(
        accuracy=float(accuracy_score(list(labels), predicted)),
        macro_f1=float(f1_score(list(labels), predicted, average="macro", zero_division=0)),
        ece=expected_calibration_error(confidences, correct),
        threshold_98=threshold,
        coverage_98=coverage,
        size=len(labels),
        confidences=confidences,
        correct=correct,
    )


class DataError(ValueError):
    """A data file that cannot be read as asked."""


def read_csv(path: str | Path, text_column: str, label_column: str) -> tuple[list[str], list[str]]:
    """Texts and labels of a CSV file with a header row; clear errors when it cannot."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        for column in (text_column, label_column):
            if column not in header:
                raise DataError(
                    f"{path}: no column {column!r} (columns: {', '.join(header) or 'none'})"
                )
        texts, labels = [], []
        for row in reader:
            text, label = row[text_column] or "", (row[label_column] or "").strip()
            if text.strip() and label:
                texts.append(text)
                labels.append(label)
    if not texts:
        raise DataError(f"{path}: no rows with both a text and a label")
    return texts, labels


def compact_form(model: Classifier) -> dict[str, object] | None:
    """What `compact.CompactClassifier` scores the model from (NumPy arrays and plain values),
    or None for a model of another shape (one pickled before late fusion): it is then loaded
    as it is."""
    import hashlib

    features, calibrated = model.pipeline.steps[0][1], model.pipeline.steps[-1][1]
    if model.embedding_weight > 0 or not fast_ready(features, calibrated):
        return None
    vectorizers = []
    for _, vectorizer in features.transformer_list:
        if (
            vectorizer.analyzer not in ("word", "char_wb")
            or vectorizer.preprocessor is not normalise
        ):
            return None
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        joined = "".join(terms)
        offsets = np.cumsum([0] + [len(t) for t in terms]).astype(np.int64)
        idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        digest = hashlib.sha256()
        for part in (vectorizer.analyzer, str(vectorizer.ngram_range), vectorizer.token_pattern,
                     str(vectorizer.sublinear_tf), joined):  # fmt: skip
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(offsets.tobytes())
        digest.update(idf.tobytes())
        vectorizers.append({
            "analyzer": vectorizer.analyzer, "ngram_range": tuple(vectorizer.ngram_range),
            "token_pattern": vectorizer.token_pattern, "sublinear_tf": vectorizer.sublinear_tf,
            "terms": joined, "offsets": offsets, "idf": idf, "digest": digest.hexdigest(),
        })  # fmt: skip
    one = calibrated.calibrated_classifiers_[0]
    svm = one.estimator
    data: dict[str, object] = {
        "format": 1,
        "classes": model.classes,
        "encoder": model.encoder,
        "vectorizers": vectorizers,
        "coef": np.ascontiguousarray(np.asarray(svm.coef_).T, dtype=np.float32),
        "intercept": np.asarray(svm.intercept_, dtype=np.float64),
        "beta": float(one.calibrators[0].beta_),
        "fusion": None,
    }
    if model.fusion is not None:
        fusion = model.fusion
        data["fusion"] = {
            "coef": np.asarray(fusion.dense.coef, dtype=np.float32),
            "intercept": np.asarray(fusion.dense.intercept, dtype=np.float32),
            "text_beta": fusion.text_beta, "dense_beta": fusion.dense_beta,
            "weight": fusion.weight, "beta": fusion.beta,
        }  # fmt: skip
    return data
