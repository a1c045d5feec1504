"""The hall's voice: a queue of announcements, each a chime and a phrase said twice.

:meth:`Announcer.announce_call` only appends to a queue and returns: a voice problem never
delays a call on the screens. One thread plays the queue in order, one announcement at a time,
each to its end, so calls never overlap and are never cut off. For each announcement it

1. launches the player on the chime (``on_started`` fires here: the hall hears something
   within milliseconds of the key press, whatever the cache holds);
2. renders the phrase meanwhile (cached WAV, or the pyttsx3 worker: tens of milliseconds), and
   builds the body: the phrase ``repeat`` times with a gap (English after Chinese if enabled);
3. waits for the chime to end, then plays the body and waits for it.

Every player run is bounded by the WAV's length plus a margin, every render by the engine's
timeout (a hung pyttsx3 worker is killed and restarted), so the queue always drains. Faults
(no sound card, no Mandarin voice, a hung engine) are reported once through ``on_fault`` and
cleared through ``on_recovered`` when an announcement plays again.

Callbacks run on the announcer thread; they must be quick and must not block (post to the
owner's loop). Exceptions in them are logged and swallowed.
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import logging
import os
import subprocess
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from drivers.errors import DeviceError
from drivers.voice import phrases
from drivers.voice.audio import (
    Pcm,
    WavFormatError,
    join_with_gaps,
    read_pcm,
    silence,
    wav_seconds,
    write_pcm,
)
from drivers.voice.cache import WavCache, cache_key
from drivers.voice.chime import DEFAULT_CHIME, write_chime
from drivers.voice.engine import (
    Backend,
    EngineInfo,
    SpeechEngine,
    VoiceInfo,
    choose_voice,
    make_engine,
    voice_warning,
)

log = logging.getLogger("drivers.voice")

WAV_PLACEHOLDER = "{wav}"
FAULT_SYNTHESIS = "synthesis"
FAULT_PLAYBACK = "playback"
CACHE_FORMAT = 1  # bump when the way bodies are assembled changes


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/hall-kiosk/voice``; the systemd unit points it at /var/cache instead."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hall-kiosk" / "voice"


@dataclass(frozen=True)
class VoiceConfig:
    """Settings of the ``[voice]`` table. Invalid values raise ValueError naming the key."""

    enabled: bool = True
    voice: str | None = None  # full espeak-ng id for Mandarin; None = chosen at run time
    english_voice: str | None = None
    rate: int = 160  # words per minute; espeak-ng's default 175 is quick for elderly customers
    volume: float = 1.0  # 0..1 of espeak-ng's amplitude; the mixer sets the hall level
    repeat: int = 2
    english: bool = False  # English after each Chinese sentence
    cache_dir: Path = field(default_factory=default_cache_dir)
    cache_max_files: int = 500
    player: tuple[str, ...] = ("aplay", "-q")  # "{wav}" marks where the file goes; else last
    chime: Path | None = DEFAULT_CHIME  # None: no chime
    gap_s: float = 0.6  # silence between repetitions
    backend: Backend = "pyttsx3"
    render_timeout_s: float = 5.0
    start_timeout_s: float = 10.0
    playback_margin_s: float = 3.0  # a player may run this much longer than its WAV
    max_pending: int = 50

    def __post_init__(self) -> None:
        self._check_speech()
        self._check_limits()
        self._check_voice_ids()

    def _check_speech(self) -> None:
        """How the announcements sound and are played."""
        if not 80 <= self.rate <= 450:
            raise _bad_setting("rate", f"{self.rate} is outside 80..450 words per minute")
        if not 0.0 < self.volume <= 2.0:
            raise _bad_setting("volume", f"{self.volume} is outside (0, 2]")
        if not 1 <= self.repeat <= 5:
            raise _bad_setting("repeat", f"{self.repeat} is outside 1..5")
        if not self.player:
            raise _bad_setting("player", "the player command is empty")
        if not 0.0 <= self.gap_s <= 5.0:
            raise _bad_setting("gap_s", f"{self.gap_s} is outside 0..5 s")
        if self.backend not in ("pyttsx3", "espeak-ng"):
            raise _bad_setting("backend", f"{self.backend!r} is not pyttsx3 or espeak-ng")

    def _check_limits(self) -> None:
        """Timeouts, the cache and the queue of pending announcements."""
        for key in ("render_timeout_s", "start_timeout_s", "playback_margin_s"):
            if getattr(self, key) <= 0:
                raise _bad_setting(key, "must be positive")
        if self.cache_max_files < 4:
            raise _bad_setting("cache_max_files", "must be at least 4")
        if self.max_pending < 1:
            raise _bad_setting("max_pending", "must be at least 1")

    def _check_voice_ids(self) -> None:
        for key in ("voice", "english_voice"):
            value = getattr(self, key)
            if value is not None and "/" not in value:
                raise _bad_setting(
                    key, f"{value!r} is not a full espeak-ng voice id (e.g. sit/cmn-latn-pinyin)"
                )


def _bad_setting(key: str, why: str) -> ValueError:
    return ValueError(f"voice.{key}: {why}")


class AnnouncementKind(enum.Enum):
    CALL = "call"
    EVALUATION = "evaluation"
    GUIDANCE = "guidance"


@dataclass(frozen=True)
class SpokenPart:
    text: str
    lang: phrases.Lang


@dataclass(frozen=True)
class Announcement:
    """One thing the hall says. ``queued_at`` is ``time.monotonic()`` at the request."""

    seq: int
    kind: AnnouncementKind
    parts: tuple[SpokenPart, ...]
    repeat: int
    chime: bool
    queued_at: float
    number: str | None = None
    counter: int | None = None

    @property
    def text(self) -> str:
        return " ".join(part.text for part in self.parts)


class Outcome(enum.Enum):
    PLAYED = "played"
    PLAYBACK_FAILED = "playback-failed"
    RENDER_FAILED = "render-failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class AnnouncementResult:
    """How an announcement ended; times are ``time.monotonic()``."""

    outcome: Outcome
    started_at: float | None  # first player launched (chime, or the body without chime)
    speech_at: float | None  # player launched on the spoken body
    finished_at: float
    error: str | None = None


@dataclass(frozen=True)
class ResolvedVoices:
    engine: str
    zh: VoiceInfo
    en: VoiceInfo | None


class PlaybackFailed(DeviceError):
    def __init__(self, message: str) -> None:
        super().__init__("voice", message)


StartedCallback = Callable[[Announcement], None]
FinishedCallback = Callable[[Announcement, AnnouncementResult], None]
FaultCallback = Callable[[str], None]
RecoveredCallback = Callable[[], None]


class _Player:
    """One run of the player command on one WAV, bounded in time."""

    def __init__(self, argv: Sequence[str], wav: Path, seconds: float, margin_s: float) -> None:
        self.wav = wav
        self.limit_s = seconds + margin_s
        self.argv = list(argv)
        try:
            self.proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                close_fds=True,
            )
            self.launch_error: str | None = None
        except OSError as exc:
            self.proc = None
            self.launch_error = f"cannot run {self.argv[0]}: {exc.strerror or exc}"

    def wait(self) -> str | None:
        """Wait for the end; None when it played, else what went wrong."""
        if self.proc is None:
            return self.launch_error
        try:
            _, err = self.proc.communicate(timeout=self.limit_s)
        except subprocess.TimeoutExpired:
            self.kill()
            return f"{self.argv[0]} did not finish within {self.limit_s:.1f} s; killed"
        if self.proc.returncode != 0:
            lines = [ln for ln in err.decode("utf-8", "replace").splitlines() if ln.strip()]
            detail = lines[-1].strip() if lines else "no message"
            hint = ""
            if Path(self.argv[0]).name == "aplay":
                hint = " (no sound card or wrong ALSA device? see `aplay -l` and voice.player)"
            return f"{self.argv[0]} exited with status {self.proc.returncode}: {detail}{hint}"
        return None

    def kill(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()

    def signal_kill(self) -> None:
        """Kill from another thread; the thread in :meth:`wait` reaps the process."""
        proc = self.proc
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()


class Announcer:
    """Queue and play announcements; see the module docstring.

    Callbacks (all optional, run on the announcer thread):
        on_started(announcement): the player was launched on its first sound.
        on_finished(announcement, result): exactly once per queued announcement.
        on_fault(message): the voice went from healthy to faulty.
        on_recovered(): an announcement played again after a fault.
    """

    def __init__(
        self,
        config: VoiceConfig | None = None,
        *,
        engine: SpeechEngine | None = None,
        on_started: StartedCallback | None = None,
        on_finished: FinishedCallback | None = None,
        on_fault: FaultCallback | None = None,
        on_recovered: RecoveredCallback | None = None,
    ) -> None:
        self.config = config or VoiceConfig()
        self._engine = engine or make_engine(
            self.config.backend,
            render_timeout_s=self.config.render_timeout_s,
            start_timeout_s=self.config.start_timeout_s,
        )
        self.on_started = on_started
        self.on_finished = on_finished
        self.on_fault = on_fault
        self.on_recovered = on_recovered
        self.cache = WavCache(self.config.cache_dir, max_files=self.config.cache_max_files)
        self._cond = threading.Condition()
        self._pending: deque[Announcement] = deque()
        self._dropped: list[Announcement] = []  # to report as cancelled, on the thread
        self._busy = False
        self._stopping = False
        self._drain = False
        self._abort = False  # stop() ran out of time: play nothing more
        self._thread: threading.Thread | None = None
        self._seq = itertools.count(1)
        self._voices: ResolvedVoices | None = None
        self._engine_info: EngineInfo | None = None
        self._ready_lock = threading.Lock()
        self._faults: dict[str, str] = {}
        self._fault_lock = threading.Lock()
        self._player: _Player | None = None
        self._chime_path: Path | None = None
        self._chime_pcm: Pcm | None = None
        self.dropped = 0

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Start the announcer thread; the engine warms up on it, not on the caller's."""
        if not self.config.enabled or self._thread is not None:
            return
        self.cache.open()
        self._load_chime()
        with self._cond:
            self._stopping = False
            self._abort = False
        self._thread = threading.Thread(target=self._run, name="voice-announcer", daemon=True)
        self._thread.start()

    def stop(self, *, drain: bool = False, timeout_s: float = 30.0) -> None:
        """Stop the thread and the engine's process.

        The announcement being played is finished (never cut off) unless that takes longer
        than ``timeout_s``; pending ones are played when ``drain``, otherwise cancelled.
        """
        with self._cond:
            self._stopping = True
            self._drain = drain
            self._cond.notify_all()
        thread = self._thread
        if thread is None:  # never started: nothing plays what was queued
            with self._cond:
                dropped, self._dropped = self._dropped, []
                cancelled = list(self._pending)
                self._pending.clear()
            self._emit_cancelled(dropped, "queue full")
            self._emit_cancelled(cancelled, "stopped")
        else:
            thread.join(timeout_s)
            if thread.is_alive():
                log.warning(
                    "voice: stop timed out after %.1f s; cutting the announcement", timeout_s
                )
                self._abort = True
                player = self._player
                if player is not None:
                    player.signal_kill()  # its wait() on the announcer thread then returns
                self._engine.close()  # waits for a render in progress: its timeout at worst
                thread.join()
            self._thread = None
        self._engine.close()

    def __enter__(self) -> Announcer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- requests (any thread, never block) -------------------------------------------------

    def make_call(self, number: str, counter: int) -> Announcement:
        """The call announcement for a ticket, without queueing it. Raises ValueError on a
        malformed number or counter (a bug upstream, not a voice fault)."""
        parts = [SpokenPart(phrases.call_phrase(number, counter, "zh"), "zh")]
        if self.config.english:
            parts.append(SpokenPart(phrases.call_phrase(number, counter, "en"), "en"))
        return Announcement(
            seq=next(self._seq),
            kind=AnnouncementKind.CALL,
            parts=tuple(parts),
            repeat=self.config.repeat,
            chime=self.config.chime is not None,
            queued_at=time.monotonic(),
            number=phrases.normalize_ticket_number(number),
            counter=counter,
        )

    def announce_call(self, number: str, counter: int) -> Announcement | None:
        """Queue a call: chime, then the call phrase ``repeat`` times. Returns at once."""
        return self._enqueue(self.make_call(number, counter))

    def announce_evaluation(self) -> Announcement | None:
        """Queue the evaluation prompt (请对本次服务进行评价), said once, no chime."""
        parts = [SpokenPart(phrases.evaluation_phrase("zh"), "zh")]
        if self.config.english:
            parts.append(SpokenPart(phrases.evaluation_phrase("en"), "en"))
        return self._enqueue(
            Announcement(
                next(self._seq),
                AnnouncementKind.EVALUATION,
                tuple(parts),
                1,
                False,
                time.monotonic(),
            )
        )

    def announce_text(
        self, text: str, *, lang: phrases.Lang = "zh", chime: bool = False, repeat: int = 1
    ) -> Announcement | None:
        """Queue any guidance text (the kiosk's voice guidance)."""
        part = SpokenPart(phrases.speakable_text(text, lang), lang)
        if not 1 <= repeat <= 5:
            raise ValueError(f"repeat {repeat} is outside 1..5")
        return self._enqueue(
            Announcement(
                next(self._seq),
                AnnouncementKind.GUIDANCE,
                (part,),
                repeat,
                chime and self.config.chime is not None,
                time.monotonic(),
            )
        )

    def _enqueue(self, announcement: Announcement) -> Announcement | None:
        if not self.config.enabled:
            return None
        with self._cond:
            if self._stopping:
                log.debug("voice: stopping, announcement #%d not queued", announcement.seq)
                return None
            if len(self._pending) >= self.config.max_pending:
                stale = self._pending.popleft()
                self._dropped.append(stale)
                self.dropped += 1
                # Once per overflow, not once per call: a stuck player would flood the journal.
                level = (
                    logging.WARNING
                    if self.dropped == 1 or self.dropped % 100 == 0
                    else logging.DEBUG
                )
                log.log(
                    level,
                    "voice: queue full, dropped the oldest announcement #%d (%d dropped so far)",
                    stale.seq,
                    self.dropped,
                )
            self._pending.append(announcement)
            self._cond.notify_all()
        return announcement

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until nothing is queued or playing (tests, bench, ``kiosk doctor``)."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self._pending or self._busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._pending) + (1 if self._busy else 0)

    @property
    def faults(self) -> dict[str, str]:
        with self._fault_lock:
            return dict(self._faults)

    @property
    def voices(self) -> ResolvedVoices | None:
        return self._voices

    # --- rendering ------------------------------------------------------------------------

    def ensure_ready(self) -> ResolvedVoices:
        """Start the engine and choose the voices (once); raises DeviceError with what to do."""
        with self._ready_lock:
            if self._voices is not None:
                return self._voices
            info = self._engine.start()
            zh = choose_voice(info.voices, "zh", self.config.voice)
            warning = voice_warning(zh)
            if warning:
                log.warning("voice: %s", warning)
            en: VoiceInfo | None
            try:
                en = choose_voice(info.voices, "en", self.config.english_voice)
            except DeviceError as exc:
                if self.config.english:
                    raise
                log.info("voice: no English voice (%s)", exc.message)
                en = None
            self._engine_info = info
            self._voices = ResolvedVoices(info.version, zh, en)
            log.info(
                "voice: %s; Mandarin %s, English %s",
                info.version,
                zh.id,
                en.id if en else "none",
            )
            return self._voices

    def _render_part(self, part: SpokenPart) -> Path:
        voices = self.ensure_ready()
        voice = voices.zh if part.lang == "zh" else voices.en
        if voice is None:
            raise DeviceError("voice", "no English voice: English parts cannot be said")
        key = cache_key(
            "phrase", voices.engine, voice.id, self.config.rate, self.config.volume, part.text
        )
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        scratch = self.cache.directory / f".part-{uuid.uuid4().hex}.wav"
        try:
            self._engine.render(
                part.text, voice.id, scratch, rate=self.config.rate, volume=self.config.volume
            )
            return self.cache.adopt(key, scratch)
        finally:
            scratch.unlink(missing_ok=True)

    def render_body(self, announcement: Announcement) -> Path:
        """The spoken part of an announcement as one cached WAV (no chime)."""
        self.cache.open()  # once per cache; for render_to_wav without start()
        part_paths = [self._render_part(part) for part in announcement.parts]
        key = cache_key(
            "body",
            CACHE_FORMAT,
            [p.name for p in part_paths],
            announcement.repeat,
            self.config.gap_s,
        )
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        unit = join_with_gaps([read_pcm(p) for p in part_paths], gap_s=0.4)
        body = join_with_gaps([unit] * announcement.repeat, gap_s=self.config.gap_s)
        scratch = self.cache.directory / f".part-{uuid.uuid4().hex}.wav"
        try:
            write_pcm(scratch, body)
            return self.cache.adopt(key, scratch)
        finally:
            scratch.unlink(missing_ok=True)

    def render_to_wav(self, announcement: Announcement, out: Path) -> Path:
        """Chime + body in a single WAV, as the hall would hear it (tests, ``kiosk doctor``).

        Synchronous; raises DeviceError when the voice cannot be rendered.
        """
        body = read_pcm(self.render_body(announcement))
        pieces = [body]
        if announcement.chime:
            if self._chime_pcm is None:
                self._load_chime()
            if self._chime_pcm is not None:
                if self._chime_pcm.rate != body.rate:
                    raise WavFormatError(
                        f"chime is {self._chime_pcm.rate} Hz, speech {body.rate} Hz; "
                        "regenerate it with python -m drivers.voice.chime"
                    )
                pieces = [self._chime_pcm, silence(0.2, body.rate), body]
        joined = pieces[0] if len(pieces) == 1 else join_with_gaps(pieces, 0.0)
        write_pcm(out, joined)
        return out

    def _load_chime(self) -> None:
        chime = self.config.chime
        if chime is None:
            return
        if not chime.exists() and chime == DEFAULT_CHIME:
            # Installed without the repository's assets: generate the same chime in the cache.
            chime = self.config.cache_dir / "ding-dong.wav"
            if not chime.exists():
                write_chime(chime)
        try:
            self._chime_pcm = read_pcm(chime)
        except (OSError, ValueError) as exc:
            raise ValueError(f"voice.chime: {chime} is not a usable WAV: {exc}") from exc
        self._chime_path = chime

    # --- the announcer thread -------------------------------------------------------------

    def _run(self) -> None:
        try:
            self.ensure_ready()  # warm the worker before the first call
            self._clear_fault(FAULT_SYNTHESIS)
        except DeviceError as exc:
            self._set_fault(FAULT_SYNTHESIS, exc.message)
        except Exception as exc:  # never let the thread die on an unexpected error
            log.exception("voice: engine start failed")
            self._set_fault(FAULT_SYNTHESIS, str(exc))
        while True:
            with self._cond:
                while not self._pending and not self._stopping:
                    self._cond.wait()
                dropped, self._dropped = self._dropped, []
                if self._stopping and (not self._drain or not self._pending):
                    cancelled = list(self._pending)
                    self._pending.clear()
                    self._cond.notify_all()
                    break
                announcement = self._pending.popleft()
                self._busy = True
            self._emit_cancelled(dropped, "queue full")
            try:
                result = self._play(announcement)
            except Exception as exc:
                log.exception("voice: announcement #%d failed unexpectedly", announcement.seq)
                player, self._player = self._player, None
                if player is not None:
                    player.kill()  # reap it: no orphan player, no overlap with the next
                result = AnnouncementResult(
                    Outcome.RENDER_FAILED, None, None, time.monotonic(), str(exc)
                )
            self._emit_finished(announcement, result)
            with self._cond:
                self._busy = False
                self._cond.notify_all()
        self._emit_cancelled(dropped, "queue full")
        self._emit_cancelled(cancelled, "stopped")

    def _emit_cancelled(self, announcements: list[Announcement], why: str) -> None:
        now = time.monotonic()
        for announcement in announcements:
            self._emit_finished(
                announcement, AnnouncementResult(Outcome.CANCELLED, None, None, now, why)
            )

    def _launch(self, wav: Path, seconds: float) -> _Player:
        argv = list(self.config.player)
        if any(WAV_PLACEHOLDER in arg for arg in argv):
            argv = [arg.replace(WAV_PLACEHOLDER, str(wav)) for arg in argv]
        else:
            argv.append(str(wav))
        player = _Player(argv, wav, seconds, self.config.playback_margin_s)
        self._player = player
        return player

    def _play(self, announcement: Announcement) -> AnnouncementResult:
        """The chime plays while the sentence renders; then the sentence."""
        chime_player, started_at = self._start_chime(announcement)
        body, render_error = self._render(announcement)
        if chime_player is not None:
            failed = self._finish_chime(chime_player, render_error, started_at)
            if failed is not None:
                return failed
        if render_error is not None or body is None:
            message = render_error or "no audio"
            self._set_fault(FAULT_SYNTHESIS, message)
            return AnnouncementResult(
                Outcome.RENDER_FAILED, started_at, None, time.monotonic(), message
            )
        self._clear_fault(FAULT_SYNTHESIS)
        if self._abort:
            return AnnouncementResult(
                Outcome.CANCELLED, started_at, None, time.monotonic(), "stopped"
            )
        return self._play_body(announcement, body, started_at)

    def _start_chime(self, announcement: Announcement) -> tuple[_Player | None, float | None]:
        """The chime's player (None: no chime) and when sound started (None: not yet)."""
        path, pcm = self._chime_path, self._chime_pcm
        if not announcement.chime or path is None or pcm is None:
            return None, None
        chime_player = self._launch(path, pcm.seconds)
        if chime_player.proc is None:
            return chime_player, None
        started_at = time.monotonic()
        self._emit_started(announcement)
        return chime_player, started_at

    def _render(self, announcement: Announcement) -> tuple[Path | None, str | None]:
        """The sentence's WAV, or why there is none."""
        try:
            return self.render_body(announcement), None
        except DeviceError as exc:
            return None, exc.message
        except (OSError, ValueError) as exc:
            return None, f"rendering failed: {exc}"

    def _finish_chime(
        self, chime_player: _Player, render_error: str | None, started_at: float | None
    ) -> AnnouncementResult | None:
        """Wait for the chime to end; the failed result when it could not play."""
        problem = chime_player.wait()
        self._player = None
        if problem is None:
            return None
        self._set_fault(FAULT_PLAYBACK, f"cannot play sound: {problem}")
        if render_error is not None:
            self._set_fault(FAULT_SYNTHESIS, render_error)
        else:
            self._clear_fault(FAULT_SYNTHESIS)
        return AnnouncementResult(
            Outcome.PLAYBACK_FAILED, started_at, None, time.monotonic(), problem
        )

    def _play_body(
        self, announcement: Announcement, body: Path, started_at: float | None
    ) -> AnnouncementResult:
        try:
            seconds = wav_seconds(body)
        except (OSError, WavFormatError) as exc:
            message = f"rendered WAV unreadable: {exc}"
            self._set_fault(FAULT_SYNTHESIS, message)
            return AnnouncementResult(
                Outcome.RENDER_FAILED, started_at, None, time.monotonic(), message
            )
        body_player = self._launch(body, seconds)
        speech_at = time.monotonic() if body_player.proc is not None else None
        if started_at is None and speech_at is not None:
            started_at = speech_at
            self._emit_started(announcement)
        problem = body_player.wait()
        self._player = None
        if problem is not None:
            self._set_fault(FAULT_PLAYBACK, f"cannot play sound: {problem}")
            return AnnouncementResult(
                Outcome.PLAYBACK_FAILED, started_at, speech_at, time.monotonic(), problem
            )
        self._clear_fault(FAULT_PLAYBACK)
        return AnnouncementResult(Outcome.PLAYED, started_at, speech_at, time.monotonic())

    # --- faults and callbacks -------------------------------------------------------------

    def _set_fault(self, kind: str, message: str) -> None:
        with self._fault_lock:
            new = kind not in self._faults
            self._faults[kind] = message
        if not new:
            log.debug("voice %s fault persists: %s", kind, message)
            return
        log.error("voice %s fault: %s", kind, message)
        self._callback(self.on_fault, f"voice {kind}: {message}")

    def _clear_fault(self, kind: str) -> None:
        with self._fault_lock:
            if kind not in self._faults:
                return
            del self._faults[kind]
            recovered = not self._faults
        log.info("voice %s recovered", kind)
        if recovered:
            self._callback(self.on_recovered)

    def _emit_started(self, announcement: Announcement) -> None:
        self._callback(self.on_started, announcement)

    def _emit_finished(self, announcement: Announcement, result: AnnouncementResult) -> None:
        log.debug(
            "voice: #%d %s %s", announcement.seq, announcement.kind.value, result.outcome.value
        )
        self._callback(self.on_finished, announcement, result)

    @staticmethod
    def _callback(callback: Callable[..., None] | None, *args: object) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:
            log.exception("voice: a callback raised")


def render_call_wav(
    out: Path, number: str = "A012", counter: int = 3, config: VoiceConfig | None = None
) -> Path:
    """Render one call announcement (chime + phrase twice) to ``out``, without a thread.

    For ``kiosk doctor`` and for a technician: play the file with ``aplay`` to test speakers.
    """
    announcer = Announcer(config)
    try:
        return announcer.render_to_wav(announcer.make_call(number, counter), out)
    finally:
        announcer.stop()
