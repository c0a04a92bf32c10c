"""A readable difference between two versions of a declaration: section by section, line
by line, and word by word inside a changed line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from flask_babel import ngettext

from app.declarations.models import DeclarationVersion, Promise, TargetUnit

_WORDS = re.compile(r"(\s+)")
SECTION_ORDER = ("about", "audience", "promises", "expectations", "price", "complaints",
                 "contact")  # fmt: skip


@dataclass(frozen=True)
class Line:
    #: "same", "removed", "added" or "changed"
    kind: str
    #: (kind, text) pieces: "same", "removed" or "added"
    pieces: list[tuple[str, str]]


@dataclass(frozen=True)
class SectionDiff:
    key: str
    lines: list[Line]

    @property
    def changed(self) -> bool:
        return any(line.kind != "same" for line in self.lines)


def promise_line(promise: Promise) -> str:
    """A promise as one line, its target in the reader's words: "1. … (innen 3 virkedager)"."""
    target = ""
    n = promise.target_value
    if n and promise.target_unit == TargetUnit.hours:
        target = " (" + ngettext("innen %(num)s time", "innen %(num)s timer", n) + ")"
    elif n:
        target = " (" + ngettext("innen %(num)s virkedag", "innen %(num)s virkedager", n) + ")"
    return f"{promise.position}. {promise.text}{target}"


def section_lines(version: DeclarationVersion, key: str) -> list[str]:
    if key == "promises":
        return [promise_line(p) for p in version.promises]
    return [line.rstrip() for line in (getattr(version, key) or "").splitlines() if line.strip()]


def diff_versions(old: DeclarationVersion, new: DeclarationVersion) -> list[SectionDiff]:
    return [_diff_section(key, section_lines(old, key), section_lines(new, key))
            for key in SECTION_ORDER]  # fmt: skip


def _diff_section(key: str, old: list[str], new: list[str]) -> SectionDiff:
    lines: list[Line] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            lines += [Line("same", [("same", text)]) for text in old[i1:i2]]
        elif tag == "replace" and i2 - i1 == j2 - j1:
            lines += [Line("changed", _words(a, b)) for a, b in zip(old[i1:i2], new[j1:j2],
                                                                      strict=True)]  # fmt: skip
        else:
            lines += [Line("removed", [("removed", text)]) for text in old[i1:i2]]
            lines += [Line("added", [("added", text)]) for text in new[j1:j2]]
    return SectionDiff(key, lines)


def _words(old: str, new: str) -> list[tuple[str, str]]:
    a, b = _WORDS.split(old), _WORDS.split(new)
    pieces: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("added", "".join(b[j1:j2])))
    return pieces
