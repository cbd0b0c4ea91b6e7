"""Speed of the FAQ matcher: `python -m tests.bench.matcher` (a benchmark, not a test).

Prints index build time and the median and p99 latency of Matcher.match() with the bundled
FAQ and with a synthetic 1,000-entry FAQ (8 paraphrases each), and, on the same queries,
a plain rapidfuzz process.extractOne over the raw paraphrases for comparison.
Targets (issue 3): p99 ≤ 2 ms at 1,000 entries on one core; build ≤ 1 s.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import process

from bot.desk.faq import load_faq_dir
from bot.nlu.evaluation import read_cases
from bot.nlu.matcher import Matcher
from tests.support import Entry

ROOT = Path(__file__).resolve().parents[2]
SEED = 20210115
SYNTHETIC_ENTRIES = 1000
PARAPHRASES_PER_ENTRY = 8
SYNTHETIC_QUERIES = 2000




def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _latencies(call: Callable[[str], object], queries: Sequence[str]) -> list[float]:
    """Each query timed once, in milliseconds."""
    timings: list[float] = []
    for query in queries:
        start = time.perf_counter_ns()
        call(query)
        timings.append((time.perf_counter_ns() - start) / 1e6)
    return timings


def _report(label: str, timings: Sequence[float]) -> None:
    print(
        f"  {label:<34} median {statistics.median(timings):7.3f} ms"
        f"   p99 {_percentile(timings, 0.99):7.3f} ms   max {max(timings):7.3f} ms"
    )


_CONSONANTS = "бвгдзлмнрстхцчшж"
_VOWELS = ["а", "э", "о", "у", "ө", "ү", "и", "аа", "ээ", "оо", "уу"]
_ENDINGS = ["", "", "", "ийн", "ыг", "аас", "тай", "ээ", "сан", "ах", "даг", "гүй", "д"]
_COMMON = ["сургалт", "багш", "хэзээ", "яаж", "хаана", "ямар", "нууц", "үг", "батламж", "ESIS"]
_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "ө": "u", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "v", "ф": "f",
    "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "ъ": "", "ы": "ii", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}


def _word(rng: random.Random) -> str:
    syllables = rng.randint(2, 3)
    return "".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(syllables)) + (
        rng.choice(_CONSONANTS)
    )


def _synthetic_faq(rng: random.Random) -> list[Entry]:
    """Pseudo-Mongolian entries: a few topic words each, common words shared by all."""
    vocabulary = sorted({_word(rng) for _ in range(4000)})
    entries: list[Entry] = []
    for number in range(SYNTHETIC_ENTRIES):
        topic = rng.sample(vocabulary, 5)
        questions = []
        for _ in range(PARAPHRASES_PER_ENTRY):
            words = rng.sample(topic, rng.randint(2, 4)) + rng.sample(_COMMON, rng.randint(1, 3))
            rng.shuffle(words)
            questions.append(" ".join(word + rng.choice(_ENDINGS) for word in words) + " вэ")
        entries.append(Entry(f"topic_{number}", tuple(questions), tuple(topic[:2])))
    return entries


def _to_latin(text: str) -> str:
    return "".join(_LATIN.get(ch, ch) for ch in text.lower())


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    at = rng.randrange(len(text) - 1)
    return text[:at] + text[at + 1] + text[at] + text[at + 2 :]


def _synthetic_queries(entries: Sequence[Entry], rng: random.Random) -> list[str]:
    """Paraphrases disguised as teachers write them, plus word salad that must be refused."""
    queries: list[str] = []
    words = [w for entry in entries for q in entry.questions for w in q.split()]
    for _ in range(SYNTHETIC_QUERIES):
        if rng.random() < 0.2:
            queries.append(" ".join(rng.sample(words, rng.randint(2, 8))))
            continue
        text = rng.choice(rng.choice(entries).questions)
        if rng.random() < 0.5:
            text = _to_latin(text)
        if rng.random() < 0.5:
            text = _typo(text, rng)
        queries.append(text)
    return queries


def _bench(label: str, entries: Sequence[Entry], queries: Sequence[str]) -> None:
    start = time.perf_counter()
    matcher = Matcher(entries, memory=0)  # every query judged: the index's speed, not a memory
    build = time.perf_counter() - start
    start = time.perf_counter()
    matcher.prepare()
    trained = time.perf_counter() - start
    words_alone = Matcher(entries, memory=0, classify=False)
    paraphrases = [q for entry in entries for q in entry.questions]
    print(
        f"{label}: {len(entries)} entries, {len(paraphrases)} paraphrases,"
        f" {len(queries)} queries"
    )
    print(f"  index build                         {build * 1000:7.1f} ms")
    print(f"  classifier training                 {trained * 1000:7.1f} ms")
    _report("Matcher.match, words alone", _latencies(words_alone.match, queries))
    _report("Matcher.match, blended (shipped)", _latencies(matcher.match, queries))
    _report(
        "rapidfuzz extractOne (raw)",
        _latencies(lambda q: process.extractOne(q, paraphrases), queries),
    )


def _bundled_accuracy(entries: Sequence[Entry], cases_path: Path) -> None:
    """Top-1 in scope of both on the labelled set: what the extra work buys."""
    lines = cases_path.read_text(encoding="utf-8").splitlines()
    cases = [case for case in read_cases(lines) if case.intent]
    matcher = Matcher(entries)
    owner = [entry.id for entry in entries for _ in entry.questions]
    paraphrases = [q for entry in entries for q in entry.questions]
    ours = sum(matcher.match(c.text).intent == c.intent for c in cases)
    plain = sum(owner[process.extractOne(c.text, paraphrases)[2]] == c.intent for c in cases)
    print(
        f"  in-scope top-1 on {cases_path.name}: Matcher {100 * ours / len(cases):.1f} %,"
        f" extractOne {100 * plain / len(cases):.1f} %"
    )


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    faq = [
        Entry(e.id, e.questions, e.keywords, e.refuse) for e in load_faq_dir(ROOT / "faq")
    ]
    eval_path = ROOT / "tests" / "data" / "eval.jsonl"
    texts = [c.text for c in read_cases(eval_path.read_text(encoding="utf-8").splitlines())]
    _bench("bundled FAQ", faq, texts)
    _bundled_accuracy(faq, eval_path)
    rng = random.Random(SEED)
    synthetic = _synthetic_faq(rng)
    _bench("synthetic FAQ", synthetic, _synthetic_queries(synthetic, rng))


if __name__ == "__main__":
    main()
