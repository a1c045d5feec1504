"""The part of a hall's configuration that central manages, and how it joins the local file.

Central owns the business settings of a hall: ``[queue]``, ``[[services]]``, ``[[counters]]``,
``[[staff]]`` and ``[[tokens]]``. Everything else in the hall's file belongs to the box (its id, data
directory, API address, devices, voice, sync settings) and central never touches it. The
hall keeps one file: its own sections, then central's fragment after a marker line, so a
restart starts with the configuration central sent last.
"""

from __future__ import annotations

import hashlib
import re
import tomllib

CENTRAL_SECTIONS = ("queue", "services", "counters", "staff", "tokens")
MARKER = "# ---- from central"

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_\-]+)")


class FragmentError(ValueError):
    """A configuration fragment central may not send (not TOML, or foreign sections)."""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_fragment(text: str) -> None:
    """Refuse a fragment that is not TOML or that sets anything but central's sections."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FragmentError(f"not valid TOML: {exc}") from exc
    foreign = sorted(k for k in data if k not in CENTRAL_SECTIONS)
    if foreign:
        raise FragmentError(
            f"central may set only {', '.join(CENTRAL_SECTIONS)}; the fragment also sets "
            f"{', '.join(foreign)}"
        )


def local_part(text: str) -> str:
    """The hall file without central's sections (and without the comments just above them)."""
    out: list[str] = []
    pending: list[str] = []  # comments and blank lines, kept only if a local section follows
    skipping = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            if not skipping:
                pending.append(line)
            continue
        m = _HEADER.match(line)
        if m:
            skipping = m.group(1) in CENTRAL_SECTIONS
            if not skipping:
                out += [p for p in pending if not p.startswith(MARKER)]
            pending = []
            if skipping:
                continue
        if skipping:
            continue
        out += pending
        pending = []
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out) + "\n"


def merge(local_text: str, fragment: str, note: str = "") -> str:
    """The hall's file with central's fragment in place of its own central sections."""
    head = local_part(local_text)
    marker = f"{MARKER}{(' ' + note) if note else ''}: do not edit below, central sends it ----"
    return f"{head}\n{marker}\n{fragment.strip()}\n"


def central_part(text: str) -> str:
    """Only central's sections of a full hall file (to seed central from an existing hall)."""
    out: list[str] = []
    keeping = False
    for line in text.splitlines():
        m = _HEADER.match(line)
        if m:
            keeping = m.group(1) in CENTRAL_SECTIONS
        if keeping and not line.strip().startswith("#"):
            out.append(line)
    return "\n".join(out).strip() + "\n"
