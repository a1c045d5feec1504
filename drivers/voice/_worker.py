"""The child process that owns the one pyttsx3 engine: ``python -m drivers.voice._worker``.

Traps of pyttsx3 2.99's espeak driver handled here: ``runAndWait`` returns before the WAV
exists (synthesis is asynchronous; wait for ``finished-utterance``); properties set before the
first ``runAndWait`` are only queued; only the last ``save_to_file`` before a run is rendered;
a bad voice id is only an ``error`` event; ``print()`` after every saved file.

Why a process: pyttsx3's ``runAndWait`` is not reentrant and can spin forever (on pyttsx3 2.99
with espeak-ng, a ``runAndWait`` with no utterance queued after an earlier one never returns),
and espeak-ng can be initialised only once per process. A process can be killed and started
again; a thread cannot. The parent (:mod:`drivers.voice.engine`) times every request out.

Protocol: JSON lines. stdin carries requests, the original stdout carries replies; file
descriptor 1 is pointed at /dev/null before pyttsx3 is imported because its espeak driver
prints ``Audio saved to …`` after every file.

- on start: ``{"op": "ready", "pyttsx3": "2.99", "espeak_ng": "1.51", "voices": [...]}``
  or ``{"op": "failed", "error": "..."}``
- ``{"op": "render", "id": 1, "text": "…", "voice": "sit/cmn-latn-pinyin", "rate": 150,
  "volume": 1.0, "path": "/…/x.wav"}`` → ``{"id": 1, "ok": true, "voice": "…"}`` or
  ``{"id": 1, "ok": false, "error": "…"}``
- ``{"op": "quit"}`` or end of stdin: exit.

Only the standard library and pyttsx3 are imported here: the worker starts in ~0.1 s.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

# Test hook: a render of exactly this text reproduces pyttsx3's hang (see _hang()).
HANG_ENV = "HALL_KIOSK_VOICE_TEST_HANG_TEXT"
FINISH_TIMEOUT_S = 60.0


def _watch_parent(parent: int) -> None:
    """Exit when the parent dies, even if the main thread is stuck inside pyttsx3."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(3)


class _Renderer:
    def __init__(self) -> None:
        import pyttsx3  # the import loads libespeak-ng; a missing library fails here

        self._engine: Any = pyttsx3.init("espeak")
        self._errors: list[BaseException] = []
        self._engine.connect("error", self._on_error)
        # pyttsx3's espeak driver synthesises in espeak-ng's AUDIO_OUTPUT_RETRIEVAL mode, which
        # is asynchronous: runAndWait() returns once synthesis has *started*, and the WAV is
        # written later, from espeak-ng's thread, just before "finished-utterance".
        self._finished = threading.Event()
        self._completed = False
        self._engine.connect("finished-utterance", self._on_finished)
        self._settings: dict[str, Any] = {}

    def _on_error(self, **event: Any) -> None:
        exc = event.get("exception")
        if isinstance(exc, BaseException):
            self._errors.append(exc)

    def _on_finished(self, **event: Any) -> None:
        self._completed = bool(event.get("completed", True))
        self._finished.set()

    def describe(self) -> dict[str, Any]:
        from importlib.metadata import version

        from pyttsx3.drivers import _espeak

        voices = [
            {
                "id": voice.id,
                "name": voice.name,
                "languages": [str(lang) for lang in (voice.languages or [])],
            }
            for voice in self._engine.getProperty("voices")
        ]
        info = _espeak.Info(None)
        return {
            "op": "ready",
            "pid": os.getpid(),
            "pyttsx3": version("pyttsx3"),
            "espeak_ng": info.decode("utf-8", "replace") if info else "",
            "default_voice": self._engine.getProperty("voice"),
            "voices": voices,
        }

    def _synthesise(self, text: str, path: Path) -> str:
        # The driver's endLoop() calls stop(), which flags a cancel when espeak-ng still
        # reports IsPlaying() just after the previous utterance; the flag then cancels the
        # *next* utterance. Let espeak-ng go idle first, and retry once if it happens anyway.
        from pyttsx3.drivers import _espeak

        idle_by = time.monotonic() + 2.0
        while _espeak.IsPlaying() and time.monotonic() < idle_by:
            time.sleep(0.002)
        path.unlink(missing_ok=True)
        # Exactly one utterance per runAndWait: the espeak driver keeps only the last
        # save_to_file before a run, and a run with none queued never returns.
        self._finished.clear()
        self._engine.save_to_file(text, str(path))
        self._engine.runAndWait()
        if not self._finished.wait(FINISH_TIMEOUT_S):  # the parent kills us well before
            return "timeout"
        return "done" if self._completed else "cancelled"

    def render(self, request: dict[str, Any]) -> dict[str, Any]:
        text = str(request["text"])
        path = Path(request["path"])
        if os.environ.get(HANG_ENV) == text:
            _hang(self._engine)
        self._errors.clear()
        self._apply_settings(request)
        outcome = self._synthesise_retrying(text, path)
        if outcome == "timeout":
            return {"ok": False, "error": "espeak-ng never finished the utterance"}
        if outcome == "cancelled":
            return {"ok": False, "error": "pyttsx3 cancelled the utterance twice"}
        return self._rendered(str(request["voice"]), path)

    def _apply_settings(self, request: dict[str, Any]) -> None:
        # Properties are queued commands in pyttsx3: they apply inside the next runAndWait,
        # so the effective voice can only be checked after it.
        for name in ("voice", "rate", "volume"):
            value = request[name]
            if self._settings.get(name) != value:
                self._engine.setProperty(name, value)
                self._settings[name] = value

    def _synthesise_retrying(self, text: str, path: Path) -> str:
        for attempt in (1, 2):
            outcome = self._synthesise(text, path)
            if outcome != "cancelled":
                break
            log_stderr(f"utterance cancelled by pyttsx3 (attempt {attempt}); retrying")
        return outcome

    def _rendered(self, voice: str, path: Path) -> dict[str, Any]:
        """The answer for an utterance that ran: the voice asked for, no error, audio."""
        actual = str(self._engine.getProperty("voice") or "")
        reported = f" (pyttsx3: {self._errors[0]})" if self._errors else ""
        if actual.lower() != voice.lower():
            self._settings.clear()
            return {
                "ok": False,
                "voice": actual,
                "error": f"voice {voice!r} was not applied, espeak-ng kept {actual!r}{reported}; "
                "give the full voice id, e.g. 'sit/cmn-latn-pinyin'",
            }
        if self._errors:
            self._settings.clear()
            return {"ok": False, "voice": actual, "error": f"render failed{reported}"}
        if not path.exists() or path.stat().st_size <= 44:
            return {"ok": False, "voice": actual, "error": "pyttsx3 wrote no audio"}
        return {"ok": True, "voice": actual}


def _hang(engine: Any) -> None:
    """Reproduce the known hang: ``runAndWait`` with no utterance queued after an earlier run.

    On pyttsx3 2.99 the driver's loop then spins forever. Should a future pyttsx3 return, block
    anyway: the test needs a worker that does not answer.
    """
    engine.runAndWait()
    while True:
        time.sleep(3600)


def log_stderr(message: str) -> None:
    print(f"drivers.voice worker: {message}", file=sys.stderr, flush=True)


def _reply(out: IO[str], message: dict[str, Any]) -> None:
    out.write(json.dumps(message, ensure_ascii=False) + "\n")
    out.flush()


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when the worker stops
    proto_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    try:
        renderer = _Renderer()
        hello = renderer.describe()
    except Exception as exc:  # reported to the parent, which turns it into a device fault
        _reply(proto_out, {"op": "failed", "error": f"{type(exc).__name__}: {exc}"})
        return 2
    _reply(proto_out, hello)
    for line in sys.stdin:
        try:
            request = json.loads(line)
        except ValueError:
            continue
        op = request.get("op")
        if op == "quit":
            break
        if op != "render":
            _reply(proto_out, {"id": request.get("id"), "ok": False, "error": f"unknown op {op!r}"})
            continue
        try:
            result = renderer.render(request)
        except Exception as exc:
            result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        result["id"] = request.get("id")
        _reply(proto_out, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
