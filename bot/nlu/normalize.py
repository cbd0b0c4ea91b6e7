"""Bring teachers' Mongolian — Cyrillic, chat-Latin, typos, suffixes — to one comparable form.

Pure functions driven by the tables in tables.py. Letter rules alone cannot decide у/ү, о/ө,
ы/ий or ц/тс in chat-Latin, so the normalizer writes its best Cyrillic guess and the folding
step (applied to the FAQ and to the question alike) makes the undecidable pairs compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bot.nlu import tables

MAX_TEXT = 1000
"""Characters kept from a message; the rest is cut before any work, so time stays bounded."""

MAX_WORDS = 200
"""Words analysed at most; a 1,000-character message rarely has more, garbage might."""

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'"})
_URL_NOISE = re.compile(r"https?://|www\.", re.IGNORECASE)
_CHUNK = re.compile(r"[^\W_]+(?:'[^\W_]*)?(?:-[^\W_]+(?:'[^\W_]*)?)*", re.UNICODE)
_LATIN_VOWELS = frozenset("aeiouyöüq")
_Y_DIGRAPH_VOWELS = frozenset("aeou")
_DIGITS_ONLY = re.compile(r"\d+")
_REPEATED_LETTER = re.compile(r"([^\W\d_])\1+")
_LONG_NUMBER = 5  # digit runs this long are ids, phone or register numbers: no intent in them


_SAME_THING = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(k) for k in sorted(tables.SAME_THING, key=len, reverse=True))
    + ")"
)


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u052f"


def _is_latin(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("\u00c0" <= ch <= "\u024f" and ch.isalpha())


def script_of(text: str) -> str:
    """Which alphabet the letters are in: "latn", "cyrl", "mixed" (both) or "other" (neither)."""
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT])
    latin = cyrillic = False
    for ch in text:
        if _is_cyrillic(ch):
            cyrillic = True
        elif _is_latin(ch):
            latin = True
    if latin and cyrillic:
        return "mixed"
    if latin:
        return "latn"
    return "cyrl" if cyrillic else "other"


def _plain_latin(ch: str) -> str:
    """é → e and the like, so accented Latin letters follow the ASCII rules."""
    if ch in "öüÖÜ":
        return ch
    base = unicodedata.normalize("NFKD", ch)[:1]
    return base if base.isascii() else ch


def _transliterate(run: str) -> str:
    """One run of lower-case Latin letters to Cyrillic, with the context rules of MONGOLIAN.md."""
    out: list[str] = []
    i, n = 0, len(run)
    while i < n:
        ch = run[i]
        prev = run[i - 1] if i else ""
        nxt = run[i + 1] if i + 1 < n else ""
        after = run[i + 2] if i + 2 < n else ""
        if ch in "vw":
            # "ugvi", "vildel": v + i before a consonant, after a consonant, is үй.
            if nxt == "i" and after not in _LATIN_VOWELS and prev not in _LATIN_VOWELS:
                out.append("үй")
                i += 2
                continue
            # Beside a vowel v/w is в ("davaa", "tovch"); between consonants ү ("hvn").
            out.append("в" if prev in _LATIN_VOWELS or nxt in _LATIN_VOWELS else "ү")
            i += 1
            continue
        if ch == "y":
            if nxt in _Y_DIGRAPH_VOWELS:
                out.append(tables.LATIN_LETTERS["y" + nxt])  # ya, ye, yo, yu
                i += 2
                continue
            if not nxt:
                out.append("й" if prev in _LATIN_VOWELS else "ы")  # "hudaldaany"
            else:
                out.append("я" if prev in _LATIN_VOWELS else "у")  # "bayrlalaa", "yrgelj"
            i += 1
            continue
        if ch == "i":
            if nxt == "i":
                out.append("ий")
                i += 2
                continue
            out.append("й" if prev in _LATIN_VOWELS and nxt not in _LATIN_VOWELS else "и")
            i += 1
            continue
        pair = run[i : i + 2]
        if len(pair) == 2 and pair in tables.LATIN_LETTERS:
            out.append(tables.LATIN_LETTERS[pair])
            i += 2
            continue
        out.append(tables.LATIN_LETTERS.get(ch, "" if ch == "'" else ch))
        i += 1
    return "".join(out)


def _fix_lookalikes(word: str) -> str:
    """Swap look-alike letters so that a word is written in one alphabet, its majority's."""
    word = "".join(tables.LOOKALIKE_LETTERS.get(ch, ch) for ch in word)
    cyrillic = sum(1 for ch in word if _is_cyrillic(ch))
    latin = sum(1 for ch in word if _is_latin(ch))
    if cyrillic and latin:
        table = (
            tables.LATIN_TO_CYRILLIC_LOOKALIKE
            if cyrillic >= latin
            else tables.CYRILLIC_TO_LATIN_LOOKALIKE
        )
        word = "".join(table.get(ch, ch) for ch in word)
    return word


@lru_cache(maxsize=65536)
def _normalize_word(word: str) -> str:
    """One word (no spaces or hyphens) to lower-case Cyrillic; may expand to several words."""
    word = _fix_lookalikes(word).casefold()
    if word in tables.LATIN_WORDS:
        return tables.LATIN_WORDS[word]
    if any(_is_latin(ch) for ch in word):
        word = "".join(_plain_latin(ch) for ch in word)
        parts = re.split(r"([a-zöü']+)", word)
        word = "".join(
            _transliterate(part) if index % 2 else part for index, part in enumerate(parts)
        )
    return tables.CYRILLIC_WORDS.get(word, word)


def normalize(text: str) -> str:
    """NFKC, case, look-alike letters, chat-Latin → Cyrillic, chat abbreviations, whitespace."""
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT]).translate(_APOSTROPHES)
    text = _URL_NOISE.sub(" ", text)
    words: list[str] = []
    for chunk in _CHUNK.findall(text)[:MAX_WORDS]:
        words.append("-".join(_normalize_word(part) for part in chunk.split("-")))
    return _SAME_THING.sub(lambda m: tables.SAME_THING[m.group(0)], " ".join(" ".join(words).split()))


# --- folding, stop words and stems -------------------------------------------------------


_FOLD = str.maketrans(tables.FOLD_LETTERS)


def _soft_fold(word: str) -> str:
    """Confusable letters to one key, keeping doubled vowels (suffixes still need them)."""
    folded = word.translate(_FOLD)
    while "ии" in folded:
        folded = folded.replace("ии", "и")
    return folded


def _collapse(word: str) -> str:
    """Repeated letters to one: "nuuts"/"nuts", "ugee"/"uge" are the same word in chat."""
    return _REPEATED_LETTER.sub(r"\1", word)


def fold(word: str) -> str:
    """The coarse comparison key of a normalized word (ө→о, ү→у, ц→тс, й/ы/ий→и, ь dropped)."""
    return _collapse(_soft_fold(word))


_STOP = frozenset(fold(w) for w in tables.STOP_WORDS)
_PROTECTED = frozenset(_soft_fold(w) for w in tables.PROTECTED_WORDS)
_NEGATION_WORDS = frozenset(_soft_fold(w) for w in tables.NEGATION_WORDS)
_NEGATION_SUFFIX = _soft_fold(tables.NEGATION_SUFFIX)
NEGATION = fold(tables.NEGATION_TOKEN)
"""The token that stands for -гүй / үгүй in tokens()."""

_SUFFIXES = tuple(sorted({_soft_fold(s) for s in tables.SUFFIXES}, key=len, reverse=True))
_ONE_LETTER = {
    _soft_fold(suffix): _soft_fold(before) for suffix, before in tables.ONE_LETTER_SUFFIXES.items()
}
_VOWELS = frozenset("аэиоу")  # the vowels left after folding
_MAX_CUTS = 3


def _cut_one_letter(word: str) -> str:
    """Cut a one-letter ending (-д, -т, -г, -ж, -ч, -х, -в) where it can really stand."""
    last, stem = word[-1:], word[:-1]
    if (
        last in _ONE_LETTER
        and len(stem) >= tables.MIN_STEM_AFTER_ONE_LETTER
        and stem[-1] in _ONE_LETTER[last]
    ):
        return stem
    return word


def _drop_fleeting_vowel(stem: str) -> str:
    """эхлэх/эхэлсэн, ажил/ажлын, модуль/модулиа: drop a stem's last short vowel.

    Applied to every stem, bare or suffixed, so that both forms meet at one key.
    """
    if len(stem) >= 4 and stem[-1] in _VOWELS and stem[-2] not in _VOWELS:
        stem = stem[:-1]
    if (
        len(stem) >= 4
        and stem[-3] not in _VOWELS
        and stem[-2] in _VOWELS
        and stem[-1] not in _VOWELS
    ):
        stem = stem[:-2] + stem[-1]
    return stem


def _greedy_stem(word: str) -> str:
    """The default stem: the longest ending that fits, up to three times; a bare word may
    lose a one-letter ending instead (ангид → анги)."""
    cut = word
    for _ in range(_MAX_CUTS):
        suffix = next(
            (s for s in _SUFFIXES if cut.endswith(s) and len(cut) - len(s) >= tables.MIN_STEM),
            "",
        )
        if not suffix:
            break
        cut = cut[: -len(suffix)]
    if cut == word:
        cut = _cut_one_letter(word)
    return _collapse(_drop_fleeting_vowel(cut))


def _all_stems(word: str) -> tuple[str, ...]:
    """Every stem the suffix tables allow, longest first: an ending is often ambiguous
    (хичээлээ = хичээл+ээ or хичээ+лээ) and only a lexicon can choose."""
    found = {word}
    frontier = {word}
    for _ in range(_MAX_CUTS):
        frontier = {
            w[: -len(s)]
            for w in frontier
            for s in _SUFFIXES
            if w.endswith(s) and len(w) - len(s) >= tables.MIN_STEM
        }
        found |= frontier
    found |= {_cut_one_letter(w) for w in found}
    found |= {_drop_fleeting_vowel(w) for w in found}
    return tuple(sorted({_collapse(w) for w in found}, key=lambda w: (-len(w), w)))


@dataclass(frozen=True)
class Word:
    """One content word of a message.

    `form` keeps the suffixes (тэнцсэн and тэнцэх stay apart for the fuzzy comparison);
    `stem` is the default stem; `stems` every stem the endings allow, longest first, for a
    matcher that knows which stems its lexicon has; `negated` marks -гүй / үгүй.
    """

    form: str
    stem: str
    stems: tuple[str, ...]
    negated: bool = False


@lru_cache(maxsize=65536)
def _analyze_word(word: str) -> Word | None:
    folded = _soft_fold(word)
    if not folded or _collapse(folded) in _STOP:
        return None
    if _DIGITS_ONLY.fullmatch(folded):
        return None if len(folded) >= _LONG_NUMBER else Word(folded, folded, (folded,))
    if folded in _NEGATION_WORDS:
        return Word(NEGATION, NEGATION, (NEGATION,))
    if folded in _PROTECTED:
        key = _collapse(folded)
        return Word(key, key, (key,))
    negated = folded.endswith(_NEGATION_SUFFIX) and len(folded) > len(_NEGATION_SUFFIX) + 1
    base = folded[: -len(_NEGATION_SUFFIX)] if negated else folded
    if _collapse(base) in _STOP:
        return Word(_collapse(folded), "", (), negated) if negated else None
    return Word(_collapse(folded), _greedy_stem(base), _all_stems(base), negated)


def _is_suffix_only(part: str) -> bool:
    """The piece after a hyphen in "ESIS-ийн", "1-р": an ending, not a word of its own."""
    return len(part) <= 4 and (part in _SUFFIXES or part in _ONE_LETTER or part in {"р", "н"})


def analyze(text: str) -> tuple[Word, ...]:
    """Normalize, then fold each word, drop stop words and find its stems."""
    words: list[Word] = []
    for chunk in normalize(text).split():
        parts = chunk.split("-")
        kept = [parts[0]] + [p for p in parts[1:] if not _is_suffix_only(_soft_fold(p))]
        for part in kept:
            for piece in re.findall(r"\d+|[^\W\d_]+", part):
                word = _analyze_word(piece)
                if word is not None:
                    words.append(word)
    return tuple(words)


def tokens(text: str) -> list[str]:
    """The folded stems of a message, stop words dropped, negation kept as its own token."""
    out: list[str] = []
    for word in analyze(text):
        if word.stem:
            out.append(word.stem)
        if word.negated:
            out.append(NEGATION)
    return out
