"""Score a matcher on labelled questions: the figures the issue's targets are stated in.

Pure: the caller reads the file and hands over its lines or cases.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.nlu.matcher import Matcher
from bot.nlu.normalize import script_of


@dataclass
class EvalCase:
    text: str
    intent: str | None  # None: the bot must refuse


@dataclass(frozen=True)
class Miss:
    text: str
    expected: str | None
    got: str | None
    score: float
    reason: str


@dataclass
class Tally:
    """Right answers out of all, for one group of questions."""

    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    @property
    def share(self) -> float:
        """The share right, 0..1; an empty group counts as fully right (nothing failed)."""
        return self.right / self.total if self.total else 1.0


@dataclass
class EvalReport:
    """In-scope top-1 accuracy and refused out-of-scope share, overall and by script.

    Scripts are those of script_of(): "latn", "cyrl", "mixed" (Cyrillic with Latin names
    such as ESIS) and "other".
    """

    in_scope: Tally = field(default_factory=Tally)
    in_scope_top3: Tally = field(default_factory=Tally)  # the entry among the top three
    out_of_scope: Tally = field(default_factory=Tally)
    in_scope_by_script: dict[str, Tally] = field(default_factory=dict)
    out_of_scope_by_script: dict[str, Tally] = field(default_factory=dict)
    by_script: dict[str, Tally] = field(default_factory=dict)  # both kinds together
    misses: list[Miss] = field(default_factory=list)


def read_cases(lines: Iterable[str]) -> list[EvalCase]:
    """Parse JSON lines of {"text", "intent"}; blank lines are skipped."""
    cases: list[EvalCase] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {number}: not JSON ({exc.msg})") from exc
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise ValueError(f"line {number}: expected an object with a text")
        intent = data.get("intent")
        if intent is not None and not isinstance(intent, str):
            raise ValueError(f"line {number}: intent must be a string or null")
        cases.append(EvalCase(data["text"], intent))
    return cases


def evaluate(matcher: Matcher, cases: Iterable[EvalCase]) -> EvalReport:
    """Match every case and count: top-1 right in scope, refused out of scope."""
    report = EvalReport()
    for case in cases:
        result = matcher.match(case.text)
        ok = result.intent == case.intent
        script = script_of(case.text)
        if case.intent is None:
            report.out_of_scope.add(ok)
            report.out_of_scope_by_script.setdefault(script, Tally()).add(ok)
        else:
            report.in_scope.add(ok)
            report.in_scope_top3.add(case.intent in {c.intent for c in result.candidates})
            report.in_scope_by_script.setdefault(script, Tally()).add(ok)
        report.by_script.setdefault(script, Tally()).add(ok)
        if not ok:
            report.misses.append(
                Miss(case.text, case.intent, result.intent, result.score, result.reason)
            )
    return report


def _figure(tally: Tally) -> str:
    if not tally.total:
        return "    — (none in the set)"
    return f"{100 * tally.share:5.1f} % ({tally.right}/{tally.total})"


def format_report(report: EvalReport) -> str:
    """The figures, then every miss with what was expected and what came out."""
    lines = [
        f"in scope, top-1 right:   {_figure(report.in_scope)}",
        f"in scope, top-3 right:   {_figure(report.in_scope_top3)}",
        f"out of scope, refused:   {_figure(report.out_of_scope)}",
    ]
    for script in sorted(report.by_script):
        lines.append(
            f"  {script:<5} all {_figure(report.by_script[script])}"
            f" | in scope {_figure(report.in_scope_by_script.get(script, Tally()))}"
            f" | refused {_figure(report.out_of_scope_by_script.get(script, Tally()))}"
        )
    if report.misses:
        lines.append(f"misses ({len(report.misses)}):")
        for miss in report.misses:
            lines.append(
                f"  {miss.expected or '(refuse)'} ← got {miss.got or '(refused)'}"
                f" [{miss.reason} {miss.score:.1f}]: {miss.text}"
            )
    return "\n".join(lines)
