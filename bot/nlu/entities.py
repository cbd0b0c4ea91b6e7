"""Facts named inside a message that the dialogue needs: the teacher's cohort, the system
they cannot get into, and whether a message says nothing else (a correction)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise

from bot.nlu import tables
from bot.nlu.choices import (
    ACKNOWLEDGEMENTS,
    CONTRASTS,
    ENGLISH_NEGATION,
    FILLERS,
    Vocabulary,
    after_the_contrast,
    asks_with_a_word,
    keys,
    negates,
    says_still,
    symbols_of,
    typed_words,
)
from bot.nlu.normalize import (
    COHORTS,
    FOLDED_VOWELS,
    FULL_STOP,
    ORDINAL_OWN,
    analyze,
    asks,
    cohorts,
    normalize,
    sentences,
    years_of_work,
)

_ENGLISH_COHORT = re.compile(
    r"\b(1|5|10|first|fifth|tenth)(?:st|th)?[\s-]*(?:year|yr)s?\b", re.IGNORECASE
)
_ENGLISH_NUMBER = {"1": 1, "first": 1, "5": 5, "fifth": 5, "10": 10, "tenth": 10}

SYSTEMS = Vocabulary.build(
    {
        "esis": (
            "esis", "есис", "эсис", "ЕСИС", "bsmis", "бсмис",
            # where pupils' grades and attendance are entered
            "дүн оруулдаг", "дүнгээ оруулдаг", "дүн тавьдаг", "ирц тавьдаг", "ирц бүртгэдэг",
            "enter grades", "put grades",
        ),
        "elearning": (
            "esurgalt", "е сургалт", "цахим сургалт", "цахим сургалтын", "e-learning",
            "elearning", "e learning", "online course",
            # the institute's site, not the institute ("ITPD-iin hamt olon": its staff)
            "itpd сайт", "itpd site", "itpd мн",
            # told by what is done there: "модулиа үздэг тэр сайт", "the online modules"
            "модул", "модулиуд", "модулиудаа", "module", "modules", "сургалтын сайт",
            "сургалтаа үздэг", "сургалт үздэг",
        ),
    }
)  # fmt: skip
# Accounts that are not the institute's: a forgotten Gmail password is not an ESIS one.
OTHER_SERVICES = Vocabulary.build(
    {
        "other": (
            "gmail", "гмэйл", "жимэйл", "жмэйл", "google account", "facebook", "фэйсбүүк",
            "фэйсбүк", "фб", "instagram", "инстаграм", "insta", "инста", "e-mongolia",
            "emongolia", "и-монголиа", "имонголиа", "хаан банк", "khan bank", "голомт",
            "golomt", "хас банк", "viber", "вайбер", "yahoo", "outlook", "wifi", "вайфай",
            "teams", "skype", "скайп", "zoom", "зоом", "зум", "telegram", "телеграм",
        )
    }
)  # fmt: skip
# Others who run trainings and give certificates, and their subjects: their course is not
# the institute's.
OTHER_ORGANISERS = Vocabulary.build(
    {
        "other": (
            "unicef", "юнисеф", "ielts", "айелтс", "toefl", "тофел", "эрүүл мэндийн яам",
            "эрүүл мэндийн яамны", "эрүүл мэндийн яамнаас", "eruul mendiin yam",
            "eruul mendiin yamnii", "eruul mendiin yamnaas", "world vision", "ворлд вишн",
            "jica", "жайка", "koica", "койка", "save the children", "british council",
            "coursera", "курсера", "khan academy", "peace corps", "улаан загалмай", "red cross",
            # others' subjects: a mine's or a plant's safety course, a driving school
            "хөдөлмөр хамгаалал", "хөдөлмөр хамгааллын", "hudulmur hamgaalal",
            "hudulmur hamgaalliin", "аюулгүй ажиллагаа", "ayulgui ajillagaa", "уурхай",
            "uurhai", "жолооны", "joloonii",
            # a cyber-security course, degree studies: others' too (not "олимпиад": a reason)
            "кибер", "kiber", "cyber", "докторантур", "doktorantur",
            "магистрантур", "magistrantur",
        )
    }
)  # fmt: skip
# The institute's own e-learning site by its name: "цахим сургалт" is anyone's online course.
_INSTITUTE_SITE = Vocabulary.build({"ours": ("esurgalt", "е сургалт", "itpd")})
_STATEMENT = frozenset(keys(tables.STATEMENT_WORDS)) | FILLERS


def _beginnings(words: str) -> tuple[str, ...]:
    """A table's words as key beginnings: any ending may follow ("аймгийн", "асуумаар")."""
    return tuple(key for word in words.split() for key in keys(word))


_WHO_ELSE = Vocabulary.build({"else": tables.WHO_ELSE_PHRASES})
_MANAGER = _beginnings(tables.MANAGER_WORDS)
_AWAY = _beginnings(tables.AWAY_WORDS)
_WHO = frozenset(keys(tables.WHO_WORDS))
_ROLE_WORDS = _beginnings(tables.ROLE_WORDS)  # "номын санч", "сургуулийн эмч", "аймгийн"
_MATTER_WORDS = _beginnings(tables.MATTER_WORDS)
# "Сайн байна уу" asks nothing, whatever its particle says.
_GREETING = re.compile(
    r"\b(?:сайн\s+(?:байна\s+|бай)?уу|sain\s+(?:baina\s+|bai)?uu|sain\s+bn\s+uu|sn\s+bnuu|"
    r"сайн\s+байнуу|sain\s+bainuu|sain\s+bnuu)\b",
    re.IGNORECASE,
)
# What the writer says they still have: "санаж байна", "мэдэж байгаа", "remember", "know".
_WORKS = _beginnings(tables.WORKS_WORDS)
_CLAUSES = re.compile(
    rf"[,;!?\n]|{FULL_STOP}|\s(?:харин|гэхдээ|but|however|harin|gehdee)\s", re.IGNORECASE
)
_ANNOUNCE = _beginnings(tables.ANNOUNCE_WORDS)
_AROUND_ANNOUNCE = frozenset(keys(tables.ANNOUNCE_AROUND))
_WHAT_NEXT = _beginnings(tables.WHAT_NEXT_ASKING)
_CHECK = _beginnings(tables.CHECK_WORDS)
_AFTER = _beginnings(tables.AFTER_WORDS)
_AROUND_AFTER = frozenset(keys(tables.AFTER_AROUND))
_FINISHED = _beginnings(tables.FINISHED_WORDS)
_STAGES = {stage: _beginnings(words) for stage, words in tables.STAGE_WORDS.items()}
_WHEN_OF_A_PART = _beginnings(tables.WHEN_OF_A_PART_WORDS)
_WHEN_OF_A_PART_ENGLISH = frozenset(keys(tables.WHEN_OF_A_PART_ENGLISH))
_LATER = Vocabulary.build({"later": tables.LATER_PHRASES})
_AROUND_WHAT_NEXT = frozenset(keys(tables.WHAT_NEXT_AROUND))
_UNSURE = Vocabulary.build({"unsure": tables.UNSURE_PHRASES})
_APPROVING = frozenset(tables.APPROVING_SYMBOLS)
_PRESENCE = frozenset(keys(tables.PRESENCE_WORDS))
_PARTICLES = frozenset(keys("уу"))
(_BE,) = keys("байна")
_WHAT_IS_MEANT = Vocabulary.build({"meant": tables.WHAT_IS_MEANT_PHRASES})
_NOT_UNDERSTOOD = Vocabulary.build({"not": tables.NOT_UNDERSTOOD_PHRASES})
_WAIT = Vocabulary.build({"wait": tables.WAIT_PHRASES})
_UNDERSTANDING_CHECK = Vocabulary.build({"check": tables.UNDERSTANDING_CHECK_PHRASES})
_REPLY_REQUEST = frozenset(keys(tables.REPLY_REQUEST_WORDS))
_QUESTION_WORD = tuple(keys("асуулт question"))  # where a lead without a colon may end
_LONGEST_LEAD = 5  # words: "I have one more question"
_ASKED_AFTER_A_LEAD = 2  # words a question after a lead needs at least
_YEAR_WORDS = tuple(key for word in ("жил", "ажил", "дугаар", "дүгээр") for key in keys(word))
# A cohort's number (its ordinal ending perhaps: "1 дэх болон 10 дахь"), then a comma or
# "and", then another's: "1, 5 дахь", not "1. 5 дахь"
# (a numbered list) nor "2021, 5 дахь".
_LISTED_COHORT = re.compile(
    r"(?<![\w.])(10|5|1)(?=(?:-?р|\s*д[эа]хь?|\s*d[ae]h?i|st|th)?"
    r"\s*(?:,|\s(?:ба|болон|and|ba|bolon))\s*(?:10|5|1)(?!\d))",
    re.IGNORECASE,
)
# 10, тавдугаар, аравдахь; an ordinal's own: "5 dahiinh ni?" ("the 5th's?")
_COHORT_PIECE = re.compile(r"\d+|(?:нэг|тав|арав|анх|эхн)\w*|" + ORDINAL_OWN.pattern)


def detect_cohort(text: str) -> int | None:
    """1, 5 or 10 when the message names the teacher's year of work, else None.

    "10 дахь жилийнх", "5-р жилийн", "нэгдүгээр жил", "анхны жилийн", "10 dahi jiliinh",
    "I'm in my 5th year"; not "2021 он" or "1-р сар". Two different cohorts in one message
    name none for sure; nor does a year doubted against another ("5 дахь жил үү, 6 дахь жил
    үү гэдгээ сайн мэдэхгүй байна").
    """
    found = named_cohorts(text)
    if len(found) != 1 or (len(set(years_of_work(text))) > 1 and says_unsure(text)):
        return None
    return found[0]


def named_cohorts(text: str) -> tuple[int, ...]:
    """Every cohort the message names, once each, in order; with a named one, the bare
    cohorts listed before it ("1, 5 дахь жилийн", "1 ба 10 дахь жил"). Those named before a
    clause that takes them back are not ("тав дахь жил гэж бодоод байсан, үгүй ээ буруу
    хэлчихлээ, … арав дахь жилдээ", "1 dehi jil... uuchlaarai 5 dahi jil")."""
    named = _cohorts_in(text)
    clauses = _CLAUSES.split(text)
    for i in range(len(clauses) - 1, 0, -1):
        if len(named) > 1 and takes_back(clauses[i]) and _cohorts_in(" ".join(clauses[:i])):
            return _cohorts_in(" ".join(clauses[i:])) or named
    return named


def _cohorts_in(text: str) -> tuple[int, ...]:
    named = [*cohorts(text)]
    named += [_ENGLISH_NUMBER[m.group(1).lower()] for m in _ENGLISH_COHORT.finditer(text)]
    if named:
        named = [int(m.group(1)) for m in _LISTED_COHORT.finditer(text)] + named
    return tuple(dict.fromkeys(named))


_CALENDAR_YEAR = re.compile(r"(?<!\d)(20[2-9]\d)(?!\d)")


# The calendar year work began: "2016 онд ажилд орсон", "2016 оноос хойш ажиллаж байна",
# "2016 ond ajild orson", "I started working in 2016", "teaching since 2016".
_WORK_BEGAN = re.compile(
    r"(?<!\d)((?:19|20)\d\d)\s*-?\s*(?:он|on)\w*\s+(?:\S+\s+){0,3}?"
    r"(?:ажил|ажл|ajil|ajl|ор[сжо]|or[sjo]|эхэл|ehel)"
    r"|(?:started|began|joined|since)\D{0,30}?(?<!\d)((?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)
_MOST_YEARS = 45  # of work: a year further back is no year work began
_LEAVE = _beginnings(tables.LEAVE_WORDS)


def with_year_of_work(text: str, school_year: int) -> str:
    """The message with the year of work that the year work began makes in the school year
    starting in `school_year`, said right after it, when the message names only the year
    work began: "2016 онд ажилд орсон" in 2020–21 → "2016 онд ажилд орсон (5 дахь жил)". The
    desk knows the date; the words do not. Not when the writer says she is unsure ("Сайн
    мэдэхгүй байна, 2016 онд ажилд орсон ч дунд нь жирэмсний амралт авч байсан": leave
    may not count), nor when she tells of time away ("… but I was on maternity leave")."""
    if years_of_work(text) or (match := _WORK_BEGAN.search(text)) is None:
        return text
    if says_unsure(text) or tells_time_away(text):
        return text
    year = school_year - int(match.group(1) or match.group(2)) + 1
    if not 1 <= year <= _MOST_YEARS:
        return text
    # at the end of the clause that says it, so the message's end stays the writer's own
    # ("… шалгаж өгөөч: УБ85031214, Дорж" ends with the surname)
    end = _clause_end(text, match.end())
    return f"{text[:end]} ({year} дахь жил){text[end:]}"


def tells_time_away(text: str) -> bool:
    """Whether a message tells of leave or time abroad ("дунд нь хүүхэд асрах чөлөө нэг жил
    авсан", "I was on maternity leave"): the years since work began may not all count."""
    return any(key.startswith(_LEAVE) for key in keys(text))


def counts_from_a_start_with_time_away(text: str) -> bool:
    """Whether a message tells the year work began and time away since ("2016 онд ажилд
    орсон, дунд нь хүүхэд асрах чөлөө нэг жил авсан"): which year of work it is, the
    training manager knows; its "нэг жил" is no 1st year."""
    return _WORK_BEGAN.search(text) is not None and tells_time_away(text)


def _clause_end(text: str, at: int) -> int:
    """Where the clause that runs through `at` ends: "2016 онд ажилд орсон, …" at its comma."""
    found = _CLAUSE_MARK.search(text, at)
    return found.start() if found else len(text)


_CLAUSE_MARK = re.compile(r"\s*(?:[,;!?\n(]|\.(?:\s|$))")


def named_calendar_year(text: str) -> int | None:
    """The last calendar year a message names ("2022 оны хуваарь гарсан уу"), if any."""
    years = _CALENDAR_YEAR.findall(text)
    return int(years[-1]) if years else None


def names_another_year(text: str) -> bool:
    """Whether the message names a year of work and no cohort: "7 jil", "гурав дахь
    жилдээ" — the cohort question's "Other", typed."""
    years = set(years_of_work(text))
    return bool(years) and not years & set(COHORTS)


_NOT_AFTER = frozenset(keys("биш bish"))  # "ESIS биш, цахим сургалт"
_NOT_BEFORE = frozenset(keys("not"))  # "not ESIS, e-learning"
_ARTICLES = frozenset(keys("the a an my"))  # "not the e-learning one", "not my ESIS"
# "tsahim surgalt ni bish", "дүн оруулдаг тэр биш"
_PARTICLES_BEFORE_NOT = frozenset(keys("нь ni бол bol маань maan тэр ter"))
_SAID = frozenset(keys("гэж gej"))  # "ESIS гэж бодсон" (I thought ESIS): what is meant is not it


def _denied_after(words: tuple[str, ...], end: int) -> bool:
    while end < len(words) and words[end] in _PARTICLES_BEFORE_NOT:
        end += 1
    thought = end + 1 < len(words) and words[end] in _SAID and words[end + 1].startswith("бод")
    return thought or (end < len(words) and words[end] in _NOT_AFTER)


def detect_system(text: str) -> str | None:
    """ "esis" or "elearning" when the message names exactly one of the two systems, not
    counting one it denies ("үгүй ээ, ESIS биш цахим сургалт")."""
    named, _denied = _systems(text)
    return named.pop() if len(named) == 1 else None


def names_both_systems(text: str) -> bool:
    """Whether a message names ESIS and the e-learning site both, denying neither."""
    return len(_systems(text)[0]) == 2


def asks_the_difference(text: str) -> bool:
    """Whether a message asks how things differ or whether they are one ("хоёрын ялгаа юу
    вэ", "esis bolon esurgalt adilhan uu", "What's the difference …? Are they the same?")."""
    return any(key.startswith(_DIFFERENCE) for key in keys(text))


_DIFFERENCE = _beginnings(tables.DIFFERENCE_WORDS)


def sets_a_system_apart(text: str) -> bool:
    """Whether a message denies one system and names the other: "the website where we do
    the online modules, not ESIS" says which it is, whatever else it says."""
    named, denied = _systems(text)
    return len(named) == 1 and bool(denied - named)


def _systems(text: str) -> tuple[set[str], set[str]]:
    """The systems a message names, and those it denies."""
    words = keys(text)
    named: set[str] = set()
    denied: set[str] = set()
    for start, end, value in SYSTEMS.read(words):
        before = start - 1
        while before > 0 and words[before] in _ARTICLES:
            before -= 1
        not_it = _denied_after(words, end) or (before >= 0 and words[before] in _NOT_BEFORE)
        (denied if not_it else named).add(value)
    return named, denied


# A cohort by its number or ordinal alone, no "жил": "10 dahi", "тавдах", "5р", "арав".
_BARE_COHORT = re.compile(
    r"(?:(?P<n>10|5|1)|(?P<word>тав|арав|нэг|анх))(?:д[аэо]?хи?|ду?г[аэу]р|р|ин|н)?"
)
_COHORT_WORDS = {"тав": 5, "арав": 10, "нэг": 1, "анх": 1}


def bare_cohort(text: str) -> int | None:
    """The cohort a message that states nothing else names by its number or ordinal alone
    ("uuchlaarai tavdah", "10 dahi", "5р"): no "жил", so only where the year is what the
    conversation is about (a correction right after it was given)."""
    said = "".join(key for key in keys(text) if key not in _STATEMENT)
    match = _BARE_COHORT.fullmatch(said)
    if match is None:
        return None
    return int(match.group("n")) if match.group("n") else _COHORT_WORDS[match.group("word")]


_TAKING_BACK = frozenset(keys(tables.CHANGE_OF_MIND_WORDS + " " + tables.TAKING_BACK_WORDS))


_APOLOGY = frozenset(keys(tables.CHANGE_OF_MIND_WORDS))


def owns_the_miss(text: str) -> bool:
    """Whether a message apologises and thanks ("аа уучлаарай, доор нь бичсэн байсныг
    харсангүй. баярлалаа"): the writer missed something, not the answer; its "-гүй" tells
    no failure."""
    return not _APOLOGY.isdisjoint(keys(text)) and gives_thanks(text) and not asks(text)


def takes_back(text: str) -> bool:
    """Whether a message takes back what was said before it ("уучлаарай", "ugui ugui",
    "sorry", "биш"): what it states is a correction."""
    return not _TAKING_BACK.isdisjoint(keys(text))


def only_states(text: str) -> bool:
    """Whether a message says nothing beyond a cohort or a system, with an apology or an
    introduction around it: "уучлаарай, би 1 дэх жилийн багш шүү", "цахим сургалтынх"."""
    text = _MISSPOKE.sub(" ", text)
    if (began := _WORK_BEGAN.search(text)) is not None:  # "2011 онд ажилд орсон (10 дахь жил)"
        end = _clause_end(text, began.end())
        if not asks(text[began.end() : end]):  # … not "… орсон сургалт маань хэзээ эхлэх бэ"
            text = text[: began.start()] + text[end:]
    words = keys(text)
    named = {n for start, end, _value in SYSTEMS.read(words) for n in range(start, end)}
    rest = [
        key
        for n, key in enumerate(words)
        if n not in named
        and key not in _STATEMENT
        and not _COHORT_PIECE.fullmatch(key)
        and not key.startswith(_YEAR_WORDS)
    ]
    return bool(words) and not rest


# "буруу хэлчихлээ", "овгоо буруу бичжээ", "буруу тоолчихож" (I said, typed, counted or
# pressed it wrong) beside a fact stated again: an apology, not a problem.
_MISSPOKE = re.compile(
    r"\b(?:(?:овгоо|нэрээ|дугаараа|жилээ|ovgoo|neree|dugaaraa|jilee)\s+)?(?:буруу|buruu)\s+"
    r"(?:хэл|бич|тоол|дар|сонго|hel|bich|tool|dar|songo)\w*",
    re.IGNORECASE,
)


# "… гэж байна", "… gej bn", "… гэнэ": what another said; "she says …" before it in English.
_SAID_AFTER = re.compile(
    r"\s+(?:гэж\s+(?:байна|бна|хэлж\s+байна|хэлээд\s+байна|хэлсэн)|гэнэ|"
    r"gej\s+(?:baina|bna|bn|helj\s+bn|helsen)|gene)(?=[\s,.!]|$)",
    re.IGNORECASE,
)
_SAID_BEFORE = re.compile(r"^\s*(?:(?:she|he|my\s+\w+)\s+says?\s+)", re.IGNORECASE)
_RELAYING = frozenset(keys(tables.RELAYING_WORDS))


def passed_on(text: str) -> str | None:
    """The answer someone writing for a teacher passes on from her ("Ээж маань болчихлоо
    гэж байна" → "болчихлоо", "aav maan tiim gej bn, daraagiinhiig ni yvuulaarai" → "tiim,
    daraagiinhiig ni yvuulaarai", "she says it worked" → "it worked"), to be read as her own
    reply; None when the message relays nothing."""
    told = _SAID_BEFORE.sub("", text)
    parts = _SAID_AFTER.split(told)
    if told == text and len(parts) == 1:
        return None
    words = ", ".join(part.strip(" ,") for part in parts if part.strip(" ,")).split(" ")
    while words and set(keys(words[0])) <= _RELAYING:
        words.pop(0)  # "Ээж маань", "aav maan"
    return " ".join(words) or None


def cannot_reach_them(text: str) -> bool:
    """Whether a message says the one an answer sends the teacher to cannot be reached:
    the manager away ("Сургалтын менежер маань 2 долоо хоног амралттай", "menejer maani
    uur sumand seminart yavsan") or another asked for ("өөр хэн нээж өгөх вэ", "who else
    can reset it?")."""
    if _WHO_ELSE.read(keys(text)) != []:
        return True
    said = sentences(text)
    away = [sentence for sentence in said if _manager_away(sentence)]
    # … unless another sentence asks its own question ("хэдий хугацаанд бүртгэгддэг юм бэ?
    # менежер маань мэдэхгүй гээд байна" asks how long, and says why it asks here); "then
    # what do I do?" beside it asks what the away one leaves the teacher with
    others = [s for s in said if s not in away]
    return bool(away) and not any(asks(s) and not only_asks_what_next(s) for s in others)


_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
# A month and its day: "3 сарын 24", "3-р сарын 24-нд", "4 sariin 15nd", "4/15",
# "2021.03.24", "March 24", "24 March"
_DAY = re.compile(
    r"(?<![\d.])(?:1[0-2]|0?[1-9])\s*(?:-?[рr])?\s*(?:сар|sar)\w*\s*(?:[12]\d|3[01]|0?[1-9])(?!\d)"
    r"|(?<![\d./])(?:20\d\d[./-])?(?:1[0-2]|0?[1-9])[/.](?:[12]\d|3[01]|0?[1-9])(?![\d./])"
    rf"|\b(?:{_MONTHS})[a-z]*\.?\s+(?:[12]\d|3[01]|0?[1-9])(?!\d)"
    rf"|(?<!\d)(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})[a-z]*\b",
    re.IGNORECASE,
)
_DAY_EVENT = _beginnings(tables.DAY_EVENT_WORDS)
_HOLIDAY = _beginnings(tables.HOLIDAY_WORDS)


def asks_about_a_day(text: str) -> bool:
    """Whether a message asks what happens on a day of the calendar in the training's
    course ("3 сарын 24-нд юу болох вэ?", "webinar 3/24 nd ehleh uu", "what starts on
    April 15?"): the schedule answers it. Not a holiday's day ("3 сарын 8-нд амрах уу")."""
    if not _DAY.search(text) or not asks(text):
        return False
    words = keys(text)
    event = any(key.startswith(_DAY_EVENT) for key in words)
    return event and not any(key.startswith(_HOLIDAY) for key in words)


def asks_who_the_manager_is(text: str) -> bool:
    """Whether a sentence of the message asks who the training manager is ("сургалтын
    менежер гэж хэн бэ?", "surgaltiin menejer gedeg chin hen be, zahiral uu?", "who is the
    training manager?"): the one so many answers send the teacher to."""
    return any(
        asks(sentence)
        and not _WHO.isdisjoint(words := keys(sentence))
        and any(key.startswith(_MANAGER) for key in words)
        for sentence in sentences(text)
    )


def _manager_away(sentence: str) -> bool:
    words = keys(sentence)
    return any(key.startswith(_MANAGER) for key in words) and any(
        key.startswith(_AWAY) for key in words
    )


def only_introduces(text: str) -> bool:
    """Whether a message says who or where the writer is and tells no problem: a role or a
    place ("сургалтын менежер байна", "bi surguuliin emch bn"), and no system, no matter of
    the desk's, no "-гүй", no question. Beside a request for a person it is no problem to
    put on a ticket."""
    words = keys(text)
    if not any(key.startswith(_ROLE_WORDS) for key in words):
        return False
    if any(key.startswith(_MATTER_WORDS) for key in words):
        return False  # "… сургалтын батламжийн дугаар маань буруу гарсан байна"
    return detect_system(text) is None and not _asks_or_denies(text)


def without_what_works(text: str, knows: Callable[[str], bool] = lambda _word: True) -> str:
    """The message without its clauses that say what the writer still has ("нэвтрэх нэрээ
    мартсан, нууц үгээ санаж байна", "I know my password but forgot my username") or what
    the problem is not ("нууц үг биш, нэвтрэх нэр нь мартагдсан"): their words name
    another problem than the one asked about. Unchanged when every clause says so, or none
    does. Words denied before what is said instead ("цахим сургалт биш вебинарт …") go
    when `knows` them: a name corrected ("Цэцэгмаа биш Цэцэгээ") is no topic, and a
    machine denied ("bot bish hvntei") asks for a person."""
    typed = keys(text)
    if not any(key.startswith(_WORKS) for key in typed) and NOT_KEY not in typed:
        return text
    # "цахим сургалт биш вебинарт …": the words denied go, what is said instead stays
    instead = _DENIED_INSTEAD.sub(lambda denied: _unless_kept(denied, knows), text)
    text = instead if len(instead.split()) > 1 else text
    clauses = [clause for clause in _CLAUSES.split(text) if clause.strip()]
    kept = [
        clause
        for clause in clauses
        if not _says_it_works(clause) and keys(clause)[-1:] != (NOT_KEY,)
    ]
    if not kept or len(kept) == len(clauses):
        return text
    return ", ".join(clause.strip() for clause in kept)


NOT_KEY = keys("биш")[0]  # "X биш": not X
# One or two words denied and what is said instead ("цахим сургалт биш вебинарт …", "oi
# username bish ee, passaa martchihsan"), not a sentence that ends denying ("монгол хэл сайн
# биш. …") nor the tag question "биш үү"
_STRESS = "ээ|шүү|дээ|ee|shuu|dee"
_DENIED_INSTEAD = re.compile(
    r"(?<![^\s,;])(?:[^\s,;.!?]+\s+)?(?P<word>[^\s,;.!?]+)\s+(?:биш|bish)"
    rf"(?:\s+(?:{_STRESS}))?"
    rf"[\s,]+(?!(?:үү|уу|юу|юм|биз|uu|yy|vv|ym|yum|biz|{_STRESS})\b)(?=\w)",
    re.IGNORECASE,
)


def _unless_kept(denied: re.Match[str], knows: Callable[[str], bool]) -> str:
    """Nothing for the words denied, unless the word "биш" denies must stay (see above), or
    "this" or "my" stands before them: "энэ миний асуусан зүйл биш ээ, …" complains of the
    answer, it corrects no topic."""
    word = denied.group("word")
    machine = any(key.startswith(_MACHINE_STEMS) for key in keys(word))
    before = keys(" ".join(denied.string[: denied.start()].split()[-1:]))
    pointed = bool(before) and before[-1] in _POINTING
    return denied.group() if machine or pointed or not knows(word) else ""


_POINTING = frozenset(keys("энэ тэр миний ene ter minii"))


_OPENING_THANKS = frozenset(keys(tables.OPENING_THANKS))
_ASKED_AFTER_THANKS = 2  # words a question after the thanks needs to be read alone


def without_greeting(text: str) -> str:
    """The message without its "Сайн байна уу" ("sain bnuu"), whose particle asks nothing."""
    return _GREETING.sub(" ", text)


def opens_with_greeting(text: str) -> bool:
    """Whether a message opens with "Сайн байна уу", with no comma after it ("SAIN BAINA UU
    BI 10 DAHI JILDEE AJILLAJ BAIGAA BAGSH BAINA")."""
    return _GREETING.match(text.lstrip()) is not None


def without_opening_thanks(text: str) -> str:
    """The message without the thanks and "ok" it opens with ("за баярлалаа одоо ESIS
    дээрээ хаанаас харах вэ"): read whole, it is thanks. Unchanged when fewer than two
    words would be left."""
    words = text.split()
    at = 0
    while at < len(words) and all(
        key in _OPENING_THANKS or key in FILLERS for key in keys(words[at])
    ):
        at += 1
    if at == 0 or len(words) - at < _ASKED_AFTER_THANKS:
        return text
    return " ".join(words[at:])


def without_announcement(text: str) -> str:
    """The message without a lead that only says a question comes ("Another question: when
    do the webinars start?", "one more question how do I join"): its words would weigh
    against the question's own. Unchanged when nothing is left after the lead."""
    head, separator, rest = text.partition(":")
    if separator and rest.strip() and only_announces_a_question(head):
        return rest.strip()
    words = text.split()
    for end in range(min(len(words) - _ASKED_AFTER_A_LEAD, _LONGEST_LEAD), 0, -1):
        last = keys(words[end - 1])
        if (
            last
            and last[-1].startswith(_QUESTION_WORD)
            and only_announces_a_question(" ".join(words[:end]))
        ):
            return " ".join(words[end:])
    return text


def _says_it_works(clause: str) -> bool:
    if not any(key.startswith(_WORKS) for key in keys(clause)):
        return False
    return not _asks_or_denies(clause)  # "санахгүй", "санаж чадахгүй": the problem itself


def _asks_or_denies(text: str) -> bool:
    """A question (a greeting's "уу" aside) or a "-гүй": a problem told, not a statement."""
    return asks(without_greeting(text)) or denies(text)


_WORKED = frozenset(keys(tables.WORKED_WORDS))
_REMINDER = tuple(keys(tables.REMINDER_WORDS))
_REMINDERS_OFF = tuple(keys(tables.REMINDERS_OFF_WORDS))
_UNWANTED = frozenset(keys(tables.REMINDERS_UNWANTED_WORDS))
_WANT = tuple(keys(tables.REMINDERS_WANTED_WORDS))


def turns_reminders_off(text: str) -> bool:
    """Whether a clause names the reminders and stops them, in words no phrase list holds
    ("сануулгыг нь зогсоочих", "I don't need the reminders anymore, turn them off"); a
    message that asks ("сануулга яаж зогсоох вэ") is a question, not the request; a polite
    one ("please stop sending me reminders", "сануулгаа зогсоож өгнө үү") is the request."""
    if asks_with_a_word(text):
        return False
    for clause in _CLAUSES.split(text):
        words = keys(clause)
        if not any(word.startswith(_REMINDER) for word in words):
            continue
        if any(word.startswith(_REMINDERS_OFF) for word in words):
            return True
        if any(a in _UNWANTED and b.startswith(_WANT) for a, b in pairwise(words)):
            return True
    return False


_BOTH = tuple(keys(tables.BOTH_WORDS))
_BOTH_PHRASE = keys(tables.BOTH_PHRASE)


def names_both(text: str) -> bool:
    """Whether a reply chooses both, or all, of a question's choices ("аль аль нь",
    "hoyuulang ni martsan", "both of them")."""
    words = keys(text)
    pairs = list(pairwise(words))
    return any(word.startswith(_BOTH) for word in words) or tuple(_BOTH_PHRASE) in pairs


MACHINE = frozenset(keys(tables.MACHINE_WORDS))  # "бот", "robot", "chatbot" …
_MACHINE_STEMS = tuple(MACHINE)
_YOU = frozenset(keys(tables.YOU_WORDS))
_PERSON = frozenset(keys(tables.PERSON_WORDS))
_WANTING = tuple(keys(tables.WANTING_WORDS))


def asks_what_answers(text: str) -> bool:
    """Whether a message asks if a bot or a person answers ("ene chat bot uu hvn uu", "are
    you a real person?"), which the desk answers about itself, not by opening a ticket: a
    question naming a machine, or "you" and a person, and no word of wanting or talking."""
    asked = [piece for piece in _SENTENCE_PIECES.findall(text) if asks(piece)]
    if any(word.startswith(_WANTING) for word in keys(text)):
        return False  # "bot uu hun uu?? hvntei yarimaar bn": a person wanted, said beside it
    return bool(asked) and all(_asks_who(piece) for piece in asked)  # not "useless. when …?"


_SENTENCE_PIECES = re.compile(r"[^.!?\n]+[.!?]*")


def _asks_who(sentence: str) -> bool:
    words = keys(sentence)
    if any(word.startswith(_WANTING) for word in words):
        return False
    named = set(words)
    return bool(named & MACHINE) or bool(named & _YOU and named & _PERSON)


_UNDERSTOOD = frozenset(keys(tables.UNDERSTOOD_WORDS)) | {tuple(keys("got it"))}
_YES = frozenset(keys(tables.PLAIN_YES_WORDS))


def says_understood(text: str) -> bool:
    """Whether a message says the answer was understood ("за ойлголоо", "ok got it") and not
    that it worked, nor yes: read, not yet tried."""
    words = keys(text)
    named = set(words) | set(pairwise(words))
    yes = not _YES.isdisjoint(words)  # "тийм ээ ойлголоо" says yes
    return bool(named & _UNDERSTOOD) and not yes and not says_it_worked(text)


def says_it_worked(text: str) -> bool:
    """Whether a message tells that the problem is over and asks nothing: a clause of only
    words of success ("менежерээсээ асуугаад оллоо, болсон", "za orchihloo"), nothing
    denied and nothing put off; a clause that only calls the question off is no denial
    ("за хэрэггүй, орж чадлаа")."""
    text = ",".join(clause for clause in _CLAUSES.split(text) if not _only_never_mind(clause))
    if asks(text) or denies(text):
        return False
    words = [key for key in keys(text) if key not in _WORKED]
    if any(True for _ in _LATER.read(words)):
        return False  # "за болсон, дараа шалгая": put off, not yet tried
    for clause in _CLAUSES.split(text):
        *_done, came_of_it = _CONVERB.split(clause)  # "менежертэйгээ ярьчихаад | болчихлоо"
        for part in {clause, came_of_it}:
            words = [key for key in keys(part) if key not in _BESIDE_SUCCESS]
            if words and all(key in _WORKED for key in words):
                return True
    return False


def _only_never_mind(clause: str) -> bool:
    words = [key for key in keys(clause) if key not in FILLERS | ACKNOWLEDGEMENTS]
    return bool(words) and all(key in _NEVER_MIND for key in words)


_NEVER_MIND = frozenset(keys(tables.NEVER_MIND_WORDS))
# Words a clause of success may carry: "ok it worked now", "за одоо болчихлоо шүү", "…
# болчихлоо гэнэ".
_BESIDE_SUCCESS = (
    FILLERS
    | ACKNOWLEDGEMENTS
    | frozenset(
        keys(
            f"{tables.ENGLISH_STOP_WORDS} now одоо {tables.REPORTED_WORDS} "
            f"{tables.BESIDE_SUCCESS_WORDS}"
        )
    )
)
# A converb ("ярьчихаад", having talked): what follows it in a clause is what came of it.
_CONVERB = re.compile(r"\w+(?:аад|ээд|оод|өөд|aad|eed|ood)\b", re.IGNORECASE)
_RELAY = frozenset(keys(tables.RELAY_WORDS))  # whole words: "асуух гэсэн юм" asks, later
_RELAY_PHRASE = Vocabulary.build({"relay": tables.RELAY_PHRASES})


_THANKING = frozenset(keys(tables.THANKS_WORDS))


def says_nothing_came(text: str) -> bool:
    """Whether a message says something did not come ("email ruu yu ch irehgui bn", "код
    ирсэнгүй"): after a login's steps, the letter they said would come, failed."""
    return any(key.startswith("ир") and key.endswith(_NEGATED_KEY) for key in keys(text))


_NEGATED_KEY = keys(tables.NEGATION_SUFFIX)[0]
_OK = frozenset(keys("ok okay ок окей"))


def only_thanks_ok(text: str) -> bool:
    """Whether a message is "ok" and thanks, nothing else ("ok bayrlalaa", "okay thanks",
    "за баярлалаа": "ok" folds to "за"): thanks for what was read, which to an offer under
    an answer takes nothing; "тийм ээ баярлалаа" says yes."""
    words = set(keys(text))
    said = _OK | _THANKING | FILLERS
    return bool(words & _OK) and not _THANKING.isdisjoint(words) and words <= said


_SOMEONE_ELSE = frozenset(keys(tables.SOMEONE_ELSE_WORDS))


def of_someone_else(text: str) -> bool:
    """Whether a message speaks of someone else's year ("манай хамт ажилладаг багш 5 дахь
    жилдээ, түүний вебинар хэзээ вэ"): the cohort it names is not the writer's to keep."""
    return not _SOMEONE_ELSE.isdisjoint(keys(text))


def gives_thanks(text: str) -> bool:
    """Whether a message thanks ("баярлалаа, тэдэнд хэлье"): its thanks are answered."""
    return not _THANKING.isdisjoint(keys(text))


def relays(text: str) -> bool:
    """Whether a message says the writer will pass the answer on, or go and ask the one it
    is for ("эхнэрээсээ асуугаад хэлье", "ok bayrlalaa, ehnertee helie", "I will show her
    these steps and come back later"), asking nothing and telling no failure: the question
    waiting stays open."""
    if asks(text) or denies(text) or says_it_worked(text):
        return False  # "менежерээсээ асуугаад оллоо" tells it worked
    if detect_cohort(text) is not None or detect_system(text) is not None:
        return False  # "хамт ажилладаг 10 дахь жилийн багш асууя, …": a colleague asks
    words = keys(text)
    return not _RELAY.isdisjoint(words) or bool(_RELAY_PHRASE.read(words))


# … and the words around them that name no matter ("за тэгвэл", "then … I"), the fillers
_CONTACT_ASKING = frozenset(keys(tables.CONTACT_ASKING_WORDS)) | FILLERS | ACKNOWLEDGEMENTS
_WHOM = frozenset(keys(tables.WHOM_WORDS))


def asks_whom(text: str) -> bool:
    """Whether a message asks whom to turn to ("… хэнд хандах вэ", "who do I contact")."""
    return not _WHOM.isdisjoint(keys(text))


def matter_of_a_contact_question(text: str) -> str:
    """The matter a "whom do I turn to?" is about ("Манай дотуур байрны халаалт ажиллахгүй
    байна хэнд хандах вэ" → the heating), its asking words left out; "" when it names none
    ("тэгвэл хэнд хандах вэ", "then who should I ask?")."""
    kept = [word for word in text.split() if not set(keys(word)) <= _CONTACT_ASKING]
    return " ".join(kept)


def asks_to_wait(text: str) -> bool:
    """Whether a message asks the desk to wait while the writer fetches what was asked for
    ("tvr hvleegeerei registree olj bna", "hold on, looking for it"), asking nothing."""
    if asks(text) or detect_system(text) or detect_cohort(text):
        return False  # "no wait, it's ESIS not esurgalt" corrects, it does not wait
    return _WAIT.read(keys(text)) != []


# "Later" and a verb of what is to be done then, voluntative or future ("дараа
# шалгуулъя", "daraa ilgeene", "дараа явуулна"): a phrase of later, whatever the verb.
_LATER_DOING = re.compile(r"\b(?:дараа|дараад)\s+\w+(?:ъя|ья|ье|ё|я|е|на|нэ|но|нө|ай)\b")


# A plan for later in a clause of its own: a time to come and a verb of intent ("маргааш
# дахиад оролдоод үзье", "ok, I will try these steps later").
_PLAN = re.compile(
    r"\b(?:дараа|дараад|маргааш|орой)\b.*\w(?:ъя|ья|ье|ё|я|е|ай|эй)$"
    r"|\b(?:i|i will|i'll|ill|let me|will)\b.*\b(?:later|tomorrow|tonight)\b"  # "i ask … tomorrow"
    r"|\b(?:later|tomorrow|tonight)\b.*\b(?:i will|i'll|ill|will)\b"  # "maybe later i will try"
    # … or a try to come: "БСУГ руу залгаад үзье", "menejert ni helj uzii"
    r"|\w(?:аад|ээд|оод|өөд|ж|ч)\s+[уү]з(?:ье|ъе|эе|эй|ий|ие|ья|ъя|нэ)$",
    re.IGNORECASE,
)


_NOT_YET = re.compile(r"^\s*(?:no,?\s+)?not\s+yet\b[\s,.!]*", re.IGNORECASE)


def puts_off(text: str) -> bool:
    """Whether a message only puts things off ("за болсон, дараа шалгая", "хүлээе", "za
    margaash dahiad oroldood uzey"): each of its words, acknowledgements aside, is in a
    phrase of later; or a clause plans for later, or a try ("залгаад үзье"), and the others
    neither ask, deny nor say it worked ("хүүхдүүд орж ирлээ, дараа шалгая"). A "not yet"
    before it ("not yet, maybe later I will try from my laptop") denies nothing tried."""
    text = _NOT_YET.sub("", text)
    if asks(text) or denies(text):
        return False
    clauses = [clause.strip() for clause in _CLAUSES.split(text) if clause.strip()]
    rest = [
        normalized
        for clause, normalized in ((clause, normalize(clause)) for clause in clauses)
        if not (_PLAN.search(clause) or _PLAN.search(normalized))  # English, Mongolian
    ]
    planned = len(rest) < len(clauses)
    text = _LATER_DOING.sub("дараа", " ".join(rest))
    words = [key for key in keys(text) if key not in FILLERS and key not in ACKNOWLEDGEMENTS]
    said = {at for start, end, _value in _LATER.read(words) for at in range(start, end)}
    if (bool(words) or planned) and len(said) == len(words):
        return True
    return planned and not says_it_worked(text)  # "хүүхдүүд орж ирлээ, дараа шалгая"


_SUPPOSED = re.compile(r"\w+г[үу]й\s+бол\b")  # "тэнцэхгүй бол", "suugaagui bol"


def supposes(text: str) -> bool:
    """Whether a message asks what if something does not happen ("тэнцэхгүй бол яах вэ",
    "вебинарт нь суугаагүй бол"): its "-гүй" tells no failure."""
    return bool(_SUPPOSED.search(normalize(text)))


def denies(text: str) -> bool:
    """Whether a word of the message is negated ("чадахгүй", "ирээгүй", "does not")."""
    return bool(ENGLISH_NEGATION.search(text)) or any(word.negated for word in analyze(text))


_LINKS = re.compile(r"\s*(?:(?:https?://|www\.)\S+\s*)+")


def only_links(text: str) -> bool:
    """Whether a message is links and nothing else ("https://esis.edu.mn"): no question
    in words to read, however well a site's name matches."""
    return _LINKS.fullmatch(text) is not None


_NAMING = frozenset(keys(tables.NAMING_WORDS))
_NAME_WORDS = 2  # a given name, or a given name and a surname


def only_names_oneself(clause: str) -> bool:
    """Whether a clause only gives the writer's name ("Намайг Мөнхзул гэдэг", "minii ner
    Saraa", "My name is Sarah Miller")."""
    words = [key for key in keys(clause) if key not in _STATEMENT]
    named = [key for key in words if key not in _NAMING]
    return len(named) < len(words) and 0 < len(named) <= _NAME_WORDS


def only_announces_a_question(text: str) -> bool:
    """Whether a message only says that a question is coming ("асуулт байна", "I have a
    question"): nothing to match yet, and no refusal either."""
    return _only(keys(text), _ANNOUNCE, _AROUND_ANNOUNCE)


_PLACES = Vocabulary.build(tables.BUTTON_PLACES)
_MOST_BUTTONS = 9


def button_place(text: str, *, digits: bool) -> int | None:
    """The index of a button a reply names by its place ("эхнийх", "дээд талынх нь", "б",
    "the last one"; with `digits`, "2"), -1 for the last; None when it names none. Teachers
    on a phone type where the button is rather than what it says."""
    typed = text.strip()
    if typed.isdecimal():  # not "³7": superscripts are digits to isdigit(), not to int()
        return int(typed) - 1 if digits and 1 <= int(typed) <= _MOST_BUTTONS else None
    place = _PLACES.choose(text)
    return None if place is None else -1 if place == "last" else int(place)


def only_checks_presence(text: str) -> bool:
    """Whether a message only checks someone is there ("байна уу?", "ало", "alo"): no
    question in it, and "байна уу" alone is no words at all to the matcher."""
    words = set(keys(text))
    return words <= _PRESENCE and bool(words - _PARTICLES) and words != {_BE}  # "байна": yes


_HOW = frozenset(keys(tables.HOW_WORDS))
_HOW_ARE_YOU = frozenset(keys(tables.HOW_ARE_YOU_WORDS)) | _HOW
_BEING = frozenset(keys(tables.BEING_WORDS))


def only_asks_how_one_is(text: str) -> bool:
    """Whether a message only asks how the desk is ("How are you today?", "ямар байна
    даа"): a greeting, though its English words are all stop words to the matcher."""
    typed = set(keys(text))
    words = typed - FILLERS
    return bool(words & _HOW and typed & _BEING) and words <= _HOW_ARE_YOU  # not "ямар вэ?"


_RUN_ON_PARTICLE = "".join(FOLDED_VOWELS)  # "зүгээрээ": "зүгээр" and its "ээ"


def _without_a_particle(key: str) -> str:
    """A word without the vowels run on it, when a word is left ("зүгээрээ"; not "ало")."""
    bare = key.rstrip(_RUN_ON_PARTICLE)
    return bare if len(bare) >= _PARTICLE_LEFT else key


_PARTICLE_LEFT = 4


def only_acknowledges(text: str, thanking: bool = False) -> bool:
    """Whether a message only acknowledges ("ok zgr", "за за ойлголоо", "got it", "👍🙏", "ok
    hvleegeerei, olood bichne"): it asks nothing and answers no choice, so it gets neither a
    refusal nor a ticket's offer, and a step waiting for details stays open. `thanking`:
    thanks beside are acknowledgements too ("ok oilgoloo bayrlalaa")."""
    words = keys(text)
    if not words:
        symbols = symbols_of(text)
        return bool(symbols) and set(symbols) <= _APPROVING
    said = ACKNOWLEDGEMENTS | _THANKING if thanking else ACKNOWLEDGEMENTS
    # … with a particle run on: "зүгээрээ", "okey"
    words = tuple(key if key in said else _without_a_particle(key) for key in words)
    return (
        not asks(text)
        and any(key in ACKNOWLEDGEMENTS for key in words)
        and all(key in said or key in FILLERS for key in words)
    )


def opens_with_a_contrast(text: str) -> bool:
    """Whether a message opens with "but" ("гэхдээ ESIS дээр харагдахгүй байна", "but it
    still says not registered"): it goes on from what was just said."""
    words = keys(text)
    return bool(words) and words[0] in CONTRASTS


def says_unsure(text: str) -> bool:
    """Whether a message says the writer does not know or remember something ("username ni
    ym bilee mdku bn"): its "-гүй" asks, rather than tells what failed."""
    return _UNSURE.read(keys(text)) != []


def checks_understanding(text: str) -> bool:
    """Whether a message asks if the writer understood the answer ("тэгэхээр надад
    хамаарахгүй гэсэн үг үү", "utsaaraa orj bolno gesen ug uu"), not what a word means."""
    return _UNDERSTANDING_CHECK.read(keys(text)) != [] and not asks_what_is_meant(text)


def asks_what_is_meant(text: str) -> bool:
    """Whether a message asks what something means ("аль нь вэ?", "юу гэсэн үг вэ, ажилласан
    жил гэж үү?", "what do you mean? which system?"): to a question waiting, the question
    again."""
    return _WHAT_IS_MEANT.read(keys(text)) != []


def says_not_understood(text: str) -> bool:
    """Whether a message says the writer does not understand ("ойлгосонгүй", "oilgomjgui
    bn", "I don't get it"), as one of the ways of asking what is meant."""
    return _NOT_UNDERSTOOD.read(keys(text)) != []


def only_unsure(text: str) -> bool:
    """Whether a message only says the writer does not know ("I don't know.", "мэдэхгүй
    ээ"): an answer to a question, no question of its own."""
    words = typed_words(text)
    return bool(words) and _UNSURE.read(words) != [] and _UNSURE.leftover(text) == 0


def only_asks_for_a_reply(text: str) -> bool:
    """Whether a sentence only asks for an answer ("Хариу өгнө үү.", "please reply asap")."""
    words = typed_words(text)
    return bool(words) and all(key in _REPLY_REQUEST for key in words)


def only_asks_what_next(text: str) -> bool:
    """Whether a message only asks what to do now ("тэгээд яах вэ?", "what should I do
    now?"): about the answer just given, whatever the words would match on their own. Not
    "юу гэсэн үг вэ" (what does it mean?), which asks for the answer explained."""
    return _only(keys(text), _WHAT_NEXT, _AROUND_WHAT_NEXT) and not asks_what_is_meant(text)


def asks_what_comes_after(text: str) -> str | None:
    """What a message asks what comes after, when it asks only that: the latest part of the
    training it names ("тэгээд вебинар дууссаны дараа?": "webinar"), "" when it names none
    ("тэгээд дараа нь?", "and after that?", "tgd daraa ni yu boloh ve": after the answer just
    given), None when it asks something else. Its last sentence asks; those before may
    only say which part is done ("Цахим сургалтын модулиудаа бүгдийг нь дуусгачихлаа."), who
    writes, or that the answer was understood ("ойлголоо.")."""
    *before, last = sentences(text) or [""]
    if not asks(last) or not any(key.startswith(_AFTER) for key in keys(last)):
        return None
    named = ""
    for sentence in [*before, last]:
        if sentence is not last and (only_introduces(sentence) or only_acknowledges(sentence)):
            continue  # "ойлголоо. тэгээд модулиа дуусгачихвал дараа нь юу хийх вэ"
        for key in keys(sentence):
            stage = next((s for s, marks in _STAGES.items() if key.startswith(marks)), None)
            if stage is not None:
                named = max(named, stage, key=list(("", *_STAGES)).index)
            elif not (
                key.startswith(_AFTER)
                or key in _AROUND_AFTER
                or key in _STATEMENT
                or key.startswith(_FINISHED)
            ):
                return None
    return named


def _only(words: tuple[str, ...], marks: tuple[str, ...], around: frozenset[str]) -> bool:
    """One of `marks` (beginnings) at least, and nothing but them, `around` and statement
    words."""
    return any(key.startswith(marks) for key in words) and all(
        key.startswith(marks) or key in around or key in _STATEMENT for key in words
    )


def asks_for_a_check(text: str) -> bool:
    """Whether a message asks for a certificate to be checked ("шалгаж өгнө үү", "can you
    look up my colleague's?")."""
    return any(key.startswith(_CHECK) for key in keys(text))


def states_a_fact(text: str) -> bool:
    """A message that states a cohort or a system and nothing more ("үгүй ээ, цахим
    сургалтынх"): a correction, even where a yes/no question waits for an answer."""
    return only_states(text) and (
        detect_cohort(text) is not None or detect_system(text) is not None
    )


def names_another_service(text: str) -> bool:
    """Whether the message names an account that is not the institute's (Gmail, Facebook,
    e-Mongolia, a bank) and none of the institute's: its password is not this desk's to
    recover. ("ESIS-д бүртгэлтэй gmail хаяг" is about ESIS.)"""
    words = keys(text)
    return any(True for _ in OTHER_SERVICES.read(words)) and not any(
        True for _ in SYSTEMS.read(words)
    )


def names_another_organiser(text: str) -> bool:
    """Whether the message names another organiser of trainings (UNICEF, IELTS, the health
    ministry) or another's subject (a mine's safety course) and not the institute's own
    site: its course or certificate is not this desk's. Unlike an account (a Gmail address
    opens the webinar too), naming one decides; ESIS beside it is where its certificate
    would go ("ЮНИСЕФ-ийн сертификат ESIS-д орох уу?"), and "цахим сургалт" is any online
    course ("UNICEF-iin tsahim surgalt"); only esurgalt / itpd are the institute's. So is
    another's web address ("medle.mn ruu orj chadahgui bn")."""
    words = keys(text)
    other = any(True for _ in OTHER_ORGANISERS.read(words)) or _names_another_site(text)
    return other and not any(True for _ in _INSTITUTE_SITE.read(words))


# A web address ("medle.mn ruu orj chadahgui bn", "eec.mn"): another's site unless it is one
# the desk's answers send teachers to.
_SITE = re.compile(  # not an e-mail address's domain ("tsetseg.b85@gmail.com")
    r"(?<![@\w.-])(?:[a-z0-9-]+\.)+(?:mn|com|org|net|edu|gov|info)\b", re.IGNORECASE
)
_OUR_SITES = ("itpd.mn", "esis.edu.mn", "google.com")


def _names_another_site(text: str) -> bool:
    sites = [site.lower() for site in _SITE.findall(text)]
    return bool(sites) and not any(site.endswith(_OUR_SITES) for site in sites)


# The words a newcomer asks the meaning of, by term: the institute's name and its systems'
# acronyms, the cohort and the certificate. (The training's own parts, e-learning and the
# webinar, are the format entry's: "Вебинар гэж юу вэ" reads as it.)
TERMS = Vocabulary.build(
    {
        "esis": (
            "esis", "есис", "эсис", "bsmis", "бсмис", "боловсролын салбарын мэдээллийн систем",
        ),
        "institute": (
            "itpd", "итпд", "бмди", "bmdi", "институт", "institute",
            "багшийн мэргэжил дээшлүүлэх институт", "багшийн мэргэжил хөгжлийн институт",
        ),
        "cohort": ("ээлж", "eelj", "cohort"),
        "certificate": ("батламж", "batlamj", "certificate"),
    }
)  # fmt: skip
# What may stand after the term in a question of its meaning: "гэж юу вэ", "гэдэг нь юу юм
# бэ", "gedeg chin yu ve", "юу гэсэн үг вэ", "ямар утгатай вэ"; and English's "what's", "what
# does … mean" around it. One of _MEANING must be among them.
_WHAT_IS = frozenset(
    keys(
        "гэж гэдэг гэдэг нь чинь чин юу юм бэ вэ гэсэн үг ямар утгатай утга учир вэ "
        "what what's is are does do mean means meaning a an the"
    )
)
_MEANING = frozenset(keys("юу утгатай утга what what's mean means meaning"))
_NAMED_AS = frozenset(keys("гэж гэдэг what what's"))  # "ESIS юу вэ" may ask what happened


def term_asked(text: str) -> tuple[str, str] | None:
    """The term a message asks the meaning of ("сайн байна уу би шинэ багш ESIS гэж юу вэ",
    "itpd gedeg chin yu ve", "What is a cohort?"), and the message's other sentences; None
    when no sentence only asks what a term is. Words before the term may greet or introduce
    but not ask ("нууц үгээ яаж авах вэ, ESIS гэж юу вэ" asks two things in one sentence)."""
    said = sentences(text)
    for at, sentence in enumerate(said):
        typed = typed_words(sentence)
        found = TERMS.read(typed)
        if len(found) != 1:
            continue
        start, end, term = found[0]
        before, after = typed[:start], typed[end:]
        if before and set(before) <= _WHAT_IS:  # "what is a cohort", "what's ESIS"
            after, before = [*before, *after], []
        if (
            set(after) <= _WHAT_IS
            and not _MEANING.isdisjoint(after)
            and not _NAMED_AS.isdisjoint(after)
            and not asks_with_a_word(" ".join(before))
        ):
            return term, " ".join(said[:at] + said[at + 1 :]).strip()
    return None


# What a screen does when a site fails, unlike a login's wrong data: a blank page, a circle
# that keeps spinning, an error, an expired session, a page not found; in chat's Latin, in
# English and in Russian (a browser's own messages).
_SCREEN_TROUBLE = Vocabulary.build(
    {
        "trouble": (
            "хоосон хуудас", "цагаан хуудас", "цагаан дэлгэц", "хар дэлгэц", "эргэлдээд",
            "эргэлдэж", "эргэлдсээр", "эргэлдэнэ", "эргээд л", "ergeed l", "ergeldeed",
            "дугуй эргээд", "dugui ergeed",
            "ергэлдээд", "ачаалахгүй", "ачаалахгуй", "ачаалаад л", "achaalahgui", "achaalaad l",
            "гацчихсан", "гацаад", "гацсан", "gatsaad", "gatschihsan", "gatssan",
            "хуудас олдсонгүй", "huudas oldsongui", "алдаа гараад", "алдаа заагаад",
            "aldaa garaad", "aldaa zaagaad", "error", "session expired", "сесс", "session",
            "сессии", "ошибка", "page not found", "not found", "404", "can't be reached",
            "cannot be reached", "spinning", "blank page", "blank screen", "white screen",
            "not loading", "won't load", "doesn't load", "keeps loading",
            "юу ч гарахгүй", "yu ch garahgui", "nothing happens", "nothing shows up",
        )
    }
)  # fmt: skip


def tells_screen_trouble(text: str) -> bool:
    """Whether a message tells what a failing site shows ("ESIS-д нэвтэрсний дараа цагаан
    хоосон хуудас гараад", "dugui ergeed l bn", «Время сессии истекло»): no credential is
    lost, so the steps of a login do not help; a methodologist may."""
    return bool(_SCREEN_TROUBLE.read(keys(text)))  # with its fillers: "эргээд л" keeps on


# The hour or the length of a session asked ("вебинар хэдэн цагт эхэлдэг вэ", "нэг удаагийн
# вебинар хэдэн цаг үргэлжилдэг", "өглөө үү орой юу", "what time does it start"): the
# schedule gives days, so showing it again answers nothing.
_HOUR_ASKED = Vocabulary.build(
    {
        "hour": (
            "хэдэн цагт", "хэдэн цаг", "hed tsagt", "hed tsag", "хэдэн минут", "hed minut",
            "өглөө үү орой", "өглөө эсвэл орой", "ugluu uu oroi", "ugluu esvel oroi",
            "what time", "how many hours", "how long is each", "how long is one",
            "how long is a session", "how long does each", "how long does a session",
        )
    }
)  # fmt: skip


def asks_the_hour(text: str) -> bool:
    """Whether a message asks at what hour or for how long a session runs."""
    return bool(_HOUR_ASKED.read(keys(text)))


# "That is not what I asked" under an answer: the answer missed, and the question follows,
# often in the same message ("hezeeg ni asuugaagui ee, linkiig ni haanaas avah ve"), or in
# the clause that says it ("I asked when the modules end").
_NOT_ASKED = Vocabulary.build(
    {
        "missed": (
            "асуугаагүй", "asuugaagui", "асуусангүй", "asuusangui", "өөр юм асуусан",
            "uur yum asuusan", "өөр зүйл асуусан", "uur zuil asuusan", "асуусан зүйл биш",
            "асуусан юм биш", "asuusan zuil bish", "not what i asked", "didn't ask",
            "did not ask", "not what i meant",
        ),
        "instead": ("i asked about", "i asked when", "i asked where", "i asked how"),
    }
)  # fmt: skip
_BARE_NO = frozenset(keys("no nope үгүй ugui биш bish"))


def not_what_was_asked(text: str) -> str | None:
    """The rest of a message that says the answer was not what was asked ("үгүй ээ би
    тэрийг асуугаагүй шд. нэвтрэх нэр маань юу байсныг мартсан" → "нэвтрэх нэр маань юу
    байсныг мартсан"), "" when it says only that; None when it does not say it."""
    clauses = [clause.strip() for clause in _CLAUSES.split(text) if clause and clause.strip()]
    said = [{value for *_at, value in _NOT_ASKED.read(keys(clause))} for clause in clauses]
    if not any(said):
        return None
    told = [
        clause
        for clause, found in zip(clauses, said, strict=True)
        if "missed" not in found
        and not only_acknowledges(clause)
        and not set(keys(clause)) <= _BARE_NO | FILLERS
    ]
    return ", ".join(told)


# The parts of the training a fault is told of ("тест", "даалгавар", "progress", "видео"),
# beginnings of words, beside the systems' names.
_TRAINING_PARTS = tuple(
    keys(
        "тест test даалгавар daalgavar бие даалт модул modul module видео video бичлэг "
        "bichleg progress явц yavts оноо onoo дүн файл file хавсар havsar вебинар webinar "
        "судалгаа sudalgaa"
    )
)


# What a screen shows when it fails, beginnings of words: an error, a freeze, loading on and
# on, a blank screen ("алдаа гараад байна", "гацчихлаа", "keeps loading", "цагаан дэлгэц").
_FAULTS = tuple(keys("алдаа error гацс гацаа гацч loading ачаалс ачаалаа дэлгэц blank"))


def _shows_a_fault(words: Sequence[str]) -> bool:
    return any(key.startswith(_FAULTS) for key in words)


def tells_a_training_fault(text: str) -> bool:
    """Whether a message tells something inside the training fails ("Бие даалтын даалгавраа
    хавсаргах гэсэн чинь файл орохгүй байна", "оноо 0 гэж харагдаад байна. тооцогдоогүй юм
    болов уу", "Тест өгөх гэхээр алдаа гараад байна"): a part of it or a system named, and a
    negated word, "still" or an error shown."""
    words = keys(text)
    named = detect_system(text) is not None or any(
        key.startswith(_TRAINING_PARTS) for key in words
    )
    failing = denies(text) or says_still(text) or _shows_a_fault(words)
    return named and (failing or "0" in words)


_SYMPTOM_WORDS = 8  # "The page just keeps loading and nothing happens"
# Verbs of what fails to happen, beginnings of words: get in, come up, work, open, load,
# log in, show, arrive ("орохгүй", "гарахгүй", "ajillahgui", "doesn't work", "won't open").
_FAILING = tuple(
    keys(
        "орох орж орс гарах гарс ажилла нээгд ачаал нэвтр нэвтэр харагд ирэх ирс ирээ "
        "work open log load"
    )
)


# Finding, as a teacher fails at it: "олохгүй", "oldohgui", "олж чадахгүй", "can't find".
_FINDING = tuple(keys("олох олд олж олс find found"))


def cannot_find(text: str) -> bool:
    """Whether a message says the writer cannot find something ("ESIS-ийн аль цэсэнд байдаг
    юм бэ, би олохгүй л байна"): after an answer that says where to look, that it did not
    help, not that a login was lost."""
    words = typed_words(text)
    return any(
        key.startswith(_FINDING) and any(negates(near) for near in words[max(at - 1, 0) : at + 2])
        for at, key in enumerate(words)
    )


def tells_a_symptom_only(text: str) -> bool:
    """Whether a short message only tells that something fails, naming nothing ("орохгүй
    байна", "юу ч гарахгүй байна", "ajillahgui bn", "цагаан дэлгэц гараад л байна", "the
    page just keeps loading"): where it fails is the question to ask, not "I do not know".
    What was tried before a "but" or a concessive "ч" is told, not the symptom ("Та нарын
    хэлснээр бүгдийг хийсэн, гэвч одоо хүртэл нэвтэрч чадахгүй л байна")."""
    if detect_system(text) is not None:
        return False
    words = typed_words(_CONCESSION.split(after_the_contrast(text) or text)[-1])
    return 0 < len(words) <= _SYMPTOM_WORDS and _tells_failing(words)


# "оролдсон ч", "hiisen ch": what follows holds even so (not "юу ч", "хэн ч": nothing, no one)
_CONCESSION = re.compile(
    r"(?<!\bюу)(?<!\bхэн)(?<!\byu)(?<!\bhen)\s(?:ч|ch)\s(?!юу|yu)", re.IGNORECASE
)


def still_stuck(text: str) -> bool:
    """Whether a message says the trouble goes on after what was tried, asking at most
    "what now?" ("Энэ бүгдийг хийчихсэн шүү дээ, дахиад л юу ч ирэхгүй байна. Одоо яах
    вэ?", "Өөр хөтчөөр ч оролдсон, … дахиад л алдаа гарч байна"): under an answer it is
    not solved, and to the offer of a methodologist it takes the offer."""
    asked = [clause for clause in _CLAUSES.split(text) if clause and asks(clause)]
    return (
        says_still(text)
        and _tells_failing(typed_words(text))
        and all(only_asks_what_next(c) for c in asked)
    )


def _tells_failing(words: Sequence[str]) -> bool:
    """A verb of failing, negated, or an error shown, among a message's words."""
    return _fails(words) or _shows_a_fault(words)


def _fails(words: Sequence[str]) -> bool:
    """A verb of what fails to happen, negated itself or beside a negation ("орохгүй",
    "орж чадахгүй", "doesn't work"); not "ойлгоогүй ээ" (I did not understand), nor "orj
    bgaa, computer bhgui" (I get in; there is no computer)."""
    return any(
        key.startswith(_FAILING) and any(negates(near) for near in words[max(at - 1, 0) : at + 2])
        for at, key in enumerate(words)
    )


# What frames a rumour told to be checked: "… гэж хэлээд байна, үнэн үү?", "… gej sonssn,
# tiim uu", "… гэсэн байна лээ", "Our manager says …. Is that true?", "I heard that …". The
# frame's words are no question's: what was heard is.
_HEARSAY = re.compile(
    r"[,.]?\s*\b(?:энэ\s+|ene\s+)?(?:үнэн|тийм|unen|tiim)\s*"
    r"(?:үү|уу|юу|биз|uu|yu|biz|байна\s+уу|bnuu|bnu)\b\s*\?*"
    r"|\s(?:гэж|gej|gj|гээд|geed)\s+(?:\w+\s+){0,2}?"
    r"(?:хэл|сонс|бич|ярь|нийтэл|hel|sons|bich|yari|niitel)\w*"
    r"(?:\s+(?:байна|байсан|байгаа|байх|bn|bna|bsn|bga|лээ|lee))*"
    r"|\s(?:гэсэн|gesen|gsn)(?!\s+(?:чинь|chin|ч|ch)\b)(?:\s+(?:байна|bn|bna|лээ|lee))*"
    r"(?=[\s,.?!]|$)"
    r"|\b(?:is|isn't|is it|it's)\s+(?:that|it|this)\s+(?:really\s+)?true\b\s*\??"
    r"|\b(?:someone|somebody|they|people|my \w+|our \w+|a colleague)\s+"
    r"(?:says?|said|told me|wrote|posted)\s+(?:that\s+)?"
    r"|\bi\s+(?:heard|read)\s+(?:that\s+)?",
    re.IGNORECASE,
)


def without_hearsay(text: str) -> str:
    """A message without the frame of a rumour it asks to check ("Хамт ажилладаг багш
    маань батламж одоо огт хэрэггүй болсон гэж хэлээд байна, үнэн үү?" → "… батламж одоо
    огт хэрэггүй болсон"): the words that say it was heard are read by no entry."""
    return " ".join(_HEARSAY.sub(" ", text).split()).strip(" ,.")


def asks_when_a_part_is(text: str) -> bool:
    """Whether a message asks only about a part of the training and when it is ("tegvel
    webinar ni?", "And does the webinar start next week?", "вебинар маань хэзээ эхлэх вэ"):
    after a schedule, its dates answer; not how to join it ("вебинарт яаж орох вэ")."""
    words = typed_words(text)
    named = [key for key in words if any(key.startswith(marks) for marks in _STAGES.values())]
    return (
        asks(text)
        and bool(named)
        and all(
            key in named or key in _WHEN_OF_A_PART_ENGLISH or key.startswith(_WHEN_OF_A_PART)
            for key in words
        )
    )
