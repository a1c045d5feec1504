"""The announcer: a queue that never blocks the caller, chime + phrase twice, in order, no
overlap, faults reported once, a hung engine restarted, clean shutdown.

Playback goes through a real subprocess: a small recording player (instead of aplay) that
logs when it starts and ends, so order and overlap are observed, not assumed.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from drivers.voice import phrases
from drivers.voice._worker import HANG_ENV
from drivers.voice.announcer import (
    Announcement,
    AnnouncementKind,
    AnnouncementResult,
    Announcer,
    Outcome,
    VoiceConfig,
    render_call_wav,
)
from drivers.voice.audio import levels, read_pcm
from drivers.voice.chime import chime_pcm
from drivers.voice.engine import Backend, EngineInfo, VoiceInfo

RECORDING_PLAYER = """\
import json, os, sys, time, wave
log, hold_s, fail_flag, wav = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
with wave.open(wav, "rb") as w:
    seconds = w.getnframes() / w.getframerate()
def note(event):
    with open(log, "a") as f:
        f.write(json.dumps({"event": event, "wav": wav, "t": time.monotonic(), "seconds": seconds}) + "\\n")
note("start")
if os.path.exists(fail_flag):
    sys.stderr.write("player: no such device\\n")
    sys.exit(1)
time.sleep(hold_s)
note("end")
"""


@dataclass
class Events:
    """Callbacks as they arrive (from the announcer thread)."""

    started: list[Announcement] = field(default_factory=list)
    finished: list[tuple[Announcement, AnnouncementResult]] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    recovered: int = 0
    order: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on_started(self, announcement: Announcement) -> None:
        with self.lock:
            self.started.append(announcement)
            self.order.append(f"started #{announcement.seq}")

    def on_finished(self, announcement: Announcement, result: AnnouncementResult) -> None:
        with self.lock:
            self.finished.append((announcement, result))
            self.order.append(f"finished #{announcement.seq}")

    def on_fault(self, message: str) -> None:
        with self.lock:
            self.faults.append(message)
            self.order.append("fault")

    def on_recovered(self) -> None:
        with self.lock:
            self.recovered += 1
            self.order.append("recovered")

    def outcomes(self) -> list[Outcome]:
        return [result.outcome for _, result in self.finished]


@dataclass
class Player:
    """The recording player: its command, its log, and a flag file that makes it fail."""

    command: tuple[str, ...]
    log: Path
    fail_flag: Path

    def runs(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def intervals(self) -> list[tuple[float, float, str]]:
        """(start, end, wav) of every completed run, in start order."""
        runs = self.runs()
        out = []
        open_runs: dict[str, list[float]] = {}
        for run in runs:
            if run["event"] == "start":
                open_runs.setdefault(run["wav"], []).append(run["t"])
            else:
                out.append((open_runs[run["wav"]].pop(0), run["t"], run["wav"]))
        assert not any(open_runs.values()), "a player run did not end"
        return sorted(out)


def make_player(tmp_path: Path, hold_s: float = 0.05) -> Player:
    script = tmp_path / "recording_player.py"
    script.write_text(RECORDING_PLAYER)
    log = tmp_path / "player.log"
    flag = tmp_path / "player.fail"
    command = (sys.executable, "-S", str(script), str(log), str(hold_s), str(flag))
    return Player(command, log, flag)


@pytest.fixture
def player(tmp_path: Path) -> Player:
    return make_player(tmp_path)


AnnouncerFactory = Callable[..., tuple[Announcer, Events]]


@pytest.fixture
def make_announcer(tmp_path: Path, player: Player) -> Iterator[AnnouncerFactory]:
    made: list[Announcer] = []

    def factory(**overrides: Any) -> tuple[Announcer, Events]:
        engine = overrides.pop("engine", None)
        settings: dict[str, Any] = {"cache_dir": tmp_path / "cache", "player": player.command}
        settings.update(overrides)
        events = Events()
        announcer = Announcer(
            VoiceConfig(**settings),
            engine=engine,
            on_started=events.on_started,
            on_finished=events.on_finished,
            on_fault=events.on_fault,
            on_recovered=events.on_recovered,
        )
        made.append(announcer)
        return announcer, events

    yield factory
    for announcer in made:
        announcer.stop(timeout_s=10)


def wav_seconds(path: Path) -> float:
    return read_pcm(path).seconds


# --- tests -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_given_three_calls_then_each_is_chime_and_phrase_twice_in_order_without_overlap(
    make_announcer: AnnouncerFactory, player: Player
) -> None:
    announcer, events = make_announcer()
    announcer.start()
    calls = [("A001", 1), ("A002", 2), ("B010", 12)]
    queued = [announcer.announce_call(number, counter) for number, counter in calls]
    assert announcer.wait_idle(30)

    assert [a.seq for a in events.started] == [a.seq for a in queued if a]
    assert [a.seq for a, _ in events.finished] == [a.seq for a in queued if a]
    assert events.outcomes() == [Outcome.PLAYED] * 3
    assert events.faults == []

    intervals = player.intervals()
    assert len(intervals) == 6  # chime + body for each call
    for (_, end, _), (start, _, _) in itertools.pairwise(intervals):
        assert start >= end, "two sounds overlapped"
    chimes = intervals[0::2]
    bodies = intervals[1::2]
    assert all(Path(wav).name == "ding-dong.wav" for _, _, wav in chimes)
    assert len({wav for _, _, wav in bodies}) == 3  # one body per call, distinct phrases

    for _, _, wav in bodies:
        body_s = wav_seconds(Path(wav))
        # the phrase (about 4 s at 160 wpm) twice with a 0.6 s gap
        assert 2 * 1.5 + 0.6 < body_s < 2 * 6 + 0.6, body_s
    first_body = read_pcm(Path(bodies[0][2]))
    assert levels(first_body).rms > 0.03


@pytest.mark.slow
def test_announce_call_returns_at_once_and_a_hung_engine_is_restarted(
    make_announcer: AnnouncerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    hang_text = phrases.call_phrase("A999", 3)
    monkeypatch.setenv(HANG_ENV, hang_text)  # the worker reproduces pyttsx3's runAndWait hang
    announcer, events = make_announcer(render_timeout_s=1.0)
    announcer.start()
    assert announcer.wait_idle(10)  # the worker is up (started on the announcer thread)

    began = time.monotonic()
    hung = announcer.announce_call("A999", 3)
    after = announcer.announce_call("A001", 4)
    assert time.monotonic() - began < 0.05  # the caller never waits for the voice
    assert hung is not None and after is not None

    assert announcer.wait_idle(20)
    assert events.outcomes() == [Outcome.RENDER_FAILED, Outcome.PLAYED]
    assert len(events.faults) == 1 and "1.0 s" in events.faults[0]
    assert events.recovered == 1
    assert announcer.faults == {}
    engine = announcer._engine
    assert getattr(engine, "starts", None) == 2  # killed and started again


def test_given_no_sound_card_then_the_fault_is_reported_once_and_the_queue_drains(
    make_announcer: AnnouncerFactory,
) -> None:
    # A device name no machine has: fails like a box without a sound card, also on one with.
    announcer, events = make_announcer(player=("aplay", "-q", "-D", "hall_kiosk_no_such_pcm"))
    announcer.start()
    began = time.monotonic()
    for counter in (1, 2, 3):
        announcer.announce_call(f"C00{counter}", counter)
    assert announcer.wait_idle(15)
    assert time.monotonic() - began < 10
    assert events.outcomes() == [Outcome.PLAYBACK_FAILED] * 3
    assert len(events.faults) == 1
    assert "aplay" in events.faults[0]
    assert events.recovered == 0
    assert set(announcer.faults) == {"playback"}


def test_when_playback_works_again_then_recovery_is_reported_once(
    make_announcer: AnnouncerFactory, player: Player
) -> None:
    announcer, events = make_announcer()
    announcer.start()
    player.fail_flag.touch()
    announcer.announce_call("A001", 1)
    announcer.announce_call("A002", 1)
    assert announcer.wait_idle(15)
    player.fail_flag.unlink()
    announcer.announce_call("A003", 1)
    announcer.announce_call("A004", 1)
    assert announcer.wait_idle(15)
    assert events.outcomes() == [Outcome.PLAYBACK_FAILED] * 2 + [Outcome.PLAYED] * 2
    assert events.order.count("fault") == 1 and events.recovered == 1
    assert "no such device" in events.faults[0]


@pytest.mark.slow
def test_an_announcement_renders_to_a_single_wav_chime_then_phrase_twice(
    make_announcer: AnnouncerFactory, tmp_path: Path
) -> None:
    announcer, _ = make_announcer()
    announcement = announcer.make_call("A012", 3)
    assert announcement.parts[0].text == "请A零一二号到三号窗口办理"
    out = announcer.render_to_wav(announcement, tmp_path / "A012.wav")
    whole = read_pcm(out)
    chime = chime_pcm()
    assert whole.frames.startswith(chime.frames)
    body_s = whole.seconds - chime.seconds - 0.2
    assert 2 * 1.5 + 0.6 < body_s < 2 * 6 + 0.6, body_s
    spoken = levels(type(whole)(whole.frames[len(chime.frames) :]))
    assert spoken.rms > 0.03 and spoken.peak > 0.3

    # a repeat costs nothing: the body comes from the cache
    hits = announcer.cache.hits
    began = time.monotonic()
    announcer.render_to_wav(announcer.make_call("A012", 3), tmp_path / "again.wav")
    assert announcer.cache.hits > hits
    assert time.monotonic() - began < 0.5
    assert read_pcm(tmp_path / "again.wav") == whole


def test_render_call_wav_needs_no_running_announcer(tmp_path: Path) -> None:
    out = render_call_wav(tmp_path / "doctor.wav", config=VoiceConfig(cache_dir=tmp_path / "c"))
    assert read_pcm(out).seconds > 5.0


def test_stop_finishes_the_current_announcement_cancels_the_rest_and_leaks_nothing(
    make_announcer: AnnouncerFactory, tmp_path: Path
) -> None:
    (tmp_path / "slow").mkdir()
    slow = make_player(tmp_path / "slow", hold_s=0.3)
    announcer, events = make_announcer(player=slow.command)
    announcer.start()
    for counter in (1, 2, 3):
        announcer.announce_call(f"D00{counter}", counter)
    deadline = time.monotonic() + 10
    while not events.started and time.monotonic() < deadline:
        time.sleep(0.01)
    worker_pid = getattr(announcer._engine, "pid", None)
    assert worker_pid is not None
    announcer.stop()

    assert events.outcomes() == [Outcome.PLAYED, Outcome.CANCELLED, Outcome.CANCELLED]
    assert len(slow.intervals()) == 2  # chime and body of the first, both to their end
    assert not any(t.name == "voice-announcer" for t in threading.enumerate())
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid, 0)
    assert announcer.announce_call("D004", 4) is None  # stopped: nothing more is queued


def test_stop_with_drain_plays_everything_queued_first(
    make_announcer: AnnouncerFactory, player: Player
) -> None:
    announcer, events = make_announcer()
    announcer.start()
    announcer.announce_call("H001", 1)
    announcer.announce_call("H002", 2)
    announcer.stop(drain=True)
    assert events.outcomes() == [Outcome.PLAYED, Outcome.PLAYED]
    assert len(player.intervals()) == 4


def test_evaluation_and_guidance_are_said_once_without_chime(
    make_announcer: AnnouncerFactory, player: Player
) -> None:
    announcer, events = make_announcer()
    announcer.start()
    evaluation = announcer.announce_evaluation()
    guidance = announcer.announce_text(phrases.guidance_phrase("take_ticket"))
    assert announcer.wait_idle(15)
    assert evaluation is not None and evaluation.kind is AnnouncementKind.EVALUATION
    assert evaluation.parts[0].text == "请对本次服务进行评价"
    assert guidance is not None and guidance.kind is AnnouncementKind.GUIDANCE
    assert events.outcomes() == [Outcome.PLAYED, Outcome.PLAYED]
    runs = player.intervals()
    assert len(runs) == 2 and not any("ding-dong" in wav for _, _, wav in runs)
    assert len(events.started) == 2  # "started" is the spoken part when there is no chime


def test_english_after_chinese_when_enabled(make_announcer: AnnouncerFactory) -> None:
    announcer, _ = make_announcer(english=True)
    call = announcer.make_call("A012", 3)
    assert [(p.lang, p.text) for p in call.parts] == [
        ("zh", "请A零一二号到三号窗口办理"),
        ("en", "Number A0 1 2, please go to window 3."),
    ]
    zh_only, _ = make_announcer(cache_dir=announcer.config.cache_dir)
    both_s = wav_seconds(announcer.render_body(call))
    zh_s = wav_seconds(zh_only.render_body(zh_only.make_call("A012", 3)))
    assert both_s > zh_s + 2 * 2.0  # two English sentences of a few seconds each


class EnglishOnlyEngine:
    """A real (tiny) engine whose espeak-ng has no Mandarin voice, as on a trimmed install."""

    backend: Backend = "espeak-ng"

    def start(self) -> EngineInfo:
        return EngineInfo(
            "espeak-ng", "espeak-ng 0 (test)", (VoiceInfo("gmw/en", "English", ("en-gb",)),)
        )

    def render(self, text: str, voice_id: str, out: Path, *, rate: int, volume: float) -> None:
        raise AssertionError("must not render without a Mandarin voice")

    def close(self) -> None:
        pass


def test_given_no_mandarin_voice_then_one_clear_fault_and_calls_still_drain(
    make_announcer: AnnouncerFactory,
) -> None:
    announcer, events = make_announcer(engine=EnglishOnlyEngine())
    announcer.start()
    announcer.announce_call("A001", 1)
    announcer.announce_call("A002", 2)
    assert announcer.wait_idle(10)
    assert events.outcomes() == [Outcome.RENDER_FAILED] * 2
    assert len(events.faults) == 1
    assert "Mandarin" in events.faults[0] and "espeak-ng" in events.faults[0]


def test_disabled_voice_queues_nothing_and_starts_nothing(make_announcer: AnnouncerFactory) -> None:
    announcer, events = make_announcer(enabled=False)
    announcer.start()
    assert announcer.announce_call("A001", 1) is None
    assert not any(t.name == "voice-announcer" for t in threading.enumerate())
    announcer.stop()
    assert events.finished == []


def test_a_full_queue_drops_the_oldest_call_and_stop_cancels_the_rest(
    make_announcer: AnnouncerFactory,
) -> None:
    announcer, events = make_announcer(max_pending=2)
    for counter in (1, 2, 3):
        announcer.announce_call(f"E00{counter}", counter)
    assert announcer.dropped == 1 and announcer.pending == 2
    announcer.stop()
    assert [(a.number, r.outcome, r.error) for a, r in events.finished] == [
        ("E001", Outcome.CANCELLED, "queue full"),
        ("E002", Outcome.CANCELLED, "stopped"),
        ("E003", Outcome.CANCELLED, "stopped"),
    ]


def test_a_callback_that_raises_does_not_stop_the_voice(make_announcer: AnnouncerFactory) -> None:
    announcer, events = make_announcer()

    def broken(announcement: Announcement) -> None:
        raise RuntimeError("subscriber bug")

    announcer.on_started = broken
    announcer.start()
    announcer.announce_call("F001", 1)
    announcer.announce_call("F002", 2)
    assert announcer.wait_idle(15)
    assert events.outcomes() == [Outcome.PLAYED, Outcome.PLAYED]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("rate", 10, "voice.rate"),
        ("volume", 0.0, "voice.volume"),
        ("repeat", 0, "voice.repeat"),
        ("player", (), "voice.player"),
        ("voice", "zh", "full espeak-ng voice id"),
        ("backend", "festival", "voice.backend"),
    ],
)
def test_invalid_settings_name_the_key(key: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        VoiceConfig(**{key: value})  # type: ignore[arg-type]


def test_a_broken_chime_file_is_a_configuration_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not a wav")
    announcer = Announcer(VoiceConfig(cache_dir=tmp_path / "c", chime=bad))
    try:
        with pytest.raises(ValueError, match=r"voice\.chime"):
            announcer.start()
    finally:
        announcer.stop()


def test_the_player_command_can_place_the_file_anywhere(
    make_announcer: AnnouncerFactory, tmp_path: Path
) -> None:
    log = tmp_path / "placed.log"
    script = f"import sys; open({str(log)!r}, 'a').write(sys.argv[1] + '\\n')"
    announcer, events = make_announcer(player=(sys.executable, "-S", "-c", script, "{wav}", "--"))
    announcer.start()
    announcer.announce_call("G001", 1)
    assert announcer.wait_idle(15)
    assert events.outcomes() == [Outcome.PLAYED]
    assert [Path(p).suffix for p in log.read_text().split()] == [".wav", ".wav"]


def test_aplay_is_how_the_hall_plays_sound() -> None:
    assert VoiceConfig().player[0] == "aplay"
    assert subprocess.run(["aplay", "--version"], capture_output=True, check=False).returncode == 0


def test_the_technicians_voice_check_renders_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from drivers.voice.__main__ import main

    assert main(["--out", str(tmp_path / "check.wav"), "B007", "12"]) == 0
    printed = capsys.readouterr().out
    assert "sit/cmn-latn-pinyin" in printed and "请B零零七号到十二号窗口办理" in printed
    assert read_pcm(tmp_path / "check.wav").seconds > 5.0
    assert main(["--voice", "sit/nope", "--out", str(tmp_path / "x.wav")]) == 1
    assert "full id such as sit/cmn-latn-pinyin" in capsys.readouterr().err
