"""Configuration errors that read like a good compiler's: file, line, key, value, allowed."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import BadInput


@dataclass
class Problem:
    """One thing wrong in one file."""

    file: str
    message: str
    line: int | None = None
    key: str = ""
    given: Any = None
    allowed: str = ""
    has_given: bool = False
    via: str = ""  # the key that pointed to this file, e.g. "members.data_file in my.yaml:12"

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        parts = [f"{where}: "]
        if self.key:
            parts.append(f"{self.key}: ")
        parts.append(self.message)
        if self.has_given:
            parts.append(f" (given: {_show(self.given)})")
        if self.allowed:
            parts.append(f"; allowed: {self.allowed}")
        if self.via:
            parts.append(f" [file named by {self.via}]")
        return "".join(parts)


@dataclass
class ConfigError(BadInput):
    """Raised for any invalid scenario or experiment file; carries every problem found (exit code 2)."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.in_order())

    def in_order(self) -> list[Problem]:
        """The problems file by file (in the order the files came up), each file's by line: as an editor
        shows them. A problem of the whole file (no line) comes first."""
        first = {f: i for i, f in reversed(list(enumerate(p.file for p in self.problems)))}
        return sorted(self.problems, key=lambda p: (first[p.file], p.line or 0))

    @classmethod
    def single(cls, file: str | Path, message: str, **kw: Any) -> ConfigError:
        return cls([Problem(file=str(file), message=message, **kw)])


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """A ' (did you mean 'x'?)' hint, or ''."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
