"""Speech engines: text → WAV file, never played here, never on the caller's thread.

:class:`Pyttsx3Engine` is the product's path: one pyttsx3 engine in one child process
(:mod:`drivers.voice._worker`), one request at a time, each request timed out; a hung or dead
worker is killed and the next request starts a fresh one. :class:`EspeakCliEngine` runs
``espeak-ng -w`` per phrase: the documented fallback, and the reference the tests compare
pyttsx3's output with (both drive libespeak-ng with the same voice, rate and volume, so the
PCM is identical).

Voices are chosen at run time from what the engine lists (:func:`choose_voice`), because
the ids differ between espeak-ng releases and the wrong one fails silently:

- espeak-ng 1.51 (Debian 12) has ``sit/cmn`` ("latin as English") and ``sit/cmn-Latn-pinyin``.
  ``sit/cmn`` turns each character into pinyin and then reads the pinyin as English
  (请 → "qing3" → "king three"): unusable. ``sit/cmn-Latn-pinyin`` reads Mandarin.
- pyttsx3 reports the ids lower-cased (``sit/cmn-latn-pinyin``); espeak-ng accepts either.
- A short id does not select a voice: ``zh``, ``zh-cmn`` or ``mandarin`` fail inside pyttsx3's
  queue, which only emits an ``error`` event nobody listens to by default, and the voice
  silently stays English; ``cmn`` silently selects the unusable ``sit/cmn``. The worker
  therefore checks the voice in effect after every render and fails loudly.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import selectors
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from drivers.errors import DeviceError, DeviceTimeout, DeviceUnavailable

log = logging.getLogger("drivers.voice")

DEVICE = "voice"
PACKAGE_ROOT = Path(__file__).resolve().parents[2]

Backend = Literal["pyttsx3", "espeak-ng"]


class VoiceNotFound(DeviceUnavailable):
    """No voice for the language, or a configured voice id that the engine does not list."""

    def __init__(self, message: str) -> None:
        super().__init__(DEVICE, message)


class SynthesisFailed(DeviceError):
    """The engine answered but produced no usable audio (wrong voice, error, empty file)."""

    def __init__(self, message: str) -> None:
        super().__init__(DEVICE, message)


class SynthesisTimeout(DeviceTimeout):
    """The engine did not answer in time; its process has been killed."""

    def __init__(self, message: str) -> None:
        super().__init__(DEVICE, message)


@dataclass(frozen=True)
class VoiceInfo:
    """A voice as the engine lists it. ``id`` is what must be passed back, in full."""

    id: str
    name: str = ""
    languages: tuple[str, ...] = ()

    @property
    def language(self) -> str:
        return self.languages[0].lower() if self.languages else ""


@dataclass(frozen=True)
class EngineInfo:
    backend: Backend
    version: str
    voices: tuple[VoiceInfo, ...]


class SpeechEngine(Protocol):
    """Renders text to a 16-bit mono WAV. Implementations are safe to call from any thread."""

    backend: Backend

    def start(self) -> EngineInfo: ...

    def render(self, text: str, voice_id: str, out: Path, *, rate: int, volume: float) -> None: ...

    def close(self) -> None: ...


# --- voice choice (pure) -------------------------------------------------------------------

_MANDARIN_LANGUAGES = ("cmn", "zh-cmn", "zh")
_PINYIN_MARK = "cmn-latn-pinyin"


def _is_mbrola(voice: VoiceInfo) -> bool:
    # mbrola voices need the separate mbrola binary and databases; never pick one implicitly.
    return voice.id.lower().startswith("mb/") or voice.id.lower().startswith("mb-")


def is_mandarin(voice: VoiceInfo) -> bool:
    lang = voice.language
    leaf = voice.id.lower().rsplit("/", 1)[-1]
    return lang.startswith("cmn") or lang in _MANDARIN_LANGUAGES or leaf.startswith("cmn")


def _mandarin_rank(voice: VoiceInfo) -> int | None:
    if _is_mbrola(voice) or not is_mandarin(voice):
        return None
    if voice.language == _PINYIN_MARK or voice.id.lower().endswith(_PINYIN_MARK):
        return 0
    return 1  # sit/cmn or an old sit/zh: usable only where espeak-ng reads it right


def _english_rank(voice: VoiceInfo) -> int | None:
    if _is_mbrola(voice):
        return None
    lang = voice.language
    if lang == "en-us":
        return 0
    if lang in ("en", "en-gb"):
        return 1
    if lang.startswith("en"):
        return 2
    return None


def choose_voice(
    voices: Sequence[VoiceInfo], lang: Literal["zh", "en"], override: str | None = None
) -> VoiceInfo:
    """Pick the voice for ``lang`` among what the engine lists, or fail with what to do.

    An ``override`` must be a full id as listed (case does not matter); a short one is
    refused here rather than silently reading Chinese with the English voice.
    """
    rank = _mandarin_rank if lang == "zh" else _english_rank
    scored = sorted(
        (score, index, voice)
        for index, voice in enumerate(voices)
        if (score := rank(voice)) is not None
    )
    ranked = [voice for _, _, voice in scored]
    if override:
        for voice in voices:
            if voice.id.lower() == override.strip().lower():
                return voice
        raise VoiceNotFound(
            f"voice {override!r} is not a voice id this engine lists; give a full id"
            + (f" such as {', '.join(v.id for v in ranked)}" if ranked else "")
        )
    if not ranked:
        what = "Mandarin (cmn)" if lang == "zh" else "English"
        raise VoiceNotFound(
            f"no {what} voice among the {len(voices)} voices espeak-ng lists; install the "
            "Debian package espeak-ng (its data has sit/cmn-Latn-pinyin) or set voice.voice "
            "to a full voice id"
        )
    return ranked[0]


def voice_warning(voice: VoiceInfo) -> str | None:
    """A warning for a Mandarin voice known to misread on some espeak-ng releases."""
    if is_mandarin(voice) and _mandarin_rank(voice) == 1:
        return (
            f"Mandarin voice {voice.id!r} is not the pinyin one: on espeak-ng 1.51 it reads "
            "characters as pinyin with tone digits in English; prefer sit/cmn-Latn-pinyin"
        )
    return None


# --- pyttsx3 in a child process --------------------------------------------------------------


class _WorkerGone(Exception):
    """The worker closed its pipe or died."""


class _WorkerSilent(Exception):
    """The worker did not answer before the deadline."""


class _Worker:
    """One child process and its JSON-lines pipes."""

    def __init__(self, command: Sequence[str], env: dict[str, str]) -> None:
        self.proc: subprocess.Popen[bytes] = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,  # the worker's own tracebacks go to the daemon's journal
            env=env,
            cwd=str(PACKAGE_ROOT),
            close_fds=True,
        )
        self._buffer = bytearray()
        assert self.proc.stdout is not None
        self._stdout_fd = self.proc.stdout.fileno()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._stdout_fd, selectors.EVENT_READ)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write((json.dumps(message, ensure_ascii=False) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError) as exc:
            raise _WorkerGone(str(exc)) from exc

    def receive(self, timeout_s: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                line = bytes(self._buffer[:newline])
                del self._buffer[: newline + 1]
                try:
                    message = json.loads(line)
                except ValueError:
                    log.warning("voice worker sent a malformed line: %r", line[:200])
                    continue
                if isinstance(message, dict):
                    return message
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _WorkerSilent()
            if not self._selector.select(remaining):
                continue
            chunk = os.read(self._stdout_fd, 65536)
            if not chunk:
                raise _WorkerGone(f"worker exited (status {self.proc.poll()})")
            self._buffer += chunk

    def stop(self, grace_s: float) -> None:
        """Ask politely, then kill; always reap and close the pipes."""
        if self.proc.poll() is None and grace_s > 0:
            with contextlib.suppress(_WorkerGone):
                self.send({"op": "quit"})
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=grace_s)
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._selector.close()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


class Pyttsx3Engine:
    """pyttsx3 (espeak driver) in a killable child process, restarted when it hangs or dies.

    Attributes: ``starts`` counts worker processes started, ``pid`` is the live one's.
    """

    backend: Backend = "pyttsx3"

    def __init__(
        self,
        *,
        render_timeout_s: float = 5.0,
        start_timeout_s: float = 10.0,
        python: str = sys.executable,
        env: dict[str, str] | None = None,
    ) -> None:
        self.render_timeout_s = render_timeout_s
        self.start_timeout_s = start_timeout_s
        self._command = (python, "-m", "drivers.voice._worker")
        self._env = env
        self._lock = threading.Lock()
        self._worker: _Worker | None = None
        self._info: EngineInfo | None = None
        self._next_id = 0
        self._closed = False
        self.starts = 0

    @property
    def pid(self) -> int | None:
        worker = self._worker
        return worker.pid if worker is not None else None

    def start(self) -> EngineInfo:
        with self._lock:
            self._closed = False
            self._ensure_worker()
            assert self._info is not None
            return self._info

    def render(self, text: str, voice_id: str, out: Path, *, rate: int, volume: float) -> None:
        if not text.strip():
            raise ValueError("nothing to render: empty text")
        with self._lock:
            if self._closed:
                raise DeviceUnavailable(DEVICE, "the speech engine is closed")
            for attempt in (1, 2):
                worker = self._ensure_worker()
                self._next_id += 1
                request = {
                    "op": "render",
                    "id": self._next_id,
                    "text": text,
                    "voice": voice_id,
                    "rate": int(rate),
                    "volume": float(volume),
                    "path": str(out),
                }
                started = time.monotonic()
                try:
                    worker.send(request)
                    reply = self._await_reply(worker, self._next_id)
                except _WorkerSilent:
                    self._discard_worker("hung")
                    raise SynthesisTimeout(
                        f"pyttsx3 did not render within {self.render_timeout_s:.1f} s; "
                        "the worker was killed and will be restarted"
                    ) from None
                except _WorkerGone as exc:
                    self._discard_worker("died")
                    if attempt == 1:
                        log.warning("voice worker died (%s); retrying on a new one", exc)
                        continue
                    raise SynthesisFailed(f"the pyttsx3 worker died twice: {exc}") from exc
                if not reply.get("ok"):
                    raise SynthesisFailed(str(reply.get("error") or "unknown error"))
                log.debug(
                    "rendered %d chars in %.0f ms", len(text), 1000 * (time.monotonic() - started)
                )
                return

    def _await_reply(self, worker: _Worker, request_id: int) -> dict[str, Any]:
        deadline = time.monotonic() + self.render_timeout_s
        while True:
            reply = worker.receive(max(0.0, deadline - time.monotonic()))
            if reply.get("id") == request_id:
                return reply

    def _ensure_worker(self) -> _Worker:
        if self._worker is not None and self._worker.proc.poll() is None:
            return self._worker
        if self._worker is not None:
            self._discard_worker("exited")
        env = dict(os.environ if self._env is None else self._env)
        # The worker runs `-m drivers.voice._worker`: make this tree importable even when the
        # package is not installed (a source checkout on a kiosk box).
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(PACKAGE_ROOT), env.get("PYTHONPATH", "")) if p
        )
        try:
            worker = _Worker(self._command, env)
        except OSError as exc:
            raise DeviceUnavailable(DEVICE, f"cannot start the pyttsx3 worker: {exc}") from exc
        self.starts += 1
        try:
            hello = worker.receive(self.start_timeout_s)
        except (_WorkerSilent, _WorkerGone) as exc:
            worker.stop(grace_s=0)
            raise DeviceUnavailable(
                DEVICE,
                f"the pyttsx3 worker did not start within {self.start_timeout_s:.0f} s ({exc})",
            ) from None
        if hello.get("op") != "ready":
            worker.stop(grace_s=0)
            raise DeviceUnavailable(
                DEVICE,
                f"pyttsx3 cannot drive espeak-ng: {hello.get('error')}; install the Debian "
                "package espeak-ng (libespeak-ng1) and pyttsx3",
            )
        voices = tuple(
            VoiceInfo(str(v["id"]), str(v.get("name", "")), tuple(v.get("languages") or ()))
            for v in hello.get("voices", [])
        )
        self._info = EngineInfo(
            "pyttsx3", f"pyttsx3 {hello.get('pyttsx3')}, espeak-ng {hello.get('espeak_ng')}", voices
        )
        if self.starts > 1:
            log.info("voice worker restarted (pid %d, start #%d)", worker.pid, self.starts)
        else:
            log.info("voice worker started (pid %d): %s", worker.pid, self._info.version)
        self._worker = worker
        return worker

    def _discard_worker(self, why: str) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            log.warning("voice worker pid %d %s; killing it", worker.pid, why)
            worker.stop(grace_s=0)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            worker, self._worker = self._worker, None
            if worker is not None:
                worker.stop(grace_s=2.0)


# --- espeak-ng command line (fallback and reference) -----------------------------------------


def parse_espeak_voices(listing: str) -> list[VoiceInfo]:
    """Parse ``espeak-ng --voices``: Pty, Language, Age/Gender, VoiceName, File, Other langs."""
    voices = []
    for line in listing.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 5:
            continue
        _, language, _, name, file_id = fields[:5]
        voices.append(VoiceInfo(file_id.lower(), name.replace("_", " "), (language,)))
    return voices


class EspeakCliEngine:
    """``espeak-ng -w out.wav`` per phrase: each call is its own killable process."""

    backend: Backend = "espeak-ng"

    def __init__(self, *, executable: str = "espeak-ng", render_timeout_s: float = 5.0) -> None:
        self.executable = executable
        self.render_timeout_s = render_timeout_s
        self._info: EngineInfo | None = None

    def _run(self, args: Iterable[str], text: str | None = None) -> str:
        path = shutil.which(self.executable)
        if path is None:
            raise DeviceUnavailable(
                DEVICE, f"{self.executable} is not installed (Debian package espeak-ng)"
            )
        try:
            done = subprocess.run(
                [path, *args],
                input=None if text is None else text.encode("utf-8"),
                capture_output=True,
                timeout=self.render_timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise SynthesisTimeout(
                f"{self.executable} did not finish in {self.render_timeout_s:.1f} s"
            ) from None
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise SynthesisFailed(
                f"{self.executable} failed: {message[-1] if message else done.returncode}"
            )
        return done.stdout.decode("utf-8", "replace")

    def start(self) -> EngineInfo:
        if self._info is None:
            found = re.search(r"text-to-speech:\s*(\S+)", self._run(["--version"]))
            version = found.group(1) if found else "unknown"
            voices = tuple(parse_espeak_voices(self._run(["--voices"])))
            self._info = EngineInfo("espeak-ng", f"espeak-ng {version} (command line)", voices)
        return self._info

    def render(self, text: str, voice_id: str, out: Path, *, rate: int, volume: float) -> None:
        if not text.strip():
            raise ValueError("nothing to render: empty text")
        self._run(
            ["-v", voice_id, "-s", str(int(rate)), "-a", str(round(volume * 100)), "-w", str(out)],
            text=text,  # on stdin: a text starting with "-" is never taken for an option
        )
        if not out.exists() or out.stat().st_size <= 44:
            raise SynthesisFailed(f"{self.executable} wrote no audio")

    def close(self) -> None:
        pass


def make_engine(
    backend: Backend, *, render_timeout_s: float, start_timeout_s: float
) -> SpeechEngine:
    if backend == "pyttsx3":
        return Pyttsx3Engine(render_timeout_s=render_timeout_s, start_timeout_s=start_timeout_s)
    if backend == "espeak-ng":
        return EspeakCliEngine(render_timeout_s=render_timeout_s)
    raise ValueError(f"unknown voice backend {backend!r} (pyttsx3, espeak-ng)")
