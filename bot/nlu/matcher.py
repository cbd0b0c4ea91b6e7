"""The FAQ index: which entry a teacher's message asks about, how sure we are, or None.

A lexical score (0–100) has three parts, because each alone was clearly worse
(docs/matcher.md tells how each is computed and why): how much of the message the entry's
words explain (rare words weigh more, words no entry knows count against); how much of the
entry's closest paraphrase the message contains (so a request inside a long message still
counts); and rapidfuzz's ratio between the message's sorted word forms and the closest
paraphrase. An inverted index from stems to entries keeps the work to the entries that
share a rarer word with the message.

The verdict is taken on that score blended with a second signal, a character n-gram
classifier trained on the same paraphrases (bot/nlu/classifier.py): words the lexical
score cannot place still carry their pieces.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from rapidfuzz import fuzz, process

from bot.nlu.classifier import Classifier, train
from bot.nlu.entities import (
    asks_whom,
    matter_of_a_contact_question,
    names_another_organiser,
    only_asks_for_a_reply,
    without_announcement,
    without_what_works,
)
from bot.nlu.normalize import MAX_TEXT, NEGATION, Word, analyze, asks, sentences

DEFAULT_THRESHOLD: float = 43.0
"""Below this (blended) score the bot does not answer: the message is too far from every entry."""

LEXICAL_THRESHOLD: float = 54.0
"""The same line for the lexical score alone (validation's leave-one-out, a long message's end)."""

CLASSIFIER_SHARE = 0.5  # the classifier's probability (× 100) in the blended score
# Past this many paraphrases the classifier is not trained and the words alone decide: its
# solver works on a paraphrases² matrix, its time grows with the cube (1,426 today: 2–3 s).
MOST_EXAMPLES = 3000

DEFAULT_MARGIN: float = 2.0
"""The best entry must lead the runner-up by this much, or the bot asks a person instead."""

COVERAGE_SHARE = 0.4  # how much of the message the entry's words explain
RECALL_SHARE = 0.3  # how much of the entry's closest paraphrase the message contains
# … and the rest of the score is rapidfuzz's ratio with the closest paraphrase.
# Weights are idf, log(1 + entries / entries with the stem); the two below are in units of
# the heaviest weight, that of a stem only one entry has.
UNKNOWN_WEIGHT = 0.4  # a word no entry knows counts this much against every entry
MIN_EVIDENCE = 1.1  # a message whose words weigh less is too vague to be fully explained
KEYWORD_BOOST = 1.5  # a stem from an entry's keywords explains more than an ordinary one
FUZZY_CUTOFF = 78.0  # rapidfuzz ratio for a typo'd stem to count as a known one
FUZZY_MIN_LENGTH = 4  # shorter stems must be spelled exactly: too many near neighbours
FUZZY_CANDIDATES = 3  # known stems a typo'd one may stand for
KNOWN_SIMILARITY = 0.9  # a word this close to a known one is that word, not a name
SHORT_STEM = 4  # a stem this short, cut by one letter, is read whole by `knows` ("дорж")
TYPOS_KEPT = 4096  # unknown stems whose fuzzy readings are remembered (then forgotten at once)
GLUED_MIN = 9  # letters of a word that may be two or three known words run together
GLUED_PIECE = 2  # … each of them at least this long ("үг", "esis")
_TOKEN = re.compile(r"\w+")
SHORTLIST = 24  # entries, by a rough vote, that get the full (costlier) scoring
COMMON_SHARE = 0.05  # a stem in more than this share of entries is too common to vote
MIN_LEXICON_STEM = 3  # a lexicon stem shorter than this is too weak to pick a reading
FORM_WEIGHT = 0.5  # share of a stem's weight that its exact suffixed form adds, when known
LONG_MESSAGE = 10  # content words from which a message's closing sentences are scored alone
MAX_TAIL_SENTENCES = 2  # closing sentences tried: the last one, the last two
MIN_TAIL_WORDS = 2  # fewer content words than this say too little on their own
REQUEST_LEAD = 20.0  # how far over the threshold a long message's end must match to lead
BARE_REQUEST = 3  # content words of a closing request that asks only what to do about it
FORM = "="  # marks a form key in the index; no normalized word contains it
CANDIDATES = 3  # entries a verdict names, best first (for clarifying and for evaluation)
MATTER_WORDS = 2  # words of a "whom do I turn to?" matter that read as a topic only clearly
MEMORY = 4096  # verdicts kept: in a cohort's rush many teachers send the same words


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
    candidates: tuple[Candidate, ...] = ()  # the best CANDIDATES entries, best first


@dataclass(frozen=True)
class Confusion:
    """A paraphrase that the rest of the FAQ places under another entry (for faq validate)."""

    entry_id: str
    question: str
    better_id: str
    score: float


@dataclass(frozen=True)
class _Paraphrase:
    entry: int  # index of its entry
    text: str
    keys: frozenset[str]


_Reading = tuple[float, list[tuple[str, float]]]
"""A message key's weight, and the indexed keys it may stand for with their similarity."""


def _sorted_forms(words: Sequence[Word]) -> str:
    """The word forms in alphabetical order: rapidfuzz ratio on it is token_sort_ratio."""
    return " ".join(sorted(word.form for word in words))


def _up_to_request(text: str) -> list[str]:
    """The message's sentences through the last one that asks something: what follows it
    (thanks in advance, a signature, "Хүндэтгэсэн", "Хариу өгнө үү") is no request. An
    opening "Сайн байна уу?" asks nothing of the desk: when it is the only question, every
    sentence stays."""
    parts = sentences(text)
    last = max(
        (
            i
            for i, sentence in enumerate(parts)
            if asks(sentence) and not only_asks_for_a_reply(sentence)
        ),
        default=0,
    )
    return parts[: last + 1] if last else parts


class Matcher:
    """An index over FAQ entries, built once; match() is cheap and never raises."""

    def __init__(
        self,
        entries: Iterable[Indexable],
        *,
        threshold: float | None = None,
        margin: float = DEFAULT_MARGIN,
        memory: int = MEMORY,
        classify: bool = True,
    ) -> None:
        """`classify=False` leaves the second signal out (validation, which only ranks).

        `threshold` is on the blended score; a matcher of words alone (`classify=False`, or
        an FAQ past MOST_EXAMPLES paraphrases) raises it by LEXICAL_THRESHOLD −
        DEFAULT_THRESHOLD, where the same messages fall on the lexical score alone."""
        self.margin = margin
        self._memory = memory
        self._verdicts: dict[str, MatchResult] = {}  # the last `memory`, by message text
        self._typos: dict[str, _Reading] = {}  # unknown stems' fuzzy readings, by stem
        self._glued: dict[str, str] = {}  # long words, spaced apart where run together
        entries = list(entries)
        self._ids = [entry.id for entry in entries]
        self._refuse = [entry.refuse for entry in entries]
        self._index = {entry_id: index for index, entry_id in enumerate(self._ids)}
        questions = [[(text, analyze(text)) for text in entry.questions] for entry in entries]
        keywords = [[analyze(text) for text in entry.keywords] for entry in entries]
        self._lexicon = frozenset(
            word.stem
            for words in [
                *(words for analysed in questions for _, words in analysed),
                *(words for analysed in keywords for words in analysed),
            ]
            for word in words
            if len(word.stem) >= MIN_LEXICON_STEM
        )
        self._entry_keys: list[Counter[str]] = []
        self._credits: list[dict[str, float]] = []  # what each key explains of an entry
        postings: dict[str, list[int]] = {}
        keyed = [[(text, words, self._keys(words)) for text, words in qs] for qs in questions]
        for index, analysed in enumerate(keyed):
            counts = Counter(key for _, _, keys in analysed for key in keys)
            keyword_keys = frozenset(k for words in keywords[index] for k in self._keys(words))
            counts.update(keyword_keys)
            self._entry_keys.append(counts)
            self._credits.append(
                {key: KEYWORD_BOOST if key in keyword_keys else 1.0 for key in counts}
            )
            for key in counts:
                postings.setdefault(key, []).append(index)
        total = len(entries)
        self._postings = postings
        self._key_credits = {  # per key, the entries that know it and what it explains of each
            key: (np.array(ids), np.array([self._credits[entry][key] for entry in ids]))
            for key, ids in postings.items()
        }
        self._idf = {key: math.log(1 + total / len(ids)) for key, ids in postings.items()}
        self._vocabulary = [
            key for key in postings if len(key) >= FUZZY_MIN_LENGTH and not key.startswith(FORM)
        ]
        self._common_postings = max(SHORTLIST, int(COMMON_SHARE * total))
        heaviest = math.log(1 + total)
        self._unknown_weight = UNKNOWN_WEIGHT * heaviest
        self._min_evidence = MIN_EVIDENCE * heaviest
        self._paraphrases: list[_Paraphrase] = []
        self._by_entry: list[list[int]] = []
        shares: dict[str, tuple[list[int], list[float]]] = {}
        self._forms: list[str] = []  # each paraphrase's sorted forms
        for index, analysed in enumerate(keyed):
            self._by_entry.append([])
            for text, words, keys in analysed:
                weighted = tuple((k, self._idf[k]) for k in keys if not k.startswith(FORM))
                whole = sum(weight for _, weight in weighted) or 1.0
                for key, weight in weighted:
                    paraphrases, parts = shares.setdefault(key, ([], []))
                    paraphrases.append(len(self._paraphrases))
                    parts.append(weight / whole)
                self._by_entry[index].append(len(self._paraphrases))
                self._forms.append(_sorted_forms(words))
                self._paraphrases.append(
                    _Paraphrase(
                        entry=index,
                        text=text,
                        keys=keys,
                    )
                )
        self._owner = np.array([paraphrase.entry for paraphrase in self._paraphrases])
        self._rows = [np.array(ids, dtype=np.intp) for ids in self._by_entry]  # for numpy
        self._no_rows = np.array([], dtype=np.intp)
        self._shares = {key: (np.array(at), np.array(part)) for key, (at, part) in shares.items()}
        firsts = np.cumsum([0, *(len(ids) for ids in self._by_entry)])
        self._firsts = firsts[:-1]  # where each entry's paraphrases start (an empty one: none)
        paraphrases = sum(len(analysed) for analysed in questions)
        self._classify = classify and total > 1 and paraphrases <= MOST_EXAMPLES
        self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        if not self._classify:
            self.threshold += LEXICAL_THRESHOLD - DEFAULT_THRESHOLD
        self._examples = (
            [words for analysed in questions for _, words in analysed],
            [index for index, analysed in enumerate(questions) for _ in analysed],
        )
        self._classifier: Classifier | None = None

    def prepare(self, *, apart: bool = False) -> None:
        """Train the second signal now (3–5 s for the bundled FAQ) rather than at the
        first message: the bot calls it off the event loop, `apart` (in a child process,
        so that a long-running bot does not keep the training's memory peak); commands
        that never match text never pay for it."""
        self._second_signal(apart=apart)

    def _second_signal(self, *, apart: bool = False) -> Classifier | None:
        if self._classify and self._classifier is None:
            self._classifier = train(*self._examples, len(self._ids), apart=apart)
        return self._classifier

    def _key(self, word: Word) -> str:
        """The stem under which a word is indexed: the longest reading the lexicon knows."""
        for stem in word.stems:
            if len(stem) >= MIN_LEXICON_STEM and stem in self._lexicon:
                return stem
        return word.stem

    def _message_key(self, word: Word) -> str:
        """A message word's key: as indexed when the lexicon knows a reading of it; else its
        stem, unless only its longest reading reads as a known word's typo: "хурваарь" loses
        "аар" as an ending (хурв, nobody's), while its longest reading хурвар is хувар
        (хуваарь) mistyped. Fuzzy readings are remembered, so the stem's is looked up once."""
        key = self._key(word)
        longest = word.stems[0] if word.stems else key
        if key in self._idf or longest == key or self._readings(key)[1]:
            return key
        return longest if self._readings(longest)[1] else key

    def knows(self, word: str) -> bool:
        """Whether the paraphrases use this word, or a close typo of one of theirs:
        "батламж" does, a name ("мөнхбат") does not, nor one only loosely like a word
        ("batbold" ~ "батл…" at 0.89). A stop word counts as known: it is no name."""
        return all(
            any(
                similarity >= KNOWN_SIMILARITY
                for _key, similarity in self._readings(self._known_key(w))[1]
            )
            for w in analyze(word)
        )

    def _known_key(self, word: Word) -> str:
        """The key `knows` reads a word by: its stem, unless that is its form less one last
        letter and shorter than `SHORT_STEM` — a name's own letter taken for an ending
        ("дорж" is no "дор" with the converb -ж), so the whole word is read."""
        key = self._message_key(word)
        if len(key) < SHORT_STEM and len(word.form) == len(key) + 1:
            return word.form
        return key

    def _unglued(self, text: str) -> str:
        """The message with words run together spaced apart ("нууцүгээмартсан" → "нууц
        үгээ мартсан"): a phone's space dropped. Only a long word that reads as nothing
        known, nor as a typo of it, and splits into two or three words the index has."""
        if all(len(token) < GLUED_MIN for token in text.split()):
            return text
        return _TOKEN.sub(lambda found: self._spaced(found.group()), text)

    def _spaced(self, token: str) -> str:
        if len(token) < GLUED_MIN:
            return token
        spaced = self._glued.get(token)
        if spaced is None:
            if len(self._glued) >= TYPOS_KEPT:
                self._glued.clear()
            known = any(
                self._idf.get(key) or self._readings(key)[1]
                for key in (self._message_key(word) for word in analyze(token))
            )
            spaced = token if known else self._split(token) or token
            self._glued[token] = spaced
        return spaced

    def _split(self, token: str) -> str | None:
        """`token` as two or three word forms the index has, the likeliest: the least
        summed weight (rarer forms weigh more, so "нууц үгээ мартсан" beats "нууцүгээ"
        read as нууц with an odd ending, or "март" and "сан"). A piece never starts with
        a soft or hard sign."""
        weights: dict[str, float | None] = {}

        def weight(piece: str) -> float | None:  # None: no form the index has
            if piece not in weights:
                words = analyze(piece)
                form = words[0].form if len(words) == 1 else ""
                weights[piece] = self._idf.get(FORM + form, self._idf.get(form))
            return weights[piece]

        ends = range(GLUED_PIECE, len(token) - GLUED_PIECE + 1)
        cuts = [at for at in ends if token[at] not in "ьъ"]
        best: tuple[float, int, list[str]] | None = None
        for first in cuts:
            if weight(token[:first]) is None:
                continue
            seconds = [second for second in cuts if second - first >= GLUED_PIECE]
            for cut in [[first], *([first, second] for second in seconds)]:
                bounds = zip([0, *cut], [*cut, len(token)], strict=True)
                pieces = [token[start:end] for start, end in bounds]
                found = [weight(piece) for piece in pieces]
                if None in found:
                    continue
                tried = (sum(w or 0.0 for w in found), len(pieces), pieces)
                if best is None or tried[:2] < best[:2]:
                    best = tried
        return " ".join(best[2]) if best is not None else None

    def _keys(self, words: Iterable[Word], *, message: bool = False) -> frozenset[str]:
        """Index keys of some words (a message's with `message`): their stems, -гүй, and
        each suffixed form as well.

        A form key (marked with FORM) keeps тэнцсэн, тэнцэх and тэнцээгүй apart where
        their shared stem cannot.
        """
        keys: set[str] = set()
        for word in words:
            if word.stem:
                key = self._message_key(word) if message else self._key(word)
                keys.add(key)
                if word.form != key:
                    keys.add(FORM + word.form)
            if word.negated:
                keys.add(NEGATION)
        return frozenset(keys)

    def _readings(self, key: str) -> _Reading:
        """A message key's weight and the indexed keys it stands for, with a similarity.

        A stem no entry knows weighs against every entry, unless it is a typo
        of a known one; an unknown form weighs nothing (its stem already counts).
        """
        if key in self._idf:
            weight = self._idf[key] * (FORM_WEIGHT if key.startswith(FORM) else 1.0)
            return weight, [(key, 1.0)]
        if key.startswith(FORM):
            return 0.0, []
        if len(key) < FUZZY_MIN_LENGTH or not self._vocabulary:
            return self._unknown_weight, []
        reading = self._typos.get(key)
        if reading is None:
            if len(self._typos) >= TYPOS_KEPT:
                self._typos.clear()
            reading = self._typos[key] = self._typo_reading(key)
        return reading

    def _typo_reading(self, key: str) -> _Reading:
        near = process.extract(
            key,
            self._vocabulary,
            scorer=fuzz.ratio,
            score_cutoff=FUZZY_CUTOFF,
            limit=FUZZY_CANDIDATES,
        )
        if not near:
            return self._unknown_weight, []
        readings = [(stem, score / 100) for stem, score, _ in near]
        weight = max(self._idf[stem] * sim for stem, sim in readings)
        return max(weight, self._unknown_weight), readings

    def _shortlist(self, readings: Sequence[_Reading]) -> list[int]:
        """The entries worth scoring: those sharing the message's rarer stems, best first.

        Stems most entries share (сургалт, багш) would make every message touch every
        entry; they only vote when the message has nothing rarer.
        """
        votes: dict[int, float] = {}
        for only_rare in (True, False):
            for weight, near in readings:
                for stem, sim in near:
                    postings = self._postings[stem]
                    if only_rare and len(postings) > self._common_postings:
                        continue
                    for entry in postings:
                        votes[entry] = votes.get(entry, 0.0) + weight * sim
            if votes:
                break
        return heapq.nlargest(SHORTLIST, votes, key=votes.__getitem__)

    def _explained_all(self, readings: Sequence[_Reading]) -> np.ndarray:
        """Per entry, the weight of the message's words it knows (keywords count more).

        Each reading's credit is added into all entries at once through its key's postings,
        as `_recalls` does, rather than looked up entry by entry (a fifth of a long message's
        matching time went to that loop); `_explained` gives the same sum for one entry."""
        explained = np.zeros(len(self._ids))
        credit = np.zeros(len(self._ids))
        for weight, near in readings:
            if not near:
                continue
            credit.fill(0.0)
            for stem, sim in near:
                entries, credits = self._key_credits[stem]
                credit[entries] = np.maximum(credit[entries], sim * credits)
            explained += weight * credit
        return explained

    def _explained(self, entry: int, readings: Sequence[_Reading], left_out: _Paraphrase) -> float:
        """What `_explained_all` gives the entry whose paraphrase `left_out` is left out of
        the index (for find_confusions): the keys only that paraphrase had are unknown."""
        counts = self._entry_keys[entry]
        credits = {
            k: c for k, c in self._credits[entry].items() if counts[k] > (k in left_out.keys)
        }
        explained = 0.0
        for weight, near in readings:
            credit = 0.0
            for stem, sim in near:
                credit = max(credit, sim * credits.get(stem, 0.0))
            explained += weight * credit
        return explained

    def _covered(self, found: dict[str, float], exclude: int | None) -> np.ndarray:
        """Per paraphrase, the share of its stem weight the message covers (-1: left out).

        Adds each of the message's few stems into all paraphrases at once through the stem's
        postings, rather than walking every stem of every shortlisted paraphrase (which took
        three quarters of the bundled FAQ's matching time). One more element, none's, ends
        the last entry for `np.maximum.reduceat`.
        """
        covered = np.zeros(len(self._paraphrases) + 1)  # the last, none's: ends the last entry
        covered[-1] = -1.0
        for stem, sim in found.items():
            postings = self._shares.get(stem)
            if postings is not None:
                covered[postings[0]] += postings[1] * sim
        if exclude is not None:
            covered[exclude] = -1.0
        return covered

    def _similarities(
        self, query: str, covered: np.ndarray, shortlist: Sequence[int]
    ) -> np.ndarray:
        """Per entry, the best fuzz.ratio (0–1) of the message's sorted forms to those of the
        shortlisted entries' paraphrases that share a stem with the message.

        One cdist over those paraphrases, instead of an extractOne over every paraphrase of
        each shortlisted entry, took the bundled FAQ's p99 from 2.1 to 1.7 ms. No answer on
        the labelled sets changed; of their 3,455 in-scope lines, one lost its place in the
        top three (README, "Performance")."""
        rows = np.concatenate([self._rows[entry] for entry in shortlist] or [self._no_rows])
        near = rows[covered[rows] > 0]
        best = np.zeros(len(self._ids))
        if len(near):
            forms = [self._forms[paraphrase] for paraphrase in near]
            ratios = process.cdist([query], forms, scorer=fuzz.ratio, dtype=np.float32)[0]
            np.maximum.at(best, self._owner[near], ratios / 100)
        return best

    def _rank(self, words: Sequence[Word], exclude: int | None = None) -> list[Candidate]:
        """The entries that share a stem with the message, best first.

        `exclude` leaves one paraphrase out of the index, for find_confusions.
        """
        left_out = self._paraphrases[exclude] if exclude is not None else None
        readings = [self._readings(key) for key in self._keys(words, message=True)]
        total = sum(weight for weight, _ in readings)
        if not total:
            return []
        evidence = max(total, self._min_evidence)
        found: dict[str, float] = {}
        for _, near in readings:
            for stem, sim in near:
                found[stem] = max(found.get(stem, 0.0), sim)
        covered = self._covered(found, exclude)
        # Entries' paraphrases are contiguous: one reduceat takes each entry's best.
        recalls = np.maximum.reduceat(covered, self._firsts)
        shortlist = self._shortlist(readings)
        similarities = self._similarities(_sorted_forms(words), covered, shortlist)
        explained = self._explained_all(readings)
        if left_out is not None:
            explained[left_out.entry] = self._explained(left_out.entry, readings, left_out)
        scored: list[Candidate] = []
        for entry in shortlist:
            own = len(self._by_entry[entry]) - (left_out is not None and left_out.entry == entry)
            if not own:
                continue  # no paraphrase to be close to
            recall = float(recalls[entry])
            similarity = float(similarities[entry])
            coverage = min(float(explained[entry]) / evidence, 1.0)
            score = 100 * (
                COVERAGE_SHARE * coverage
                + RECALL_SHARE * recall
                + (1 - COVERAGE_SHARE - RECALL_SHARE) * similarity
            )
            scored.append(Candidate(self._ids[entry], round(score, 2)))
        scored.sort(key=lambda c: c.score, reverse=True)
        return scored

    def _rank_message(
        self, words: Sequence[Word], text: str
    ) -> tuple[list[Candidate], list[Sequence[Word]]]:
        """Rank the whole message and, when it is long, its closing sentences too; with the
        readings the classifier is to weigh: the request alone when it leads, else the
        whole message and each closing sentence ranked.

        Teachers often introduce themselves first and ask at the end; the introduction's
        words dilute the whole message's score, so the request is also scored alone and
        each entry keeps its better score.
        """
        ranked = self._rank(words)
        if len(words) < LONG_MESSAGE:
            return ranked, [words]
        requested = _up_to_request(text[:MAX_TEXT])
        best = {candidate.intent: candidate for candidate in ranked}
        asked: dict[str, tuple[Candidate, Sequence[Word]]] = {}  # the closing sentences alone
        for count in range(1, min(len(requested), MAX_TAIL_SENTENCES + 1)):
            tail = analyze(" ".join(requested[-count:]))
            if len(tail) < MIN_TAIL_WORDS:
                continue
            # After a greeting with no content words, the closing sentences are the message.
            for candidate in ranked if tail == words else self._rank(tail):
                known = best.get(candidate.intent)
                if known is None or candidate.score > known.score:
                    best[candidate.intent] = candidate
                earlier = asked.get(candidate.intent)
                if earlier is None or candidate.score > earlier[0].score:
                    asked[candidate.intent] = (candidate, tail)
        request = max(asked.values(), key=lambda asking: asking[0].score, default=None)
        if request is not None and len(request[1]) <= BARE_REQUEST:
            body = self._body_topic(requested, request)
            if body is not None:
                return body
        if (
            request is not None
            and request[0].score >= LEXICAL_THRESHOLD + REQUEST_LEAD
            and (not ranked or request[0].score >= ranked[0].score)
        ):
            # A long message is judged by its request: what its end clearly asks comes first,
            # unless the whole message reads as something else more clearly still.
            best.pop(request[0].intent)
            rest = sorted(best.values(), key=lambda c: c.score, reverse=True)
            return [request[0], *rest], [request[1]]
        tails = list(dict.fromkeys(tail for _, tail in asked.values()))
        return sorted(best.values(), key=lambda c: c.score, reverse=True), [words, *tails]

    def _body_topic(
        self, requested: Sequence[str], request: tuple[Candidate, Sequence[Word]]
    ) -> tuple[list[Candidate], list[Sequence[Word]]] | None:
        """A bare closing request ("Хэнд хандах вэ?", "yah ve?") asks what to do about what
        the sentences before it tell: when they match another entry, they are ranked
        alone, and the request's own entry (contact) only as far as they read as it."""
        words = analyze(" ".join(requested[:-1]))
        ranked = self._rank(words) if len(words) >= MIN_TAIL_WORDS else []
        if not ranked or ranked[0].intent == request[0].intent:
            return None
        if ranked[0].score < LEXICAL_THRESHOLD:
            return None
        return ranked, [words]

    def _blended(
        self, ranked: list[Candidate], readings: Sequence[Sequence[Word]]
    ) -> list[Candidate]:
        """The lexical scores blended with the classifier's probabilities, each entry's
        highest over `readings` (the message, its closing sentences, or the request a long
        one is judged by), best first.

        Entries the classifier finds likely are ranked even when they share no word with
        the message (a misspelt one), and only the lexical ranking's entries otherwise.
        """
        classifier = self._second_signal()
        if classifier is None:
            return ranked
        likely = np.max([classifier.probabilities(words) for words in readings], axis=0)
        lexical = {candidate.intent: candidate.score for candidate in ranked}
        for index in likely.argsort()[-CANDIDATES:]:
            lexical.setdefault(self._ids[index], 0.0)
        blended = [
            Candidate(
                intent,
                round(
                    (1 - CLASSIFIER_SHARE) * score
                    + CLASSIFIER_SHARE * 100 * float(likely[self._index[intent]]),
                    2,
                ),
            )
            for intent, score in lexical.items()
        ]
        blended.sort(key=lambda c: c.score, reverse=True)
        return blended

    def match(self, text: str) -> MatchResult:
        """The entry to answer with, or None and the reason not to answer.

        The index never changes (an edited FAQ builds a new Matcher), so a verdict is kept
        for the next teacher who sends the same text."""
        verdict = self._verdicts.get(text)
        if verdict is None:
            verdict = self._judge(text)
            if self._memory:
                if len(self._verdicts) >= self._memory:
                    del self._verdicts[next(iter(self._verdicts))]  # the oldest
                self._verdicts[text] = verdict
        return verdict

    def _judge(self, text: str) -> MatchResult:
        if len(text) > MAX_TEXT:  # a paste with the request at its end: judge the end
            text = text[-MAX_TEXT:]
        text = self._unglued(without_what_works(without_announcement(text), self.knows))
        words = analyze(text)
        ranked = self._blended(*self._rank_message(words, text)) if words else []
        if not ranked:
            return MatchResult(None, 0.0, None, None, "empty" if not words else "low_score")
        best = ranked[0]
        runner_up = ranked[1] if len(ranked) > 1 else None
        considered = tuple(ranked[:CANDIDATES])
        theirs = [c for c in ranked if self._refuse[self._index[c.intent]]]
        if theirs and theirs[0] is not best and names_another_organiser(text):
            # "ЮНИСЕФ-ийн сургалтын гэрчилгээ": worded like the desk's own question, but another
            # organiser's; refused with the closest out-of-scope topic, however far down.
            return MatchResult(None, theirs[0].score, theirs[0], best, "out_of_scope", considered)
        if not self._refuse[self._index[best.intent]] and asks_whom(text):
            elsewhere = self._matter_elsewhere(text)
            if elsewhere is not None:  # "surguuliin nuursnii asuudal hend handah ve"
                score = elsewhere.score
                return MatchResult(None, score, elsewhere, best, "out_of_scope", considered)
        if best.score < self.threshold:
            reason = "low_score"
        elif self._refuse[self._index[best.intent]]:
            reason = "out_of_scope"
        elif runner_up is not None and best.score - runner_up.score < self.margin:
            reason = "ambiguous"
        else:
            reason = "matched"
        intent = best.intent if reason == "matched" else None
        return MatchResult(intent, best.score, best, runner_up, reason, considered)

    def _matter_elsewhere(self, text: str) -> Candidate | None:
        """The out-of-scope topic a "whom do I turn to?" is about, judged by its matter: the
        asking words ("хэнд хандах вэ") read as the institute's contacts, whatever the
        matter ("дотуур байрны халаалт ажиллахгүй байна" is the school's). A matter of a
        word or two must read as that topic clearly; None when it reads as nothing else's."""
        matter = matter_of_a_contact_question(text)
        if len(matter.split()) < MATTER_WORDS:
            return None
        reading = self.match(matter)
        best = reading.best
        if best is None or not self._refuse[self._index[best.intent]]:
            return None
        clearly = reading.reason == "out_of_scope" or len(matter.split()) > MATTER_WORDS
        return best if clearly else None

    def confusions(self) -> list[Confusion]:
        """Paraphrases that, left out of the index, the bot would handle as another entry.

        Only confusions that change what the bot does count: the other entry's lexical score
        reaches LEXICAL_THRESHOLD (so it would be answered, or refused as out of scope), and
        the two entries are not both refused anyway. The classifier is left out: it was
        trained on the paraphrase left out, and training it again for each would take hours.
        """
        found: list[Confusion] = []
        for number, paraphrase in enumerate(self._paraphrases):
            ranked = self._rank(analyze(paraphrase.text), exclude=number)
            if not ranked:
                continue
            best = ranked[0]
            own = paraphrase.entry
            other = self._index[best.intent]
            if (
                other != own
                and best.score >= LEXICAL_THRESHOLD
                and not (self._refuse[own] and self._refuse[other])
            ):
                found.append(Confusion(self._ids[own], paraphrase.text, best.intent, best.score))
        return found


def find_confusions(entries: Sequence[Indexable]) -> list[Confusion]:
    """Each paraphrase that the rest of the FAQ would answer (or refuse) as another entry."""
    return Matcher(entries, classify=False).confusions()
