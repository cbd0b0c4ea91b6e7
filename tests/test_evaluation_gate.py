"""The figures issues 3 and 14 promise, kept by a test, and the evaluation code they come from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.desk.faq import load_faq_dir
from bot.nlu.evaluation import EvalCase, EvalReport, evaluate, format_report, read_cases
from bot.nlu.matcher import Matcher
from tests.support import Entry

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"

IN_SCOPE_TARGET = 0.95
REFUSED_TARGET = 0.90
LATIN_TARGET = 0.90

# Floors for the sets written in other voices, about five points under what the matcher
# (words and the n-gram classifier blended, threshold 43) scores with the FAQ of this round:
# they catch a change that breaks generalization, not noise. In scope / refused / Latin now:
# holdout.jsonl: 94.0 / 97.1 / 96.8 %.
HOLDOUT_FLOORS = (0.88, 0.92, 0.90)
# voices.jsonl, another writer's voices (186 lines, 42 % Latin, 25 % out of scope): 98.6 /
# 95.7 / 96.2 %.
VOICES_FLOORS = (0.92, 0.90, 0.91)
# fresh.jsonl, by someone who saw neither these tests nor the FAQ's paraphrases (240 lines,
# 40 % Latin, 28 % out of scope): 98.9 / 100 / 99.1 %.
FRESH_FLOORS = (0.93, 0.94, 0.94)
# teachers.jsonl, written the same way (257 lines, 39 % chat-Latin and 8 % English, 28 % out
# of scope): 97.8 / 95.8 / 99.2 %.
TEACHERS_FLOORS = (0.92, 0.90, 0.93)
# staff.jsonl, written the same way (220 lines, 40 % chat-Latin and 8 % English, 25 % out of
# scope): 95.8 / 96.4 / 96.2 %.
STAFF_FLOORS = (0.90, 0.90, 0.90)
# rural.jsonl (307 lines: remote and older teachers, voice-to-text, heavy abbreviation; 39 %
# chat-Latin, 8 % English, 25 % out of scope): 88.7 / 96.1 / 91.7 % (85.3 / 92.1 / 87.5 % when
# first measured, before it was read).
RURAL_FLOORS = (0.84, 0.90, 0.86)
# bilingual.jsonl (342 lines: Kazakh teachers writing Mongolian, Mongolian-English
# code-switching, Messenger fragments; 40 % chat-Latin, 13 % English, 25 % out of scope): 89.9
# / 97.6 / 93.9 % (82.6 / 98.8 / 90.0 % when first measured); 89.5 / 98.8 / 93.9 % now.
BILINGUAL_FLOORS = (0.84, 0.92, 0.89)
# The three sets written for this round by helpers who read only the list of entries and
# MONGOLIAN.md, measured on the round's first code before anything was tuned (in scope /
# top-3 / refused / Latin then → now):
# managers.jsonl (220 lines: training managers and head teachers writing for colleagues, long
# messages with backstory, some very short; 47 % Latin, 25 % out of scope): 95.8 / 99.4 /
# 89.1 / 93.3 → 97.0 / 100 / 92.7 / 95.2 %.
MANAGERS_FLOORS = (0.92, 0.88, 0.90)
# young.jsonl (220 lines: first-year teachers typing fast, slang, emoji, run-ons; 55 % Latin,
# 25 % out of scope): 96.4 / 100 / 94.5 / 95.1 → 96.4 / 100 / 98.2 / 95.1 %.
YOUNG_FLOORS = (0.92, 0.90, 0.91)
# staffwide.jsonl (200 lines: librarians, nurses, kindergarten and dormitory staff, dictated
# Messenger text; 48 % Latin, 25 % out of scope), its misses never read: 96.7 / 100 / 94.0 /
# 95.8 → 96.7 / 100 / 98.0 / 97.9 %.
STAFFWIDE_FLOORS = (0.91, 0.89, 0.91)
# seasoned.jsonl (220 lines, written the next round the same way: tenth-year and subject
# teachers, school secretaries, Facebook comments, deadline panic, formal introductions; 40 %
# Latin, 8 % English, 25 % out of scope), measured before anything changed: 96.4 / 98.8 /
# 100 / 98.1 % → 97.0 / 98.8 / 100 / 99.1 % (one line mended from its own misses).
SEASONED_FLOORS = (0.92, 0.94, 0.94)
# aimag.jsonl (200 lines, the round after: soum and aimag staff who had not written before —
# doctors, librarians, kindergarten, dormitory and PE teachers, an accountant for a colleague;
# 40 % Latin, 8 % English, 25 % out of scope), by a helper who read only the entry list, the
# README and MONGOLIAN.md. First run, before anything was tuned: 94.0 / 98.0 / 93.8 %, top-3
# 100 %; not tuned on since. Its out-of-scope entries' ids were written as null (the refusals).
AIMAG_FLOORS = (0.91, 0.94, 0.90)
# english.jsonl (160 lines, all English: foreign teachers, Mongolians who chose English,
# non-native grammar, a Mongolian word here and there; 24 % out of scope), by a helper who
# read only the entry list, the README and MONGOLIAN.md. First run 83.6 / 97.4 %, top-3
# 95.9 %; with English function words dropped and the organiser rule looking past the top
# three, 87.7 / 100 %, top-3 96.7 %. Its misses were read; nothing was tuned to them. With
# the next round's 288 English paraphrases (their writer never saw it): 91.8 / 100 %, 98.4 %.
ENGLISH_FLOORS = (0.88, 0.95, 0.90)
# english2.jsonl (170 lines, the round after: non-native English of foreign teachers, IT and
# kindergarten teachers, school managers; a third 1–5 words, a third 20–60; 25 % out of
# scope), by a helper who read only the entry list, the README and MONGOLIAN.md, while
# another helper, who never saw it, wrote 288 English paraphrases for the FAQ. First run,
# the FAQ without those paraphrases: 85.2 / 100 %, top-3 97.7 %; with them (its first run
# against them) 93.0 / 100 %, top-3 99.2 %. Not tuned on.
ENGLISH2_FLOORS = (0.90, 0.95, 0.90)
# dictated.jsonl (180 lines, the round after: speech-to-text Cyrillic without punctuation and
# chat-Latin typed on phones without a Cyrillic keyboard, by teachers, managers, social
# workers, librarians and school doctors; 50 % Latin, 25 % out of scope, near misses among
# them), by a helper who read only the entry list, the README and MONGOLIAN.md. First run,
# before any change of that session: 98.5 / 100 %, top-3 100 %, Latin 97.8 %. Not tuned on.
DICTATED_FLOORS = (0.95, 0.95, 0.94)
# typed.jsonl (200 lines, the session after: phone typos, dropped letters and spaces, o/u for
# ө/ү, a third 1–4 words and a third 25–70 with a backstory; 50 % Latin, a tenth English;
# 25 % out of scope, near misses among them), by a helper who read only the entry list and
# MONGOLIAN.md. First run, before that session's changes: 96.7 / 96.0 %, top-3 98.7 %, Latin
# 96.0 %. Not tuned on.
TYPED_FLOORS = (0.94, 0.94, 0.94)
# keywords.jsonl (220 lines, the session after: half typed like a search box, 1–5 words;
# half school IT teachers and secretaries helping colleagues with Russian loanwords (логин,
# пароль, ошибка) and what the screen says; 40 % chat-Latin, 8 % English, 25 % out of scope
# with near misses — Gmail and Facebook passwords, pupils' grades in ESIS), by a helper who
# read only the entry list, the README and MONGOLIAN.md. First run, before that session's
# changes: 95.8 / 94.5 %, top-3 100 %, Latin 96.2 %. Not tuned on.
KEYWORDS_FLOORS = (0.92, 0.90, 0.92)
# olgii.jsonl (186 lines, the session after: Kazakh-speaking teachers of Bayan-Ölgii writing
# Mongolian as a second language — wrong case endings, Kazakh letters, Russian words (пароль,
# логин, расписание) — with their training managers and social workers; 40 % chat-Latin, a
# few English lines, 25 % out of scope with near misses), by a helper who read only the entry
# list, the README and MONGOLIAN.md. First run, before that session's matcher changes (none
# came): 97.1 / 100 %, top-3 100 %, Latin 97.6 %. Not tuned on.
OLGII_FLOORS = (0.93, 0.95, 0.93)
# khovd.jsonl (267 lines, the session after: teachers of the western aimags — Dörvöd, Zakhchin,
# Torguud, Kazakh — with dialect spellings and Russian words (пароль, расписание, анкет,
# ссылка), who describe what happens instead of asking; 42 % chat-Latin, 38 % out of scope,
# many of them near misses: a printer, a birth certificate, ESIS attendance of pupils), by a
# helper who read only the entry list, the README and MONGOLIAN.md. First run: 93.9 / 91.2 %,
# top-3 100 %, Latin 93.8 %; with the Russian loanwords read (the one change made for it):
# 95.8 / 91.2 %, Latin 94.7 %.
KHOVD_FLOORS = (0.93, 0.89, 0.92)
# gobi.jsonl (260 lines, the session after: teachers and staff of the Gobi aimags — mining
# towns, soum boarding schools — typing as they do, a third 1–5 words and a third with a
# backstory; 40 % chat-Latin, 35 % out of scope, many near misses: other organisers'
# certificates, the school's own timetable, pupils' grades in ESIS), by a helper who read
# only the entry list, the README and MONGOLIAN.md. First run: 94.1 / 93.4 %, top-3 100 %,
# Latin 94.3 %. One paraphrase added after reading its misses ("шинэ нууц үг яаж авах вэ"
# read as the pass criteria) gained one of its lines, and four of older sets.
GOBI_FLOORS = (0.92, 0.91, 0.92)
# darkhan.jsonl (260 lines, the session after: teachers and staff of Darkhan-Uul, Orkhon and
# Selenge — city schools, vocational centres, kindergartens, training managers; 40 %
# chat-Latin, 35 % out of scope, near misses: a mine's safety certificate, a plant's job
# form, other passwords), by a helper who read only the entry list, the README and
# MONGOLIAN.md. First run: 96.5 / 95.6 %, top-3 100 %, Latin 97.5 %. Its misses were read:
# other organisers' subjects (a mine's safety course) and "UNICEF-iin tsahim surgalt" are
# refused now (98.9 % refused, Latin 98.3 %).
DARKHAN_FLOORS = (0.94, 0.94, 0.95)
# eastern.jsonl (260 lines, the session after: teachers and staff of Dornod, Khentii and
# Sukhbaatar — kindergartens, vocational and dormitory teachers, managers; 40 % chat-Latin,
# 8 % English, 35 % out of scope, near misses: other organisers' courses, a bank's password,
# another site's login, "whom do I turn to" about a school's own matter), by a helper who
# read only the entry list, the README and MONGOLIAN.md. First run: 95.9 / 94.5 %, top-3
# 100 %, Latin 94.4 %. Its misses were read: another site's address ("medle.mn", "eec.mn")
# is another's (96.7 % refused, Latin 96.0 %).
EASTERN_FLOORS = (0.94, 0.95, 0.94)
# central.jsonl (306 lines, the session after: teachers and staff of Arkhangai, Övörkhangai,
# Bulgan, Töv and Selenge — herder-family soum teachers on old phones, special-needs, sports
# and art teachers, school doctors and social workers, soum managers; 43 % chat-Latin, 8 %
# English, 31 % out of scope, near misses: a ministry's course, a bank's or Wi-Fi password,
# annual leave ("ээлжийн амралт"), a pupils' olympiad, doctoral studies), by a helper who
# read only the entry list, the README and MONGOLIAN.md. First run: 95.7 / 90.5 %, top-3
# 100 %, Latin 95.5 %. Its misses were read: "whom do I turn to about X" is judged by X, a
# cyber-security course and doctoral studies are others', "Wi-Fi-ийн" is the word Wi-Fi
# (96.8 % refused, Latin 96.1 %).
CENTRAL_FLOORS = (0.94, 0.95, 0.95)
# western.jsonl (260 lines, the session after: teachers and staff of Zavkhan, Govi-Altai, Uvs
# and Khövsgöl — herders' children now teachers, soum schools with weak internet, dormitory
# teachers, school doctors, accountants, drivers and cooks told to take the training, Buryat
# and Darkhad speakers; 40 % chat-Latin, 8 % English, 25 % out of scope, near misses: another
# ministry's e-learning, a pupil's exam certificate, a university diploma), by a helper who
# read only the entry list, the README and MONGOLIAN.md. First run: 95.9 / 98.5 %, top-3
# 99.5 %, Latin 96.9 %, over every target; not tuned on.
WESTERN_FLOORS = (0.94, 0.95, 0.95)
# southern.jsonl (181 / 68: teachers and staff of Ömnögovi, Dornogovi, Dundgovi, Govisümber and
# the mining and border towns, long messages with their situation first or 2–3 words, chat-Latin
# with English tech words; 41 % Latin, 8 % English; near misses: a mine's safety course, an
# Oyu Tolgoi scholarship, a rural allowance, the yuan rate, a border permit), by a helper who
# read only the entry list, the README and MONGOLIAN.md, and ran nothing but a JSON parse. It
# gave refuse entries' lines their entry's id; those 61 labels were turned into null (the
# matcher refuses such entries) before the set was first measured.
# First run: 98.3 / 98.5 %, top-3 100 %, Latin 99.2 %; not tuned on.
SOUTHERN_FLOORS = (0.94, 0.94, 0.95)
# capital.jsonl (199 / 69: teachers and staff of Ulaanbaatar's districts — public, private
# and international schools, Russian-educated staff's loanwords ("пароль", "логин", "почта"),
# chat-Latin typed on the bus, English-medium teachers; half in Latin letters; near misses:
# kindergarten enrolment through e-Mongolia, the teachers' housing programme, a district
# vacancy, TOEFL), by a helper who read only the entry list, the README and MONGOLIAN.md, told
# to label out-of-scope lines null.
# First run: 97.5 / 97.1 %, top-3 99.5 %, Latin 96.2 %; not tuned on.
CAPITAL_FLOORS = (0.95, 0.94, 0.95)
# northern.jsonl (209 / 123: teachers, training managers, school doctors, librarians and
# kindergarten staff of Selenge, Darkhan-Uul, Orkhon, Bulgan and Khövsgöl writing in the
# evening; Russian loanwords; 42 % chat-Latin, 9 % English; near misses: another director's
# phone, a sports hall's timetable, a mine's housing programme), by a helper who read only
# the entry list, the README and MONGOLIAN.md; its 44 lines labelled with an out-of-scope
# entry's id were set to null before the first run.
# First run: 97.1 / 95.1 %, top-3 100 %, Latin 97.6 %; not tuned on.
NORTHERN_FLOORS = (0.95, 0.93, 0.95)


@pytest.fixture(scope="module")
def bundled() -> Matcher:
    return Matcher(load_faq_dir(ROOT / "faq"))


def _report(matcher: Matcher, name: str) -> EvalReport:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return evaluate(matcher, read_cases(lines))


def test_eval_set_meets_the_targets(bundled: Matcher) -> None:
    report = _report(bundled, "eval.jsonl")
    print("\neval.jsonl\n" + format_report(report))
    assert report.in_scope.share >= IN_SCOPE_TARGET
    assert report.out_of_scope.share >= REFUSED_TARGET
    assert report.by_script["latn"].share >= LATIN_TARGET


# Each set in other voices: its floors (in scope, refused, Latin) and the top-3 share it
# keeps, the entry being among those "which do you mean?" offers.
FLOORS = {
    "holdout.jsonl": (HOLDOUT_FLOORS, 0.98),
    "voices.jsonl": (VOICES_FLOORS, 0.98),
    "fresh.jsonl": (FRESH_FLOORS, 0.98),
    "teachers.jsonl": (TEACHERS_FLOORS, 0.98),
    "staff.jsonl": (STAFF_FLOORS, 0.98),
    "rural.jsonl": (RURAL_FLOORS, 0.98),
    "bilingual.jsonl": (BILINGUAL_FLOORS, 0.96),
    "managers.jsonl": (MANAGERS_FLOORS, 0.98),
    "young.jsonl": (YOUNG_FLOORS, 0.98),
    "staffwide.jsonl": (STAFFWIDE_FLOORS, 0.98),
    "seasoned.jsonl": (SEASONED_FLOORS, 0.97),
    "aimag.jsonl": (AIMAG_FLOORS, 0.98),
    "english.jsonl": (ENGLISH_FLOORS, 0.94),
    "english2.jsonl": (ENGLISH2_FLOORS, 0.97),
    "dictated.jsonl": (DICTATED_FLOORS, 0.98),
    "typed.jsonl": (TYPED_FLOORS, 0.98),
    "keywords.jsonl": (KEYWORDS_FLOORS, 0.98),
    "olgii.jsonl": (OLGII_FLOORS, 0.98),
    "khovd.jsonl": (KHOVD_FLOORS, 0.98),
    "gobi.jsonl": (GOBI_FLOORS, 0.98),
    "darkhan.jsonl": (DARKHAN_FLOORS, 0.98),
    "eastern.jsonl": (EASTERN_FLOORS, 0.98),
    "central.jsonl": (CENTRAL_FLOORS, 0.98),
    "western.jsonl": (WESTERN_FLOORS, 0.98),
    "southern.jsonl": (SOUTHERN_FLOORS, 0.98),
    "capital.jsonl": (CAPITAL_FLOORS, 0.98),
    "northern.jsonl": (NORTHERN_FLOORS, 0.98),
}


@pytest.mark.parametrize("name", FLOORS)
def test_sets_in_other_voices_stay_above_their_floors(bundled: Matcher, name: str) -> None:
    """Questions in other voices: printed in full, and held to floors below the targets."""
    report = _report(bundled, name)
    print(f"\n{name}\n" + format_report(report))
    (in_scope, refused, latin), top3 = FLOORS[name]
    assert report.in_scope.share >= in_scope
    assert report.out_of_scope.share >= refused
    assert report.by_script["latn"].share >= latin
    assert report.in_scope_top3.share >= top3


def test_evaluate_counts_by_kind_and_script() -> None:
    matcher = Matcher(
        [
            Entry("esis_password", ("ESIS-ийн нууц үгээ мартсан", "Нууц үг сэргээх")),
            Entry("not_ours_salary", ("Цалин хэзээ буух вэ",), refuse=True),
        ]
    )
    cases = [
        EvalCase("нууц үгээ мартсан", "esis_password"),
        EvalCase("nuuts ugee martsan", "esis_password"),
        EvalCase("Цалин хэзээ буух вэ", None),
        EvalCase("tsalin hezee buuh ve", None),
        EvalCase("батламж хэзээ гарах вэ", "certificate_status"),
    ]
    report = evaluate(matcher, cases)
    assert (report.in_scope.right, report.in_scope.total) == (2, 3)
    assert (report.out_of_scope.right, report.out_of_scope.total) == (2, 2)
    assert report.by_script["latn"].share == 1.0
    cyrillic = report.in_scope_by_script["cyrl"]
    assert (cyrillic.right, cyrillic.total) == (1, 2)
    [miss] = report.misses
    assert (miss.expected, miss.got) == ("certificate_status", None)
    text = format_report(report)
    assert "66.7 % (2/3)" in text
    assert "100.0 % (2/2)" in text
    assert "батламж хэзээ гарах вэ" in text


def test_read_cases_parses_jsonl_and_rejects_garbage() -> None:
    lines = [
        json.dumps({"text": "nuuts ug", "intent": "esis_password"}, ensure_ascii=False),
        "",
        json.dumps({"text": "цалин", "intent": None}, ensure_ascii=False),
    ]
    assert read_cases(lines) == [EvalCase("nuuts ug", "esis_password"), EvalCase("цалин", None)]
    with pytest.raises(ValueError, match="line 1"):
        read_cases(["not json"])
    with pytest.raises(ValueError, match="line 2"):
        read_cases(['{"text": "a", "intent": null}', '{"intent": "x"}'])
    with pytest.raises(ValueError, match="intent"):
        read_cases(['{"text": "a", "intent": 3}'])
