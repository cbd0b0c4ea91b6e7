"""Which of a question's choices a typed reply means — "tiim", "үгүй ээ", "5 жил", "English".

The bot's questions declare, for each choice, the words that choose it; this module compares
a typed reply with them through the normalizer's folding, so Cyrillic, Cyrillic without ө/ү
and chat-Latin spellings of one word meet, and suffixes and particles ("тиймээ", "за за",
"үгүй шүү") do not stand in the way. Pure: no I/O, no knowledge of the desk.

A reply chooses when the words it has are one choice's words (particles aside), or, for a
yes/no question, when it starts with one ("үгүй, одоо ч орж чадахгүй"). Anything else is
not an answer, and the desk reads it as a new message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from bot.nlu import tables
from bot.nlu.normalize import (
    FOLDED_VOWELS,
    FULL_STOP,
    MAX_TEXT,
    asks,
    fold,
    normalize,
    only_endings,
    script_of,
    writes_english,
)

_NEGATED = fold(tables.NEGATION_SUFFIX)
# үгүй, гүй, биш; and English's, as keys() spells them ("didn't" is "диднт").
_NEGATION_WORDS = frozenset(fold(word) for word in tables.NEGATION_WORDS) | frozenset(
    fold(word) for word in normalize(tables.ENGLISH_NEGATIONS).replace("'", "").split()
)
DECLINED = "declined"
"""What a reply means that turns down a question's only choice ("no reminders please")."""
_NOT_NEGATED = frozenset(fold(word) for word in tables.NOT_NEGATED_WORDS)
_NO = frozenset(fold(word) for word in normalize("no nope nah").split())  # as keys() spells them
# Question words: a reply with one asks something new, whatever yes/no word it holds.
_ASKING = frozenset(fold(word) for word in normalize(tables.ASKING_WORDS).split())
_ASKING_FIRST = frozenset(fold(word) for word in normalize(tables.ENGLISH_ASKING_WORDS).split())
_OPENING = 2  # words of a reply an English question word may stand in and still ask
_NEGATED_REPLY = 4  # words a negated yes/no reply may have and still be a plain "no"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SHORT_REPLY = 3  # words in a reply that may carry one unexplained word ("5 жил", "за тэгье")
_SUFFIX_ROOM = 4  # letters a declared word of 4+ letters may carry as endings ("монголоор")
_TYPO_LENGTH = 6  # declared words this long may be typed with one letter wrong
_HYPHEN_ENDING = 4  # letters after a hyphen that are an ending, not a word of their own
# Two letters and digits, as register numbers are written: one key, so that "ОР88070923"
# typed at "which do you mean?" is not "өөр" (something else) beside a number.
_NUMBER_WITH_LETTERS = re.compile(r"[^\W\d_]{2}-?\d{6,}")


@lru_cache(maxsize=8192)
def keys(text: str) -> tuple[str, ...]:
    """A reply's words as comparison keys: normalized, folded, digits apart from letters,
    endings written after a hyphen dropped ("ESIS-ийнх", "5-р")."""
    out: list[str] = []
    for word in normalize(text[:MAX_TEXT]).split():
        if _NUMBER_WITH_LETTERS.fullmatch(word):
            out.append(fold(word.replace("-", "")))
            continue
        first, *endings = word.split("-")
        parts = [
            first,
            *(part for part in endings if len(part) > _HYPHEN_ENDING and not only_endings(part)),
        ]
        for part in parts:
            out.extend(fold(piece) for piece in re.findall(r"\d+|[^\W\d_]+", part))
    return tuple(key for key in out if key)


FILLERS = frozenset(key for word in tables.ANSWER_FILLERS.split() for key in keys(word))
"""Particles and politeness around an answer: "тийм ээ", "үгүй шүү", "за за", "yes please"."""


def typed_words(text: str) -> list[str]:
    """A reply's keys without its fillers: what it says, not how politely."""
    return [key for key in keys(text) if key not in FILLERS]

_CONJUNCTIONS = frozenset(keys(tables.CONJUNCTION_WORDS))
_INDEFINITE = frozenset((key,) for key in keys(tables.INDEFINITE_WORDS))
ACKNOWLEDGEMENTS = frozenset(keys(tables.ACKNOWLEDGEMENT_WORDS))
# A yes or a no said plainly: before a question of its own it still answers ("Yes please,
# let me know when it is registered."); "ok", "за", "дараа" there only hear what was said.
_PLAIN = frozenset(keys(tables.PLAIN_YES_WORDS + " " + tables.TAKING_BACK_WORDS))
_CHANGE_OF_MIND = frozenset(keys(tables.CHANGE_OF_MIND_WORDS))
_CLOSING_PARTICLES = frozenset((key,) for key in keys(" ".join(tables.QUESTION_PARTICLES)))
# Where a reply's clauses part: punctuation, a line break, a full stop (not the "." in "10.5")
CLAUSES = re.compile(rf"[,;!?\n]|{FULL_STOP}")
_THANKS = frozenset(keys("thanks thank баярлалаа"))  # beside a "no" that declines
# Words that begin like a declared one and are not its forms: "бололтой" (it seems) is no
# "боллоо" (it worked): "нууц үгээ мартсан бололтой" to "solved?" is no yes; "хүлээгээд"
# (having waited: "зөвшөөрөл хүлээгээд л оруулахгүй байна") is one letter from "хүлээгээч"
# (wait!), and no request to wait; "мэдэгдэл" (a notice) and "мэдэгдэх" (to notify) are
# one letter from "мэдэгдээч" (notify me!), and "medegdel avaagui" (got no notice) or
# "medegdeh yostoi bsan" (should have been told) complain, asking for nothing.
_WORDS_OF_THEIR_OWN = frozenset(
    keys("бололтой bololtoi хүлээгээд hvleegeed huleegeed мэдэгдэл мэдэгдэх medegdel medegdeh")
)


def _same_word(declared: str, typed: str) -> bool:
    if typed == declared:
        return True
    if typed in _CONJUNCTIONS or typed in _WORDS_OF_THEIR_OWN:
        return False
    if len(declared) >= 2 and typed.startswith(declared):
        rest = typed[len(declared) :]
        if set(rest) <= FOLDED_VOWELS:  # a particle run together: "тиймээ", "заа"
            return True
        return len(declared) >= 4 and len(rest) <= _SUFFIX_ROOM and _NEGATED not in rest
    # One letter mistyped, not the first (not added or dropped: "сургалт" is no typo of
    # "эсургалт"; nor "солих" of "болих").
    return (
        len(declared) >= _TYPO_LENGTH
        and len(typed) == len(declared)
        and typed[0] == declared[0]
        and not declared.isdigit()
        and (_NEGATED in typed) == (_NEGATED in declared)
        and Levenshtein.distance(declared, typed, score_cutoff=1) <= 1
    )


@dataclass(frozen=True)
class Vocabulary:
    """The typed forms of each choice of one question, as folded phrases.

    `negative` names the choice that a short negated reply means ("чадаагүй", "болсонгүй")
    in a yes/no question; `symbols` are emoji and marks that choose when sent alone, and so
    are one-letter words ("y", "n"): inside a sentence "y" reads as the "I" of "I still
    cannot log in".
    """

    # (keys of a phrase, its choice), longest first, by the first letter of the first key
    by_initial: Mapping[str, tuple[tuple[tuple[str, ...], str], ...]]
    # the same for the forms written in Latin letters: an English reply is read in them only
    # ("times" would otherwise read as "тиймээ", a yes)
    english: Mapping[str, tuple[tuple[tuple[str, ...], str], ...]]
    symbols: Mapping[str, str]
    negative: str | None
    extract: Callable[[str], str | None] | None
    single: bool  # one choice only (a button offered, "🔔 reminders"): a "no" beside it declines

    @classmethod
    def build(
        cls,
        words: Mapping[str, Iterable[str]],
        *,
        negative: str | None = None,
        extract: Callable[[str], str | None] | None = None,
        typed: bool = False,
    ) -> Vocabulary:
        """`typed`: the phrases are a question's, read against typed replies without their
        fillers ("I want to talk to a person" loses its "a"), so a phrase with one is kept
        without it too; not so for readers of whole messages, where "дахиад л" (still) is
        no "дахиад" (again)."""
        phrases: list[tuple[tuple[str, ...], str]] = []
        latin: list[tuple[tuple[str, ...], str]] = []
        symbols: dict[str, str] = {}
        for value, forms in words.items():
            for form in forms:
                folded = keys(form)
                if len(folded) == 1 and len(folded[0]) == 1:
                    symbols[folded[0]] = value
                elif folded:
                    bare = tuple(key for key in folded if key not in FILLERS)
                    for phrase in dict.fromkeys((folded, bare) if typed and bare else (folded,)):
                        phrases.append((phrase, value))
                        if script_of(form) == "latn":
                            latin.append((phrase, value))
                elif form.strip():
                    symbols[symbols_of(form)] = value
        return cls(
            _by_initial(phrases),
            _by_initial(latin),
            symbols,
            negative,
            extract,
            single=len(words) == 1,
        )

    def choose(self, text: str) -> str | None:
        """The choice the reply means, or None when it is not an answer to this question."""
        bare = symbols_of(text)
        if bare in self.symbols:
            return self.symbols[bare]
        if self.extract is not None and (extracted := self.extract(text)) is not None:
            return extracted
        typed = typed_words(text)
        if not typed:
            return None
        if len(typed) == 1 and typed[0] in self.symbols:
            return self.symbols[typed[0]]
        if self.negative is not None and _asking(typed):
            return None  # "тэгээд яах вэ?" asks; it is not "тэг" (do so) to a yes/no question
        later = _after_a_change_of_mind(text)
        if later and (changed := self._changed_to(text, later)) is not None:
            return changed  # "Үгүй ээ, уучлаарай, тийм, мэдэгдээрэй"
        if self.negative is not None and (rest := after_the_contrast(text)):
            if not asks(rest) and (says_still(rest) or any(negates(k) for k in keys(rest))):
                # a yes taken back by what follows "but": "Нэвтэрдэг. Гэхдээ … дахиад л
                # гаргачихдаг", "orson, gehdee module ni neegdehgui bn"
                return self.negative
            if (then := self.choose(rest)) is not None:
                return then  # "Баярлалаа, гэхдээ одоо болчихлоо"
        negated = any(negates(key) for key in typed)
        if self.negative is not None and negated and len(typed) <= _NEGATED_REPLY:
            # "тийм биш", "ер нь тус болсонгүй", "ойлгосон гүй"; not a question with a "-гүй"
            # in it ("тэнцэхгүй бол цалин хасагдах уу?" asks anew)
            return None if _ends_asking(text) else self.negative
        # "Үгүй ээ, менежер маань амралттай байгаа болохоор …": a one-word answer, then why
        # (whose "болохоор" must not read as "болно", a yes)
        head, comma, why = text.partition(",")
        one_word = comma and len(typed_words(head)) == 1
        answered = self.choose(head) if self.negative is not None and one_word else None
        contradicted = answered != self.negative and any(negates(key) for key in keys(why))
        if answered is not None and not asks(text) and not contradicted:
            return answered  # … not a yes whose why fails: "Баярлалаа, гэхдээ … чадахгүй"
        hits, unexplained = self._read(typed, english=writes_english(text))
        chosen = {value for _start, _end, value in hits}
        if self.single and hits and _denies_beside(typed, hits):
            return DECLINED  # "no reminders please" is no "🔔 reminders"
        if self.single and not hits and _denies(typed[0]) and set(typed[1:]) <= _THANKS:
            return DECLINED  # "no thanks", "хэрэггүй ээ баярлалаа" to the only choice
        if len(chosen) == 1:
            value = next(iter(chosen))
            first_at = hits[0][0]
            if unexplained == 0 or (
                unexplained == 1
                and len(typed) <= _SHORT_REPLY
                and not (self.negative is not None and asks(text))  # "hevleh bolomj bnu?"
            ):
                return value
            if self.negative is not None and (
                first_at == 0 or (hits[-1][1] == len(typed) and not asks(text))
            ):
                # A yes/no question answered first, then explained; or explained, then
                # answered ("менежертэй ярилаа, шийдэгдлээ"), not asked ("…болох уу") —
                # not a yes whose why after a comma fails ("ok I tried, but … nobody can
                # reset it")
                failed = value != self.negative and comma and ENGLISH_NEGATION.search(why)
                start, end = hits[0][:2]
                if first_at == 0 and asks(text) and _PLAIN.isdisjoint(typed[start:end]):
                    # "OK, my manager says 10th year. Is it over?": "ok" heard it; "daraa ni
                    # nuhuj hamragdaj bolohuu": its "дараа" (afterwards) is no "later"
                    return None
                return None if failed else value
            if self.single and all(key in ACKNOWLEDGEMENTS for key in typed[:first_at]):
                # An offer taken, then said more of: "remind me before the webinar"; after an
                # acknowledgement too: "oilgoloo, sanuulga avya".
                return value
        return self._by_clauses(text) if self.negative is not None else None

    def _changed_to(self, text: str, later: str) -> str | None:
        """The choice a correction names ("nuuts ug... uuchlaarai, nevtreh ner ni
        martagdsan"): what the reply after it chooses, or, to a question of choices (not
        yes/no) answered with another choice before it, the one choice it names whatever it
        says beside ("sain bn uu. uuchlaarai bi … hun" corrects no choice)."""
        if (changed := self.choose(later)) is not None or self.negative is not None:
            return changed
        named, before = (
            {value for _start, _end, value in self.read(typed_words(part))}
            for part in (later, text[: text.rfind(later)])
        )
        return named.pop() if len(named) == 1 and before - named else None

    def choose_first_clause(self, text: str) -> str | None:
        """To a question waiting for one of its choices, a choice typed first and something
        else in clauses of its own ("5 дахь жил, ESIS-ийн нууц үгээ бас мартчихсан",
        "цахим сургалтынх. бас вебинар хэзээ эхлэх вэ?"): the choice, and the engine answers
        the rest (new_message.asked_beside). Not to a yes/no question or an offer ("no,
        10th year" declines no reminder: it corrects the year), not when the first clause
        denies ("ESIS биш, …"), and not when another clause chooses too."""
        first, *rest = [clause for clause in CLAUSES.split(text) if clause.strip()] or [""]
        if self.negative is not None or self.single or not rest:
            return None
        typed = typed_words(first)
        declared = {at for start, end, _value in self.read(typed) for at in range(start, end)}
        if any(negates(key) for at, key in enumerate(typed) if at not in declared):
            return None  # … but "мэдэхгүй ээ, 2020 онд орсон" says the choice "not sure"
        value = self.choose(first)
        if value is None or any(self.choose(clause) is not None for clause in rest):
            return None
        return value

    def _by_clauses(self, text: str) -> str | None:
        """A long reply to a yes/no question read a clause at a time: "Ёстой их баярлалаа,
        миний дүү минь. Менежер охинд хэлээд шинэ нууц үгээ авчихлаа, одоо орж чадаж байна."
        says yes in its thanks; clauses that answer differently, a question, or only a "no"
        say nothing."""
        clauses = [clause for clause in CLAUSES.split(text) if clause.strip()]
        if len(clauses) < 2 or asks(text):
            return None
        said = {self._said_in(clause) for clause in clauses} - {None}
        if len(said) != 1 or self.negative in said:
            return None  # a "no" in a clause may be why, not the answer ("дараа шалгая")
        return said.pop()

    def _said_in(self, clause: str) -> str | None:
        """A clause's answer when one of the question's own phrases says it: a negated
        statement ("манай сургууль менежергүй юм байна лээ") tells, it does not answer."""
        value = self.choose(clause)
        typed = typed_words(clause)
        said = {found for _start, _end, found in self._read(typed, writes_english(clause))[0]}
        return value if value in said else None

    def leftover(self, text: str) -> int:
        """How many words of a reply neither answer nor pad it: "no, it still says wrong
        password" tells four more, "no it didn't" none."""
        return self._read(typed_words(text))[1]

    def read(self, typed: Sequence[str]) -> list[tuple[int, int, str]]:
        """Where declared phrases stand in a message's keys (start, end) and their choice."""
        return self._read(typed)[0]

    def _read(
        self, typed: Sequence[str], english: bool = False
    ) -> tuple[list[tuple[int, int, str]], int]:
        """The declared phrases found, left to right (longest first), and the words left.

        Only the phrases whose first word starts with the typed word's letter are tried:
        `_same_word` never pairs words with different first letters, and a message is read
        against every question's vocabulary, so this is most of a turn's reading time."""
        hits: list[tuple[int, int, str]] = []
        unexplained = 0
        phrases = self.english if english else self.by_initial
        i = 0
        while i < len(typed):
            for phrase, value in phrases.get(typed[i][:1], ()):
                end = i + len(phrase)
                if end <= len(typed) and all(
                    _same_word(word, typed[i + n]) for n, word in enumerate(phrase)
                ):
                    hits.append((i, end, value))
                    i = end
                    break
            else:
                unexplained += 1
                i += 1
        return hits, unexplained


def _after_a_change_of_mind(text: str) -> str:
    """What follows the last word that takes an answer back ("уучлаарай", "sorry"), when an
    answer stands before it; "" otherwise ("уучлаарай, тийм" only apologises)."""
    words = text.split()
    taken_back = [at for at, word in enumerate(words) if _CHANGE_OF_MIND & set(keys(word))]
    if not taken_back:
        return ""
    before = [key for word in words[: taken_back[-1]] for key in keys(word)]
    if not [key for key in before if key not in FILLERS]:
        return ""
    return " ".join(words[taken_back[-1] + 1 :]).strip(" ,.;!")


def _by_initial(
    phrases: list[tuple[tuple[str, ...], str]],
) -> Mapping[str, tuple[tuple[tuple[str, ...], str], ...]]:
    """Phrases longest first, grouped by the first letter of their first key."""
    grouped: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase in sorted(phrases, key=lambda item: -len(item[0])):
        grouped.setdefault(phrase[0][0][0], []).append(phrase)
    return {letter: tuple(group) for letter, group in grouped.items()}


def _denies_beside(typed: Sequence[str], hits: Sequence[tuple[int, int, str]]) -> bool:
    """Whether a word no declared phrase explains says no ("no", "үгүй", "хэрэггүй")."""
    explained = {at for start, end, _value in hits for at in range(start, end)}
    return any(_denies(key) for at, key in enumerate(typed) if at not in explained)


def _ends_asking(text: str) -> bool:
    """Whether a reply is a question by its mark or its closing particle ("… хасагдах уу"),
    not by an English word that also asks ("I can't")."""
    return "?" in text or keys(text)[-1:] in _CLOSING_PARTICLES


def _asking(typed: Sequence[str]) -> bool:
    """Whether a reply's words ask: a Mongolian question word wherever it stands, an English
    one among its first words ("yes, when …", not "yes plz tell me when its done"). Not one
    made indefinite by the word after it ("болсонгүй, имэйл рүү юу ч ирэхгүй": nothing)."""
    return any(
        (key in _ASKING and tuple(typed[at + 1 : at + 2]) not in _INDEFINITE)
        or (key in _ASKING_FIRST and at < _OPENING)
        for at, key in enumerate(typed)
    )


# English negation, which the Mongolian analysis (English letters read as Latin Mongolian)
# cannot see: "not", "never", "can't", "doesnt", "no one". A bare "no" is left out: it is
# an answer.
ENGLISH_NEGATION = re.compile(
    r"\b(?:not|never|nothing|nobody|no one|cannot|cant|unable|"
    r"(?:do|does|did|ca|wo|is|are|was|were|have|has|had|could|would)n['’]?t)\b",
    re.IGNORECASE,
)


def asks_with_a_word(text: str) -> bool:
    """Whether a message asks by a question word ("яаж цуцлах вэ", "how do I cancel"), not
    only by its mark, a particle or a polite request ("цуцалж өгнө үү", "please cancel it",
    "can you cancel it?"): a request is done, a question is answered."""
    return not _ASKING.union(_ASKING_FIRST).isdisjoint(keys(text))


def negates(key: str) -> bool:
    """A negation word ("биш", "didn't") or a word ending in -гүй ("хэрэггүй"), not one that
    denies nothing ("гайгүй": fine)."""
    return key in _NEGATION_WORDS or (
        key.endswith(_NEGATED) and len(key) > len(_NEGATED) + 1 and key not in _NOT_NEGATED
    )


def _denies(key: str) -> bool:
    return key in _NO or negates(key)


def symbols_of(text: str) -> str:
    """A reply without spaces, variation selectors and skin tones, for symbol answers; one
    symbol said again and again is said once ("👎👎", "🙏🙏🙏")."""
    kept = "".join(
        ch
        for ch in unicodedata.normalize("NFKC", text[:64])
        if not ch.isspace() and ch not in "\ufe0f\u200d" and not "\U0001f3fb" <= ch <= "\U0001f3ff"
    )
    if len(set(kept)) == 1:
        kept = kept[0]
    return kept if not _WORD.search(kept) else ""


_STILL = Vocabulary.build({"still": tables.STILL_PHRASES})
CONTRASTS = frozenset(keys(tables.CONTRAST_WORDS))


def says_still(text: str) -> bool:
    """Whether a message says the trouble goes on ("still Invalid login", "одоо ч")."""
    return _STILL.read(keys(text)) != []


def after_the_contrast(text: str) -> str:
    """What a message says after its last "but" ("менежер маань нэвтрэх нэрийг нь өгсөн юм,
    харин нууц үгийг нь санахгүй байна": the password is the problem), or "" without one."""
    words = text.split()
    for i in range(len(words) - 1, 0, -1):
        if set(keys(words[i])) & CONTRASTS:
            return " ".join(words[i + 1 :])
    return ""
