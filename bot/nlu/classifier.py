"""The matcher's second signal: pieces of words, weighed by a classifier trained on the FAQ.

Why: the matcher scores whole words, so a typo it cannot place, an ending it does not strip
or a chat-Latin spelling leaves a teacher's word beside every stem the FAQ knows. Pieces of
two to five letters inside the words still meet (Rasa's default for languages without a
good tokenizer), and a logistic regression over every paraphrase learns which pieces tell
one entry from another. Blended with the matcher's score it answered as many or more unseen
questions right, and refused more out-of-scope ones, on every labelled set written in voices
the FAQ was not tuned on (README, "Understanding Mongolian").

The features and the model are scikit-learn's `TfidfVectorizer(analyzer="char_wb",
ngram_range=(2, 5), sublinear_tf=True)` and `LogisticRegression(C=20)`, written here over
numpy (which matplotlib already brings) instead of adding scipy and scikit-learn; blended
with the matcher, both give the same figures on the five labelled sets (alone, one line of
1,309 differs: the solvers stop at slightly different points).
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import pickle
import subprocess
import sys
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.nlu.normalize import Word

log = logging.getLogger(__name__)

SHORTEST, LONGEST = 2, 5  # letters in a piece; a word is padded with a space each side
STRENGTH = 20.0  # C, the inverse of the L2 penalty: the paraphrases are few and all correct
STEPS = 150  # L-BFGS iterations at most; ~110 bring the bundled FAQ to its optimum
MEMORY = 10  # L-BFGS correction pairs
SETTLED = 1e-4  # the largest gradient component at which training stops
TRAINED_KEPT = 4  # classifiers kept for FAQs seen before (a test run, the console's try box)
# Directions of the Gram matrix this much flatter than its steepest (the bias's) are left
# out: the penalty keeps their weights near zero anyway. The figures on all six labelled
# sets are the same at 1e-9 and 1e-5; the solver's problem is ~20 % smaller.
FLAT = 1e-5
BLOCK = 2048  # columns of the Gram matrix's dense blocks (12 MB each for the bundled FAQ)
WORDS_KEPT = 16384  # words whose n-grams are remembered (~1 KB each)


def pieces(words: Iterable[Word]) -> Counter[str]:
    """Letter n-grams of each word's suffixed form and of its stem."""
    found: Counter[str] = Counter()
    for word in words:
        found.update(_word_pieces(word.form))
        found.update(_word_pieces(word.stem))
    return found


@functools.lru_cache(maxsize=WORDS_KEPT)
def _word_pieces(text: str) -> tuple[str, ...]:
    """One word's n-grams, remembered: teachers use the same few thousand words, and cutting
    them anew was two thirds of the classifier's time on a long message."""
    padded = f" {text} "
    return tuple(
        padded[start : start + size]
        for size in range(SHORTEST, LONGEST + 1)
        for start in range(len(padded) - size + 1)
    )


@dataclass(frozen=True, eq=False)
class Classifier:
    """A trained model: the pieces it knows, their idf, and one column of weights a class."""

    columns: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray  # (pieces + 1) × classes; the last row is the bias

    def probabilities(self, words: Sequence[Word]) -> np.ndarray:
        """P(entry | message) for every class, from the pieces the model knows."""
        found = pieces(words)
        known = [
            (self.columns[piece], count) for piece, count in found.items() if piece in self.columns
        ]
        logits = self.weights[-1].copy()
        if known:
            index = np.fromiter((column for column, _ in known), dtype=np.intp)
            values = np.fromiter((1 + math.log(count) for _, count in known), dtype=np.float64)
            values *= self.idf[index]
            values /= np.linalg.norm(values)
            logits += values @ self.weights[index]
        logits -= logits.max()
        odds = np.exp(logits)
        return odds / odds.sum()


_Examples = tuple[tuple[tuple[Word, ...], ...], tuple[int, ...], int]
_trained: OrderedDict[_Examples, Classifier] = OrderedDict()  # the last TRAINED_KEPT


def train(
    examples: Sequence[Sequence[Word]],
    labels: Sequence[int],
    classes: int,
    *,
    apart: bool = False,
) -> Classifier:
    """A classifier over `classes` classes from analysed examples and their class numbers.

    Kept for the last few FAQs (training the bundled one takes 3–5 s), keyed by the
    examples themselves: a changed paraphrase trains anew. `apart` trains in a child
    process: the training's memory (the Gram matrix, its eigendecomposition's workspace,
    ~150 MB for the bundled FAQ) is the child's, and is gone with it, instead of staying
    in a long-running bot's peak; the trained model itself is ~4 MB.
    """
    key: _Examples = (tuple(tuple(words) for words in examples), tuple(labels), classes)
    classifier = _trained.get(key)
    if classifier is None:
        classifier = _train_apart(key) if apart else _train(*key)
        _trained[key] = classifier
        while len(_trained) > TRAINED_KEPT:
            _trained.popitem(last=False)
    _trained.move_to_end(key)
    return classifier


def _train(
    examples: Sequence[Sequence[Word]], labels: Sequence[int], classes: int
) -> Classifier:
    columns, idf, rows = _features(examples)
    return Classifier(columns, idf, _fit(rows, np.asarray(labels), classes))


def _train_apart(key: _Examples) -> Classifier:
    """`_train` in `python -m bot.nlu.classifier`: the examples pickled in, the model out
    (the child is this very module). Trained here if the child fails."""
    try:
        child = subprocess.run(
            [sys.executable, "-m", __name__],
            input=pickle.dumps(key),
            capture_output=True,
            check=True,
        )
        classifier = pickle.loads(child.stdout)
    except (OSError, subprocess.CalledProcessError, pickle.UnpicklingError, EOFError) as exc:
        log.warning("training in a child process failed (%s); training here", exc)
        return _train(*key)
    return classifier


@dataclass(frozen=True, eq=False)
class _Rows:
    """The examples' feature rows, sparse (one entry a piece present), ordered by column.

    The dense matrix would be examples × pieces: training the bundled FAQ with it peaked
    at 400 MB of RSS, against 147 MB this way; the solver needs only its Gram matrix and
    one product."""

    row: np.ndarray
    column: np.ndarray
    value: np.ndarray
    shape: tuple[int, int]  # examples, pieces (the bias column is implicit: 1 everywhere)

    def gram(self) -> np.ndarray:
        """rows · rowsᵀ, with the bias, a block of columns at a time."""
        examples, width = self.shape
        gram = np.ones((examples, examples))  # the bias column's share
        bounds = np.searchsorted(self.column, np.arange(0, width + BLOCK, BLOCK))
        for number, (low, high) in enumerate(itertools.pairwise(bounds)):
            block = np.zeros((examples, BLOCK), dtype=np.float32)
            block[self.row[low:high], self.column[low:high] - number * BLOCK] = self.value[
                low:high
            ]
            gram += block @ block.T
        return gram

    def transposed_times(self, matrix: np.ndarray) -> np.ndarray:
        """rowsᵀ · matrix: a row of weights a piece, and the bias's last."""
        product = np.zeros((self.shape[1] + 1, matrix.shape[1]), dtype=np.float32)
        for low in range(0, len(self.value), BLOCK * 16):
            part = slice(low, low + BLOCK * 16)
            np.add.at(product, self.column[part], self.value[part, None] * matrix[self.row[part]])
        product[-1] = matrix.sum(axis=0)
        return product


def _features(examples: Sequence[Sequence[Word]]) -> tuple[dict[str, int], np.ndarray, _Rows]:
    """The pieces kept, their idf, and the examples' rows (tf-idf, L2-normalised)."""
    counted = [pieces(words) for words in examples]
    frequency = Counter(piece for found in counted for piece in found)
    columns = {piece: column for column, piece in enumerate(frequency)}
    idf = np.log((1 + len(examples)) / (1 + np.fromiter(frequency.values(), float))) + 1
    row, column, value = [], [], []
    for number, found in enumerate(counted):
        index = np.fromiter((columns[piece] for piece in found), np.intp, len(found))
        weights = np.log(np.fromiter(found.values(), float, len(found))) + 1
        weights *= idf[index]
        weights /= max(float(np.linalg.norm(weights)), 1e-12)
        row.append(np.full(len(found), number, dtype=np.intp))
        column.append(index)
        value.append(weights.astype(np.float32))
    everything = np.concatenate(column)
    order = np.argsort(everything, kind="stable")
    rows = _Rows(
        np.concatenate(row)[order],
        everything[order],
        np.concatenate(value)[order],
        (len(examples), len(columns)),
    )
    return columns, idf, rows


def _fit(rows: _Rows, labels: np.ndarray, classes: int) -> np.ndarray:
    """Multinomial logistic regression, L2-penalised, solved in the span of the examples.

    The weights that minimise the loss are a combination of the examples' rows (hundreds)
    rather than free over the pieces (tens of thousands): with the Gram matrix's
    eigenvectors, L-BFGS works on an examples × classes problem.
    """
    spread, basis = np.linalg.eigh(rows.gram())
    kept = spread > FLAT * max(spread.max(), 1e-12)
    spread, basis = spread[kept], basis[:, kept]
    coordinates = basis * np.sqrt(spread)  # rows in an orthonormal basis
    truth = np.zeros((len(labels), classes))
    truth[np.arange(len(labels)), labels] = 1.0
    shape = (coordinates.shape[1], classes)

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        beta = flat.reshape(shape)
        logits = coordinates @ beta
        logits -= logits.max(axis=1, keepdims=True)
        odds = np.exp(logits)
        total = odds.sum(axis=1, keepdims=True)
        value = float(np.log(total).sum() - (logits * truth).sum())
        value += 0.5 / STRENGTH * float((beta * beta).sum())
        gradient = coordinates.T @ (odds / total - truth) + beta / STRENGTH
        return value, gradient.ravel()

    beta = _minimize(loss, np.zeros(shape[0] * shape[1])).reshape(shape)
    # Back to weights over the pieces: rows.T @ (basis · spread^-1/2 · beta).
    return rows.transposed_times((basis / np.sqrt(spread)) @ beta)


def _minimize(
    function: Callable[[np.ndarray], tuple[float, np.ndarray]], start: np.ndarray
) -> np.ndarray:
    """L-BFGS with a backtracking (Armijo) line search: enough for a smooth convex loss."""
    point = start
    value, gradient = function(point)
    steps: list[tuple[np.ndarray, np.ndarray, float]] = []  # (s, y, 1 / y·s)
    for _ in range(STEPS):
        if np.abs(gradient).max() < SETTLED:
            break
        direction = _two_loop(gradient, steps)
        slope = float(gradient @ direction)
        if slope >= 0:  # not a descent direction: start the memory afresh
            steps.clear()
            direction, slope = -gradient, -float(gradient @ gradient)
        size = 1.0
        while True:
            candidate = point + size * direction
            new_value, new_gradient = function(candidate)
            if new_value <= value + 1e-4 * size * slope or size < 1e-10:
                break
            size /= 2
        moved, turned = candidate - point, new_gradient - gradient
        curvature = float(turned @ moved)
        if curvature > 1e-12:
            steps = [*steps, (moved, turned, 1 / curvature)][-MEMORY:]
        point, value, gradient = candidate, new_value, new_gradient
    return point


def _two_loop(
    gradient: np.ndarray, steps: Sequence[tuple[np.ndarray, np.ndarray, float]]
) -> np.ndarray:
    """L-BFGS's estimate of −H⁻¹·gradient from the remembered steps."""
    q = gradient.copy()
    alphas = []
    for moved, turned, rho in reversed(steps):
        alpha = rho * float(moved @ q)
        alphas.append(alpha)
        q -= alpha * turned
    if steps:
        moved, turned, _ = steps[-1]
        q *= float(moved @ turned) / float(turned @ turned)
    for (moved, turned, rho), alpha in zip(steps, reversed(alphas), strict=True):
        beta = rho * float(turned @ q)
        q += (alpha - beta) * moved
    return -q


if __name__ == "__main__":  # the child of _train_apart
    from bot.nlu import classifier  # pickled under its importable name, not __main__'s

    key = pickle.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(pickle.dumps(classifier._train(*key)))
