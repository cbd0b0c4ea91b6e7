"""The FAQ index: which entry a teacher's message asks about, how sure we are, or None.

A score (0–100) has two halves, because either alone was 10–20 points worse in the
prototype (MONGOLIAN.md): how much of the message the entry's words explain (rare words
weigh more, words no entry knows count against), and rapidfuzz's ratio between the
message's sorted word forms and the entry's closest paraphrase. An inverted index from
stems to entries keeps the work to the entries that share a word with the message.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz, process

from bot.nlu.normalize import NEGATION, Word, analyze

DEFAULT_THRESHOLD: float = 50.0
"""Below this score the bot does not answer: the message is too far from every entry."""

DEFAULT_MARGIN: float = 0.0
"""The best entry must lead the runner-up by this much, or the bot asks a person instead."""

COVERAGE_SHARE = 0.6  # the rest of the score is the fuzzy comparison with a paraphrase
UNKNOWN_WEIGHT = 1.5  # weight of a word no entry knows (a rare known word weighs ~3.4)
KEYWORD_BOOST = 1.5  # a stem from an entry's keywords explains more than an ordinary one
FUZZY_CUTOFF = 78.0  # rapidfuzz ratio for a typo'd stem to count as a known one
FUZZY_MIN_LENGTH = 4  # shorter stems must be spelled exactly: too many near neighbours
FUZZY_CANDIDATES = 3  # known stems a typo'd one may stand for
SHORTLIST = 24  # entries, by coverage, that get the (costlier) fuzzy comparison
MIN_LEXICON_STEM = 3  # a lexicon stem shorter than this is too weak to pick a reading
FORM_WEIGHT = 0.5  # share of a stem's weight that its exact suffixed form adds, when known
FORM = "="  # marks a form key in the index; no normalized word contains it


class Indexable(Protocol):
    """What the matcher needs of a knowledge-base entry (FaqEntry has it)."""

    id: str
    questions: Sequence[str]
    keywords: Sequence[str]
    refuse: bool


@dataclass(frozen=True)
class Candidate:
    intent: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    """The verdict on one message; `intent` is None whenever the bot should not answer."""

    intent: str | None
    score: float
    best: Candidate | None
    runner_up: Candidate | None
    reason: str  # "matched" | "low_score" | "ambiguous" | "out_of_scope" | "empty"


@dataclass(frozen=True)
class Confusion:
    """A paraphrase that the rest of the FAQ places under another entry (for faq validate)."""

    entry_id: str
    question: str
    better_id: str
    score: float


@dataclass(frozen=True)
class _Paraphrase:
    entry: int
    keys: frozenset[str]
    sorted_forms: str


def _sorted_forms(words: Sequence[Word]) -> str:
    """The word forms in alphabetical order: rapidfuzz ratio on it is token_sort_ratio."""
    return " ".join(sorted(word.form for word in words))


class Matcher:
    """An index over FAQ entries, built once; match() is cheap and never raises."""

    def __init__(
        self,
        entries: Iterable[Indexable],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        margin: float = DEFAULT_MARGIN,
    ) -> None:
        self.threshold = threshold
        self.margin = margin
        entries = list(entries)
        self._ids = [entry.id for entry in entries]
        self._refuse = [entry.refuse for entry in entries]
        questions = [[(q, analyze(q)) for q in entry.questions] for entry in entries]
        keywords = [[analyze(k) for k in entry.keywords] for entry in entries]
        self._lexicon = frozenset(
            word.stem
            for analysed in [*questions, *([("", k) for k in kws] for kws in keywords)]
            for _, words in analysed
            for word in words
            if len(word.stem) >= MIN_LEXICON_STEM
        )
        self._paraphrases: list[_Paraphrase] = []
        self._by_entry: list[list[int]] = []
        self._entry_keys: list[Counter[str]] = []
        self._keyword_keys: list[frozenset[str]] = []
        for index, analysed in enumerate(questions):
            counts: Counter[str] = Counter()
            own: list[int] = []
            for _, words in analysed:
                keys = self._keys(words)
                counts.update(keys)
                own.append(len(self._paraphrases))
                self._paraphrases.append(_Paraphrase(index, keys, _sorted_forms(words)))
            kw_keys = frozenset(k for words in keywords[index] for k in self._keys(words))
            counts.update(kw_keys)
            self._by_entry.append(own)
            self._entry_keys.append(counts)
            self._keyword_keys.append(kw_keys)
        self._texts = [[q for q, _ in analysed] for analysed in questions]
        postings: dict[str, list[int]] = {}
        for index, counts in enumerate(self._entry_keys):
            for key in counts:
                postings.setdefault(key, []).append(index)
        total = len(entries)
        self._postings = postings
        self._idf = {key: math.log(1 + total / len(ids)) for key, ids in postings.items()}
        self._vocabulary = [
            key for key in postings if len(key) >= FUZZY_MIN_LENGTH and not key.startswith(FORM)
        ]

    def _key(self, word: Word) -> str:
        """The stem under which a word is indexed: the longest reading the lexicon knows."""
        for stem in word.stems:
            if len(stem) >= MIN_LEXICON_STEM and stem in self._lexicon:
                return stem
        return word.stem

    def _keys(self, words: Iterable[Word]) -> frozenset[str]:
        """Index keys of some words: their stems, -гүй, and each suffixed form as well.

        A form key (marked with FORM) keeps тэнцсэн, тэнцэх and тэнцээгүй apart where
        their shared stem cannot.
        """
        keys: set[str] = set()
        for word in words:
            if word.stem:
                key = self._key(word)
                keys.add(key)
                if word.form != key:
                    keys.add(FORM + word.form)
            if word.negated:
                keys.add(NEGATION)
        return frozenset(keys)

    def _readings(self, key: str) -> tuple[float, list[tuple[str, float]]]:
        """A message key's weight and the indexed keys it stands for, with a similarity.

        A stem no entry knows weighs UNKNOWN_WEIGHT against every entry, unless it is a typo
        of a known one; an unknown form weighs nothing (its stem already counts).
        """
        if key in self._idf:
            weight = self._idf[key] * (FORM_WEIGHT if key.startswith(FORM) else 1.0)
            return weight, [(key, 1.0)]
        if key.startswith(FORM):
            return 0.0, []
        if len(key) < FUZZY_MIN_LENGTH or not self._vocabulary:
            return UNKNOWN_WEIGHT, []
        near = process.extract(
            key,
            self._vocabulary,
            scorer=fuzz.ratio,
            score_cutoff=FUZZY_CUTOFF,
            limit=FUZZY_CANDIDATES,
        )
        if not near:
            return UNKNOWN_WEIGHT, []
        readings = [(stem, score / 100) for stem, score, _ in near]
        weight = max(self._idf[stem] * sim for stem, sim in readings)
        return max(weight, UNKNOWN_WEIGHT), readings

    def _rank(self, words: Sequence[Word], exclude: int | None = None) -> list[Candidate]:
        """Every entry that shares a stem with the message, best first.

        `exclude` leaves one paraphrase out of the index, for find_confusions.
        """
        left_out = self._paraphrases[exclude] if exclude is not None else None
        readings = [self._readings(key) for key in self._keys(words)]
        total = sum(weight for weight, _ in readings)
        if not total:
            return []
        explained: dict[int, float] = {}
        for weight, near in readings:
            best_for: dict[int, float] = {}
            for stem, sim in near:
                for entry in self._postings.get(stem, ()):
                    if left_out is not None and entry == left_out.entry:
                        if stem in left_out.keys and self._entry_keys[entry][stem] <= 1:
                            continue
                    boost = KEYWORD_BOOST if stem in self._keyword_keys[entry] else 1.0
                    best_for[entry] = max(best_for.get(entry, 0.0), sim * boost)
            for entry, credit in best_for.items():
                explained[entry] = explained.get(entry, 0.0) + weight * credit
        shortlist = sorted(explained, key=explained.__getitem__, reverse=True)[:SHORTLIST]
        query = _sorted_forms(words)
        scored: list[Candidate] = []
        for entry in shortlist:
            coverage = min(explained[entry] / total, 1.0)
            choices = [
                self._paraphrases[p].sorted_forms for p in self._by_entry[entry] if p != exclude
            ]
            best = process.extractOne(query, choices, scorer=fuzz.ratio) if choices else None
            similarity = best[1] / 100 if best else 0.0
            score = 100 * (COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * similarity)
            scored.append(Candidate(self._ids[entry], round(score, 2)))
        scored.sort(key=lambda c: c.score, reverse=True)
        return scored

    def match(self, text: str) -> MatchResult:
        """The entry to answer with, or None and the reason not to answer."""
        words = analyze(text)
        ranked = self._rank(words) if words else []
        if not ranked:
            return MatchResult(None, 0.0, None, None, "empty" if not words else "low_score")
        best = ranked[0]
        runner_up = ranked[1] if len(ranked) > 1 else None
        if best.score < self.threshold:
            reason = "low_score"
        elif self._refuse[self._ids.index(best.intent)]:
            reason = "out_of_scope"
        elif runner_up is not None and best.score - runner_up.score < self.margin:
            reason = "ambiguous"
        else:
            reason = "matched"
        intent = best.intent if reason == "matched" else None
        return MatchResult(intent, best.score, best, runner_up, reason)

    def confusions(self) -> list[Confusion]:
        """Paraphrases that, left out of the index, land on another entry than their own."""
        found: list[Confusion] = []
        for number, paraphrase in enumerate(self._paraphrases):
            own = self._ids[paraphrase.entry]
            text = self._texts[paraphrase.entry][self._by_entry[paraphrase.entry].index(number)]
            ranked = self._rank(analyze(text), exclude=number)
            if ranked and ranked[0].intent != own:
                found.append(Confusion(own, text, ranked[0].intent, ranked[0].score))
        return found


def find_confusions(entries: Sequence[Indexable]) -> list[Confusion]:
    """Each paraphrase that the rest of the FAQ would answer with another entry."""
    return Matcher(entries).confusions()
