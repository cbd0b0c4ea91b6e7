"""Bring teachers' Mongolian — Cyrillic, chat-Latin, typos, suffixes — to one comparable form.

Pure functions driven by the tables in tables.py. Letter rules alone cannot decide у/ү, о/ө,
ы/ий or ц/тс in chat-Latin, so the normalizer writes its best Cyrillic guess and the folding
step (applied to the FAQ and to the question alike) makes the undecidable pairs compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.nlu import tables

MAX_TEXT = 1000
"""Characters kept from a message; the rest is cut before any work, so time stays bounded."""

MAX_WORDS = 200
"""Words analysed at most; a 1,000-character message rarely has more, garbage might."""

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'"})
_URL_NOISE = re.compile(r"https?://|www\.", re.IGNORECASE)
# An e-mail address typed in a message ("tsetseg.b85@gmail.com хаяг руу ирэхгүй") is an
# e-mail, not a question about Gmail: read as the word "имэйл".
_EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CHUNK = re.compile(r"[^\W_]+(?:'[^\W_]*)?(?:-[^\W_]+(?:'[^\W_]*)?)*", re.UNICODE)
_LATIN_VOWELS = frozenset("aeiouyöüq")
_Y_DIGRAPH_VOWELS = frozenset("aeou")
_DIGITS_ONLY = re.compile(r"\d+")
_REPEATED_LETTER = re.compile(r"([^\W\d_])\1+")
_LONG_NUMBER = 5  # digit runs this long are ids, phone or register numbers: no intent in them
MIN_TABLE_BASE = 3  # a shorter table word ("hi", "bn", "pw") with letters after it is another word
_SAME_THING = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(k) for k in sorted(tables.SAME_THING, key=len, reverse=True))
    + ")"
)
# "ажиллахаа больсон" (stopped working), "орж чадахгүй болсон" (can no longer get in): a
# failure, read as "ажиллахгүй байна", so its "-гүй" negates it and its "больсон"/"болсон"
# (ь is folded away) is no "болсон" (done, solved). Only after a verb's "-х": "асуудалгүй
# болсон" is solved.
_STOPPED_DOING = re.compile(
    r"(?<![\w-])(\w+х)(?:аа|ээ|оо|өө|гүй) бол[ьи]?(?:сон|чихсон|чихлоо|лоо|жээ)(?![\w-])"
)
# "буруу дарчихлаа" / "андуурч дарсан" (tapped the wrong button) takes back a choice, as
# "андуурлаа" does: "уучлаарай буруу дарчихлаа, 5 дахь жилийн багш" is no wrong data.
_MISTAPPED = re.compile(r"(?<![\w-])(?:буруу|андуурч) дар\w*")
# A question particle run onto a verb's "-х" ("болохуу", "bolohuu", "орохуу"): "болох уу".
_GLUED_PARTICLE = re.compile(r"(?<=\w{3}х)(уу|үү)(?![\w-])")
_LOOKALIKES = str.maketrans(tables.LOOKALIKE_LETTERS)
_TO_CYRILLIC = str.maketrans(tables.LATIN_TO_CYRILLIC_LOOKALIKE)
_TO_LATIN = str.maketrans(tables.CYRILLIC_TO_LATIN_LOOKALIKE)
_LATIN_LETTER = re.compile(r"[a-zA-Z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u0481\u048a-\u052f]")


def script_of(text: str) -> str:
    """Which alphabet the letters are in: "latn", "cyrl", "mixed" (both) or "other" (neither)."""
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT])
    latin = _LATIN_LETTER.search(text) is not None
    cyrillic = _CYRILLIC_LETTER.search(text) is not None
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
    """One run of lower-case Latin letters to Cyrillic (context rules: docs/mongolian.md)."""
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
            if prev in _LATIN_VOWELS and nxt not in _LATIN_VOWELS:
                out.append("й")  # "ai", "oi" = ай, ой
            elif not nxt and prev and n >= 4:
                out.append("ь")  # "huvaari", "surguuli" = хуваарь, сургууль
            else:
                out.append("и")
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
    word = word.translate(_LOOKALIKES)
    if word.isascii() or not _LATIN_LETTER.search(word):
        return word
    cyrillic = len(_CYRILLIC_LETTER.findall(word))
    if not cyrillic:
        return word
    if cyrillic >= len(_LATIN_LETTER.findall(word)):
        return word.translate(_TO_CYRILLIC)
    return word.translate(_TO_LATIN)


def _suffixed_latin_word(word: str) -> str | None:
    """A chat-Latin word from the table with Mongolian endings on it ("passaa", "zoomoor",
    "usernameee"), as its Cyrillic and the endings; None when the word is no such thing.

    Written letter by letter, "passaa" would become "пасаа", which no entry knows, while
    "pass" alone is in the table as нууц үг."""
    for cut in range(len(word) - 1, MIN_TABLE_BASE - 1, -1):
        base, rest = word[:cut], word[cut:]
        if base in tables.LATIN_WORDS and rest.isascii() and rest.isalpha():
            # "usernamee": the ending "ee" shares its first letter with the word's last
            for written in (rest, base[-1] + rest):
                ending = _transliterate(written)
                if _is_endings(_soft_fold(ending)):
                    return tables.LATIN_WORDS[base] + ending
    return None


_CYRILLIC_WORDS = {
    **{word.translate(_LOOKALIKES): meaning for word, meaning in tables.KAZAKH_WORDS.items()},
    **tables.CYRILLIC_WORDS,
}


# "4" typed for ч, as it sounds: "4adku" (чадку), "o4ih" (очих); not "4dahi" (the 4th).
_DIGIT_FOR_CH = re.compile(r"(?<=[a-zöü])4(?=[a-zöü])|^4(?=[aeiouöü])")


@lru_cache(maxsize=65536)
def _normalize_word(word: str) -> str:
    """One word (no spaces or hyphens) to lower-case Cyrillic; may expand to several words."""
    word = _DIGIT_FOR_CH.sub("ch", _fix_lookalikes(word).casefold())
    if word in tables.LATIN_WORDS:
        return tables.LATIN_WORDS[word]
    suffixed = _suffixed_latin_word(word)
    if suffixed is not None:
        return suffixed
    if _LATIN_LETTER.search(word):
        word = "".join(_plain_latin(ch) for ch in word)
        parts = re.split(r"([a-zöü']+)", word)
        word = "".join(
            _transliterate(part) if index % 2 else part for index, part in enumerate(parts)
        )
    return _CYRILLIC_WORDS.get(word, word)


def normalize(text: str) -> str:
    """NFKC, case, look-alike letters, chat-Latin → Cyrillic, chat abbreviations, whitespace."""
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT]).translate(_APOSTROPHES)
    text = _URL_NOISE.sub(" ", _EMAIL_ADDRESS.sub(" имэйл ", text))
    words: list[str] = []
    for chunk in _CHUNK.findall(text)[:MAX_WORDS]:
        parts = chunk.split("-")
        if len(parts) > 1 and (parts[0] + parts[1]).casefold() in tables.LATIN_WORDS:
            parts = [parts[0] + parts[1], *parts[2:]]  # "Wi-Fi-ийн" is the word "wifi"
        words.append("-".join(_normalize_word(part) for part in parts))
    text = " ".join(" ".join(words).split())
    text = _STOPPED_DOING.sub(r"\1гүй байна", text)
    text = _MISTAPPED.sub("андуурлаа", text)
    text = _GLUED_PARTICLE.sub(r" \1", text)
    return _SAME_THING.sub(lambda match: tables.SAME_THING[match.group(0)], text)


# --- folding, stop words and stems -------------------------------------------------------


_FOLD = str.maketrans(tables.FOLD_LETTERS)


def _soft_fold(word: str) -> str:
    """Confusable letters to one key, keeping doubled vowels (suffixes still need them)."""
    folded = word.translate(_FOLD)
    while "ии" in folded:
        folded = folded.replace("ии", "и")
    return folded


@lru_cache(maxsize=65536)
def _collapse(word: str) -> str:
    """Repeated letters to one: "nuuts"/"nuts", "ugee"/"uge" are the same word in chat."""
    if not _REPEATED_LETTER.search(word):
        return word
    return _REPEATED_LETTER.sub(_first_letter, word)


def _first_letter(match: re.Match[str]) -> str:
    return match.group(1)


def fold(word: str) -> str:
    """The coarse comparison key of a normalized word (ө→о, ү→у, ц→тс, й/ы/ий→и, ь dropped)."""
    return _collapse(_soft_fold(word))


_STOP = frozenset(fold(w) for w in tables.STOP_WORDS) | frozenset(
    fold(w) for w in normalize(tables.ENGLISH_STOP_WORDS).split()
)
_PROTECTED = sorted({_soft_fold(w) for w in tables.PROTECTED_WORDS}, key=len, reverse=True)
_STOP_STEMS = frozenset(fold(w) for w in tables.STOP_STEMS)
_NEGATION_WORDS = frozenset(_soft_fold(w) for w in tables.NEGATION_WORDS)
_NEGATION_SUFFIX = _soft_fold(tables.NEGATION_SUFFIX)
_NOT_NEGATED = frozenset(_soft_fold(w) for w in tables.NOT_NEGATED_WORDS)
NEGATION = fold(tables.NEGATION_TOKEN)
"""The token that stands for -гүй / үгүй in tokens()."""

_SUFFIXES = frozenset(_soft_fold(s) for s in tables.SUFFIXES)
_SUFFIX_LENGTHS = sorted({len(s) for s in _SUFFIXES}, reverse=True)
_ONE_LETTER = {
    _soft_fold(suffix): _soft_fold(before) for suffix, before in tables.ONE_LETTER_SUFFIXES.items()
}
FOLDED_VOWELS = frozenset("аэиоу")  # the vowels left after folding
_MAX_CUTS = 3


def _endings(word: str, min_stem: int = tables.MIN_STEM) -> list[str]:
    """The (multi-letter table) endings a word has, longest first, each leaving a stem."""
    return [
        word[-length:]
        for length in _SUFFIX_LENGTHS
        if len(word) - length >= min_stem and word[-length:] in _SUFFIXES
    ]


def _cut_one_letter(word: str) -> str:
    """Cut a one-letter ending (-д, -т, -ж, -ч, -х, -в) where it can really stand."""
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
    if len(stem) >= 4 and stem[-1] in FOLDED_VOWELS and stem[-2] not in FOLDED_VOWELS:
        stem = stem[:-1]
    if (
        len(stem) >= 4
        and stem[-3] not in FOLDED_VOWELS
        and stem[-2] in FOLDED_VOWELS
        and stem[-1] not in FOLDED_VOWELS
    ):
        stem = stem[:-2] + stem[-1]
    return stem


def _greedy_stem(word: str) -> str:
    """The default stem: the longest ending that fits, up to three times; a bare word may
    lose a one-letter ending instead (ангид → анги)."""
    cut = word
    for _ in range(_MAX_CUTS):
        endings = _endings(cut)
        if not endings:
            break
        cut = cut[: -len(endings[0])]
    if cut == word:
        cut = _cut_one_letter(word)
    return _collapse(_drop_fleeting_vowel(cut))


def _all_stems(word: str) -> tuple[str, ...]:
    """Every stem the suffix tables allow, longest first: an ending is often ambiguous
    (хичээлээ = хичээл+ээ or хичээ+лээ) and only a lexicon can choose."""
    found = {word}
    frontier = {word}
    for _ in range(_MAX_CUTS):
        frontier = {w[: -len(ending)] for w in frontier for ending in _endings(w)}
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


def _is_endings(rest: str, depth: int = 2) -> bool:
    """Whether `rest` is one or two endings of two letters or more ("хэзээ|нээс"), or a
    lone one-letter ending ("ор|ж")."""
    if not rest:
        return True
    if depth == 2 and rest in _ONE_LETTER:
        return True
    return depth > 0 and any(
        _is_endings(rest[: -len(ending)], depth - 1)
        for ending in _endings(rest, min_stem=0)
        if len(ending) > 1
    )


def _protected_stem(word: str) -> str | None:
    """The protected word a word is made of, endings aside, if any."""
    for protected in _PROTECTED:
        if word.startswith(protected) and _is_endings(word[len(protected) :]):
            return protected
    return None


@lru_cache(maxsize=65536)
def _analyze_word(folded: str) -> Word | None:
    """One soft-folded word: None for a stop word, else its form, stems and negation."""
    if not folded or _collapse(folded) in _STOP:
        return None
    if _DIGITS_ONLY.fullmatch(folded):
        return None if len(folded) >= _LONG_NUMBER else Word(folded, folded, (folded,))
    if folded in _NEGATION_WORDS:
        return Word(NEGATION, NEGATION, (NEGATION,))
    negated = (
        folded.endswith(_NEGATION_SUFFIX)
        and len(folded) > len(_NEGATION_SUFFIX) + 1
        and folded not in _NOT_NEGATED
    )
    base = folded[: -len(_NEGATION_SUFFIX)] if negated else folded
    form = _collapse(folded)
    protected = _protected_stem(base)
    if protected is not None:
        key = _collapse(protected)
        return Word(form, key, (key,), negated)
    stem = _greedy_stem(base)
    if _collapse(base) in _STOP or stem in _STOP_STEMS:
        return Word(form, "", (), negated) if negated else None
    return Word(form, stem, _all_stems(base), negated)


_NUMBER_OR_LETTERS = re.compile(r"\d+|[^\W\d_]+")
_YEAR_NUMBERS = {  # folded number words (and their forms before a noun), the first years'
    "нэг": 1, "хоиор": 2, "гурав": 3, "гурван": 3, "доров": 4, "дорвон": 4, "тав": 5,
    "таван": 5, "зурга": 6, "зургаан": 6, "доло": 7, "дол": 7, "долоон": 7, "наим": 8,
    "наиман": 8, "эс": 9, "есон": 9, "арав": 10, "арван": 10, "хорин": 20, "гучин": 30,
    "анхни": 1, "эхни": 1,
}  # fmt: skip
_TENS = frozenset({10, 20, 30})  # "арван таван жил" is fifteen years, not five
_YEAR_NUMBER = re.compile(
    r"(?P<n>\d{1,2}|" + "|".join(sorted(_YEAR_NUMBERS, key=len, reverse=True)) + r")"
    r"(?:ду?г[аэу]р|д[аэо]хи?)?"
)
_YEAR_INITIALS = frozenset("0123456789") | {word[0] for word in _YEAR_NUMBERS}
# An ordinal ending standing apart ("5-р жил", Kazakh "1-ші жыл"), or "-odd" ("20 гаран жил",
# "20 гаруи жил").
_ORDINAL_MARKER = re.compile(r"р|ду?г[аэу]р|д[аэо]?хи?|ин|н|ши|гаран|гаруи")
# An ordinal's own ("5 дахийнх", "1 dehiinh": the 5th's, the 1st's) names the year alone.
ORDINAL_OWN = re.compile(r"(?:р|ду?г[аэу]р|д[аэо]?хи?)[иы]?нх")
COHORTS = (1, 5, 10)
_DIGITS = re.compile(r"\d{1,2}")
_NOT_WORDS = frozenset({"биш"})  # "bish" too: the pieces are in Cyrillic
COHORT_WORD = fold(tables.COHORT_WORD)
"""What a named cohort ("10 дахь жилийн", "анхны жилдээ") becomes in the analysis."""
OTHER_YEAR_WORD = fold(tables.OTHER_YEAR_WORD)
"""What another year of work ("3 дахь жилийн", "4 jiltei") becomes: no cohort's, one word."""


@lru_cache(maxsize=4096)
def only_endings(piece: str) -> bool:
    """Whether a piece is endings run together ("ээсээ" in "ESIS-ээсээ", "ийнхээ"): what
    follows a hyphen is then no word of its own, however long."""
    folded = _soft_fold(piece)
    return not folded or any(
        folded.startswith(suffix) and only_endings(folded[len(suffix) :])
        for suffix in _SUFFIXES
    )


def _is_suffix_only(part: str) -> bool:
    """The piece after a hyphen in "ESIS-ийн", "1-р": an ending, not a word of its own."""
    return len(part) <= 4 and (part in _SUFFIXES or part in _ONE_LETTER or part in {"р", "н"})


def _pieces(text: str) -> list[str]:
    """The words of a normalized message, soft-folded, endings after hyphens dropped."""
    pieces: list[str] = []
    for chunk in normalize(text).split():
        parts = [_soft_fold(part) for part in chunk.split("-")]
        kept = [parts[0]] + [p for p in parts[1:] if not _is_suffix_only(p)]
        for part in kept:
            pieces.extend(_NUMBER_OR_LETTERS.findall(part))
    return pieces


def _year_of_work_at(pieces: Sequence[str], i: int) -> tuple[int | None, int]:
    """The year of work named at pieces[i] and how many pieces name it, or (None, 0).

    A year of work is a number followed by жил ("year"), perhaps through an ordinal
    ending: "1-р сар" (January) or "2021 он" name none; neither does "10 жилийн өмнө"
    (ten years ago).
    """
    if pieces[i][:1] not in _YEAR_INITIALS:
        return None, 0
    match = _YEAR_NUMBER.fullmatch(_collapse(pieces[i]))
    if match is None:
        return None, 0
    year = _number(match)
    j = i + 1
    units = _YEAR_NUMBER.fullmatch(_collapse(pieces[j])) if j < len(pieces) else None
    if year in _TENS and units is not None and _number(units) < 10:
        year, j = year + _number(units), j + 1  # "арван таван жил": fifteen
    if j < len(pieces) and ORDINAL_OWN.fullmatch(_collapse(pieces[j])):
        return (year, j + 1 - i) if year else (None, 0)
    if j < len(pieces) and _ORDINAL_MARKER.fullmatch(_collapse(pieces[j])):
        j += 1
    if j >= len(pieces) or not pieces[j].startswith(("жил", "жл")):  # "5 дахи жл": a slip
        return None, 0
    if j + 1 < len(pieces) and _collapse(pieces[j + 1]).startswith(("омн", "сургул", "surgul")):
        return None, 0  # "10 жилийн өмнө" (ten years ago), "арван жилийн сургууль" (a school)
    return (year, j + 1 - i) if year else (None, 0)


_FIRST_TIME = frozenset(fold(w) for w in tables.FIRST_TIME_WORDS.split())
_JOB_STARTED = frozenset(fold(w) for w in tables.JOB_STARTED_WORDS.split())
# Words a first job may carry between its words: "анх удаа", "намар л", "анх удаа багшаар
# ажилд орсон" (first took up work as a teacher).
_BETWEEN_FIRST_JOB = tuple(_collapse(fold(word)) for word in ("удаа", "л", "багшаар"))
_CALENDAR_YEAR_PIECE = re.compile(r"(?:19|20)\d\d")


def _first_job_at(pieces: Sequence[str], i: int) -> int:
    """How many pieces at pieces[i] say a first job was taken up ("анх ажилд орсон",
    "ажилд шинээр орсон", "ажилд анх удаа орсон"): the 1st year said without a number.
    Not a first job dated by its year ("2011 онд анх ажилд орсон"): that is the year work
    began, which entities.with_year_of_work turns into a year of work."""
    if any(_CALENDAR_YEAR_PIECE.fullmatch(piece) for piece in pieces[max(0, i - 3) : i]):
        return 0
    words = [_collapse(piece) for piece in pieces[i : i + 6]]
    skipped = 0
    for filler in _BETWEEN_FIRST_JOB:
        if filler in words[1:3]:
            words.remove(filler)
            skipped += 1
    if len(words) < 3:
        return 0
    first, job = (words[0], words[1]) if words[0] in _FIRST_TIME else (words[1], words[0])
    if first not in _FIRST_TIME or not job.startswith("ажил") or words[2] not in _JOB_STARTED:
        return 0
    return 3 + skipped


def _number(match: re.Match[str]) -> int:
    number = match.group("n")
    return int(number) if number.isdigit() else _YEAR_NUMBERS[number]


def without_years_of_work(text: str) -> str:
    """The message's words, folded, without the years of work it names ("odoo yu hiih yostoi
    ve 5 dahi jiliin bagsh" → "одоо иуу хих иостои вэ багш"): what it says beside them."""
    pieces = _pieces(text)
    kept: list[str] = []
    i = 0
    while i < len(pieces):
        _year, length = _year_of_work_at(pieces, i)
        if not length:
            kept.append(pieces[i])
        i += length or 1
    return " ".join(kept)


def years_of_work(text: str) -> list[int]:
    """Every year of work the message names ("7 жил", "гурав дахь жилдээ"), in order; not
    one it denies: "1 биш 10" and "1 дэх жил биш, 10 дахь жил" name the 10th year."""
    pieces = _pieces(text)
    found: list[int] = []
    i = 0
    while i < len(pieces):
        year, length = _year_of_work_at(pieces, i)
        if year is None and (length := _first_job_at(pieces, i)):
            year = 1
        if year is None and _DIGITS.fullmatch(pieces[i]) and _denied_at(pieces, i + 1):
            year, length = int(pieces[i]), 1  # "1 биш …": a bare number denied
        if year is not None and _denied_at(pieces, i + length):
            instead = i + length + 1
            if instead < len(pieces) and _DIGITS.fullmatch(pieces[instead]):
                found.append(int(pieces[instead]))  # "1 биш 10": the number said instead
                i = instead + 1
                continue
            i += length + 1
            continue
        if year is not None:
            found.append(year)
        i += length or 1
    return found


def _denied_at(pieces: Sequence[str], at: int) -> bool:
    return at < len(pieces) and pieces[at] in _NOT_WORDS


def cohorts(text: str) -> list[int]:
    """Every cohort (1, 5, 10) the message names, in order."""
    return [year for year in years_of_work(text) if year in COHORTS]


def analyze(text: str) -> tuple[Word, ...]:
    """Normalize, then fold each word, drop stop words and find its stems.

    A named cohort becomes one word (COHORT_WORD), so "10 дахь жилийн", "аравдугаар
    жилдээ" and "манай ээлжийн" meet, and a self-introduction costs one word, not three;
    any other year of work becomes another (OTHER_YEAR_WORD): "is a 3rd-year teacher in?"
    and "a 4th-year one?" are one question.
    """
    pieces = _pieces(text)
    words: list[Word] = []
    i = 0
    while i < len(pieces):
        if _first_job_at(pieces, i):  # the cohort's word beside the job's: both are read
            words.append(Word(COHORT_WORD, COHORT_WORD, (COHORT_WORD,)))
        year, length = _year_of_work_at(pieces, i)
        if year is not None:
            named = COHORT_WORD if year in COHORTS else OTHER_YEAR_WORD
            words.append(Word(named, named, (named,)))
            i += length
            continue
        word = _analyze_word(pieces[i])
        if word is not None:
            words.append(word)
        i += 1
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


_QUESTION_PARTICLES = frozenset(_soft_fold(w) for w in tables.QUESTION_PARTICLES)
_QUESTION_WORDS = tuple(_soft_fold(w) for w in tables.QUESTION_WORDS)
_NOT_QUESTION_WORDS = tuple(_soft_fold(w) for w in tables.NOT_QUESTION_WORDS)
_LATIN_WORD = re.compile(r"[a-z]+")
_INDEFINITE = frozenset(_soft_fold(w) for w in tables.INDEFINITE_WORDS.split())
# "сайн (байна) уу" — and "hello", "snuu", "салем", which read as it — greets, not asks
_GREETING_BEFORE = (_soft_fold("сайн"), _soft_fold("байна"))


# A full stop ends a sentence unless it is inside a site's name: "esurgalt.itpd.mn",
# "gmail.com" (a sentence split there leaves "mn ruu orohoor nuuts ug buruu" without its site).
_SITE_REST = r"(?:[a-z0-9-]+\.)*(?:mn|com|org|net|edu|gov|ru|info)\b"
FULL_STOP = rf"\.(?!{_SITE_REST})"
_SENTENCE = re.compile(  # a sentence with its closing marks
    rf"(?:[^.!?;\n]|\.(?={_SITE_REST}))+(?:[!?;\n]|{FULL_STOP})*", re.IGNORECASE
)


def sentences(text: str) -> list[str]:
    """The message's sentences, each with its closing marks (so `asks` sees its "?")."""
    return [s for s in _SENTENCE.findall(text) if s.strip(" .!?;\n")]


def asks(sentence: str) -> bool:
    """Whether a sentence asks something: a "?", a question particle or word, a request.

    A long message's closing ("Урьдчилаад баярлалаа", "Хүндэтгэсэн") asks nothing, so its
    request is the last sentence that does."""
    if "?" in sentence:
        return True
    if _asks_in_english(_LATIN_WORD.findall(sentence.lower())):
        return True
    if writes_english(sentence):
        return False  # its "we" read in Cyrillic is "вэ", a Mongolian question particle
    words = [_soft_fold(word) for word in normalize(sentence).split()]
    for at, folded in enumerate(words):
        if folded in _QUESTION_PARTICLES and not _greets_at(words, at):
            return True
        # "ямар нэг юм", "юу ч", "хэн ч мэдэхгүй": some-, any-, no- words, not questions
        indefinite = at + 1 < len(words) and words[at + 1] in _INDEFINITE
        asking = folded.startswith(_QUESTION_WORDS) and not folded.startswith(_NOT_QUESTION_WORDS)
        if (asking and not indefinite) or _POLITE_IMPERATIVE.search(folded):
            return True
    return False


# The polite imperative, a request: "явуулаач", "дахиад хэлээч", "харуулаач", "өгөөч"
# (after folding ө is о, ү is у): a long vowel and "ч" closing a word of a verb's length.
_POLITE_IMPERATIVE = re.compile(r"^\w{2,}(?:аа|ээ|оо|уу)ч$")


def _asks_in_english(words: list[str]) -> bool:
    """An English question word where a question begins, a request ("please", "help") or
    one put indirectly ("let me know when"); see `tables.ENGLISH_ASKED_AFTER`."""
    said = f" {' '.join(words)} "
    if any(f" {phrase} " in said for phrase in tables.ENGLISH_INDIRECT_ASKING):
        return True
    first = next((at for at, word in enumerate(words) if word not in tables.ENGLISH_OPENERS), 0)
    for at, word in enumerate(words):
        if word not in tables.ENGLISH_QUESTION_WORDS:
            continue
        after = words[at + 1] if at + 1 < len(words) else ""
        if word in tables.ENGLISH_MODALS:
            if at == first or after in tables.ENGLISH_SUBJECTS:
                return True
        elif word in ("please", "help") or at == first or after in tables.ENGLISH_ASKED_AFTER:
            return True
    return False


def _greets_at(words: list[str], at: int) -> bool:
    """Whether the particle at `at` closes a greeting: "сайн уу", "сайн байна уу"."""
    before = words[max(0, at - 2) : at]
    return bool(before) and (
        before[-1] == _GREETING_BEFORE[0] or tuple(before) == _GREETING_BEFORE
    )


_ENGLISH = frozenset((tables.ENGLISH_FUNCTION_WORDS + " " + tables.ENGLISH_TOPIC_WORDS).split())
_ENGLISH_WORD = re.compile(r"[a-z']+")
_CHAT_LATIN = frozenset(tables.CHAT_LATIN_MARKERS.split())
_CYRILLIC_WORD = re.compile(r"\w*[а-яёөү]\w*", re.IGNORECASE)
# Cyrillic words an English message may carry: a surname, a register number ("her surname
# is Мөнхбат, register УБ01231507"), with three English words or more for each.
_NAMES_IN_ENGLISH = 2


def writes_english(text: str) -> bool:
    """Whether a message is English, not chat-Latin Mongolian: Latin letters (but for a
    name or a register number or two), three words or more, and a share of English function
    and topic words. Of the labelled sets,
    it finds 264 of the 330 Latin lines of english*.jsonl, and no chat-Latin line: a
    newcomer whose first message is so is answered in English, and a typed answer so is
    read in its English words only ("times" is no "тиймээ")."""
    script = script_of(text)
    if script not in ("latn", "mixed"):
        return False
    words = [word.strip("'") for word in _ENGLISH_WORD.findall(text.casefold())]
    if _CHAT_LATIN.intersection(words):
        return False
    if script == "mixed":
        names = len(_CYRILLIC_WORD.findall(text))
        if names > _NAMES_IN_ENGLISH or 3 * names > len(words):
            return False
    english = sum(word in _ENGLISH for word in words)
    return len(words) >= 3 and english >= tables.ENGLISH_SHARE * len(words)
