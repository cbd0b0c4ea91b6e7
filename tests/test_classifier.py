"""The matcher's second signal: its solver, what it learns, and what it adds to the matcher."""

from __future__ import annotations

import numpy as np
import pytest

from bot import PROJECT_ROOT
from bot.desk.faq import load_faq_dir
from bot.nlu import classifier
from bot.nlu.classifier import _minimize, pieces, train
from bot.nlu.matcher import Matcher
from bot.nlu.normalize import analyze

EXAMPLES = {
    "esis_password": ["ESIS-ийн нууц үгээ мартсан", "Есис нууц үг сэргээх", "nuuts ug martsan"],
    "schedule": ["Сургалт хэзээ эхлэх вэ", "Сургалтын хуваарь", "Вебинар хэзээ болох вэ"],
    "certificate": ["Миний батламж бүртгэгдсэн үү", "Би тэнцсэн үү", "Батламжаа яаж харах вэ"],
}


def _trained():
    texts = [(label, text) for label, texts in EXAMPLES.items() for text in texts]
    labels = list(EXAMPLES)
    return train(
        [analyze(text) for _, text in texts], [labels.index(lab) for lab, _ in texts], 3
    ), labels


def test_the_solver_finds_a_known_minimum() -> None:
    """A quadratic ½xᵀAx − bᵀx, whose minimum is A⁻¹b."""
    rng = np.random.default_rng(7)
    root = rng.normal(size=(30, 30))
    matrix = root @ root.T + 30 * np.eye(30)
    target = rng.normal(size=30)

    def quadratic(x: np.ndarray) -> tuple[float, np.ndarray]:
        return float(0.5 * x @ matrix @ x - target @ x), matrix @ x - target

    found = _minimize(quadratic, np.zeros(30))
    assert np.allclose(found, np.linalg.solve(matrix, target), atol=1e-4)


def test_pieces_are_letter_runs_inside_padded_words() -> None:
    found = pieces(analyze("батламж"))
    assert found[" б"] >= 1 and found["ламж "] >= 1
    assert all(2 <= len(piece) <= 5 for piece in found)
    assert not any(" " in piece.strip() for piece in found)  # never across two words


def test_it_learns_its_examples_and_reads_spellings_it_never_saw() -> None:
    classifier, labels = _trained()
    for label, texts in EXAMPLES.items():
        for text in texts:
            probabilities = classifier.probabilities(analyze(text))
            assert labels[int(probabilities.argmax())] == label
            assert probabilities.sum() == pytest.approx(1.0)
    for text, label in [
        ("нууц угээ мартчихсан", "esis_password"),
        ("batlamjaa harah", "certificate"),
        ("huvaari hezee garah", "schedule"),
    ]:
        assert labels[int(classifier.probabilities(analyze(text)).argmax())] == label
    nothing = classifier.probabilities(analyze("qqq"))  # no piece it knows: the bias alone
    assert nothing.max() < 0.5


def _examples() -> tuple:
    texts = [(label, text) for label, texts in EXAMPLES.items() for text in texts]
    labels = list(EXAMPLES)
    return (
        tuple(analyze(text) for _, text in texts),
        tuple(labels.index(label) for label, _ in texts),
        len(labels),
    )


def test_a_model_trained_apart_is_the_model_trained_here() -> None:
    """A running bot trains in a child process, so that the training's memory goes with it."""
    here, apart = classifier._train(*_examples()), classifier._train_apart(_examples())
    assert apart.columns == here.columns
    assert np.allclose(apart.weights, here.weights)
    message = analyze("nuuts ugee martchihlaa")
    assert np.allclose(apart.probabilities(message), here.probabilities(message))


def test_a_child_that_cannot_start_leaves_the_training_here(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(classifier.sys, "executable", "/nonexistent/python")
    trained = classifier._train_apart(_examples())
    assert np.allclose(trained.weights, classifier._train(*_examples()).weights)
    assert "training here" in caplog.text


def test_a_faq_seen_before_is_not_trained_again() -> None:
    first, _ = _trained()
    again, _ = _trained()
    assert again is first


@pytest.mark.parametrize(
    ("text", "words_alone", "blended"),
    [
        # "цахим сургалт" pulls the words alone to the training's format; its pieces do not
        ("Цахим сургалтын хуудас нээгдэхгүй байна", "format", "elearning_login"),
        ("ESIS-d nevtreh gehoor aldaa garaad bn", "elearning_login", "esis_login"),
    ],
)
def test_the_second_signal_answers_what_the_words_alone_get_wrong(
    text: str, words_alone: str, blended: str
) -> None:
    entries = load_faq_dir(PROJECT_ROOT / "faq")
    assert Matcher(entries, classify=False).match(text).intent == words_alone
    assert Matcher(entries).match(text).intent == blended


def test_a_matcher_trains_only_when_it_matches() -> None:
    entries = load_faq_dir(PROJECT_ROOT / "faq")
    matcher = Matcher(entries)
    assert matcher._classifier is None  # validation and commands that never match: no cost
    matcher.match("нууц үг")
    assert matcher._classifier is not None


def test_a_long_message_is_classified_by_its_request_too() -> None:
    """The introduction's pieces outweigh the request's in the whole message; each entry
    keeps its likelier reading, so what the closing sentences ask still counts."""
    story = (
        "Сайн байна уу. Би Хөвсгөл аймгийн Мөрөн сумын 2-р сургуулийн физикийн багш. "
        "Өнгөрсөн хавар 10 дахь жилийн сургалтад орсон боловч ээжийгээ асарч байгаад "
        "зарим даалгавраа хийж чадаагүй. Өчигдөр менежер маань намайг тэнцээгүй гэж хэллээ. "
        "Одоо юу хийх вэ?"
    )
    assert Matcher(load_faq_dir(PROJECT_ROOT / "faq")).match(story).intent == "failed_retake"
