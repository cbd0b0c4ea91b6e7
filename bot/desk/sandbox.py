"""Reading an uploaded file in a child process, with a time and a memory limit.

A 7 KB workbook can be made to parse for minutes, and a single 150 MB cell to take a
gigabyte (issue 18). Read in the desk's own process, either would stall every teacher's turn
or take the process down with it. So rosters, FAQ files and schedules are read and validated
by `python -m bot.desk.sandbox`: it gets the bytes on stdin, caps its own address space, and
answers with the parsed result (pickled: the child is this very code, never the uploader's).
Past the time limit it is killed. The parent then writes to the database as before.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import resource
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.i18n import _, current_language, use_language

log = logging.getLogger(__name__)

READ_SECONDS = 60.0
"""A real 40,000-row roster reads in about 7 s as .xlsx; anything past a minute is hostile."""

READ_MEMORY_MB = 1024
"""The child's address space; the interpreter and openpyxl take about 150 MB of it."""


@dataclass(frozen=True)
class Limits:
    seconds: float = READ_SECONDS
    memory_mb: int = READ_MEMORY_MB


class ReadLimitError(ValueError):
    """The file took longer or more memory to read than the limits allow."""


def _readers() -> dict[str, Callable[[bytes, str], Any]]:
    # Imported here: the parent never needs openpyxl for this, the child always does.
    from bot.desk.faq import parse_faq
    from bot.desk.roster import read_roster
    from bot.desk.schedule import parse_schedule

    return {
        "roster": read_roster,
        "faq": lambda data, name: parse_faq(data.decode("utf-8"), name),
        "schedule": lambda data, name: parse_schedule(data.decode("utf-8"), name),
    }


async def read(kind: str, data: bytes, name: str, limits: Limits | None = None) -> Any:
    """What `kind`'s reader makes of the file, read in a child under `limits`.

    The reader's own errors (RosterFileError, FaqError, ScheduleError, UnicodeDecodeError)
    are raised here as they were raised there; ReadLimitError when a limit was reached.
    """
    limits = limits or Limits()
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        __name__,
        kind,
        name,
        current_language(),
        str(limits.memory_mb),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(child.communicate(data), limits.seconds)
    except TimeoutError:
        child.kill()
        await child.wait()
        raise ReadLimitError(
            _("The file took longer than {seconds} s to read; nothing was changed.").format(
                seconds=f"{limits.seconds:g}"
            )
        ) from None
    if child.returncode != 0 or not out:
        # MemoryError is reported by the child itself; a child killed outright (the kernel's
        # OOM killer, a crash in a C extension) leaves no answer at all. What it printed
        # goes to the log: the admin is told of memory, the maintainer sees the cause.
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        log.warning("file reader exited with %s: %s", child.returncode, last[0][:300])
        raise ReadLimitError(_too_big(limits))
    outcome, value = pickle.loads(out)
    if outcome == "error":
        raise value
    if outcome == "memory":
        raise ReadLimitError(_too_big(limits))
    return value


def _too_big(limits: Limits) -> str:
    text = _("Reading the file needed more than {limit} MB of memory; nothing was changed.")
    return text.format(limit=limits.memory_mb)


def _child(kind: str, name: str, language: str, memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    reader = _readers()[kind]
    data = sys.stdin.buffer.read()
    try:
        with use_language(language):
            outcome: tuple[str, Any] = ("ok", reader(data, name))
    except MemoryError:
        outcome = ("memory", None)
    except (ValueError, UnicodeDecodeError) as exc:  # the readers' errors are ValueErrors
        outcome = ("error", exc)
    sys.stdout.buffer.write(pickle.dumps(outcome))


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
