"""The speech engine: voice choice, the real pyttsx3 worker on espeak-ng, hangs and restarts."""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import sys
import time
import wave
from array import array
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.errors import DeviceError, DeviceUnavailable
from drivers.voice._worker import HANG_ENV
from drivers.voice.engine import (
    EspeakCliEngine,
    Pyttsx3Engine,
    SynthesisFailed,
    SynthesisTimeout,
    VoiceInfo,
    VoiceNotFound,
    choose_voice,
    parse_espeak_voices,
    voice_warning,
)
from drivers.voice.phrases import call_phrase

CALL_TEXT = "请A零一二号到三号窗口办理"
RATE = 160
PINYIN_VOICE = "sit/cmn-latn-pinyin"

# What pyttsx3 2.99 lists on Debian 12 (espeak-ng 1.51), trimmed.
DEBIAN12_VOICES = [
    VoiceInfo("gmw/en", "English (Great Britain)", ("en-gb",)),
    VoiceInfo("gmw/en-us", "English (America)", ("en-us",)),
    VoiceInfo("mb/mb-us1", "us-mbrola-1", ("en-us",)),
    VoiceInfo("sit/cmn", "Chinese (Mandarin, latin as English)", ("cmn",)),
    VoiceInfo("sit/cmn-latn-pinyin", "Chinese (Mandarin, latin as Pinyin)", ("cmn-latn-pinyin",)),
    VoiceInfo("sit/yue", "Chinese (Cantonese)", ("yue",)),
]


# --- measurements, independent of the code under test ---------------------------------------


def wav_facts(path: Path) -> tuple[float, float, float]:
    """(seconds, rms, peak) of a 16-bit mono WAV, levels as fractions of full scale."""
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        rate = wav.getframerate()
        values = array("h")
        values.frombytes(wav.readframes(wav.getnframes()))
    if sys.byteorder != "little":
        values.byteswap()
    seconds = len(values) / rate
    rms = math.sqrt(sum(v * v for v in values) / max(1, len(values))) / 32767
    peak = max((abs(v) for v in values), default=0) / 32767
    return seconds, rms, peak


def pcm(path: Path) -> bytes:
    with wave.open(str(path), "rb") as wav:
        return wav.readframes(wav.getnframes())


def espeak_cli(voice: str, text: str, out: Path, rate: int = RATE) -> Path:
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(rate), "-a", "100", "-w", str(out)],
        input=text.encode(),
        check=True,
        timeout=20,
    )
    return out


needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")


# --- voice choice (pure) ---------------------------------------------------------------------


def test_given_debian12_voices_then_the_pinyin_mandarin_voice_is_chosen() -> None:
    chosen = choose_voice(DEBIAN12_VOICES, "zh")
    assert chosen.id == PINYIN_VOICE
    assert voice_warning(chosen) is None


def test_given_only_the_latin_as_english_voice_then_it_is_used_with_a_warning() -> None:
    voices = [v for v in DEBIAN12_VOICES if v.id != PINYIN_VOICE]
    chosen = choose_voice(voices, "zh")
    assert chosen.id == "sit/cmn"
    warning = voice_warning(chosen)
    assert warning is not None and "cmn-Latn-pinyin" in warning


def test_given_no_mandarin_voice_then_choice_fails_saying_what_to_install() -> None:
    english_only = [v for v in DEBIAN12_VOICES if v.id.startswith(("gmw/", "mb/"))]
    with pytest.raises(VoiceNotFound, match="espeak-ng") as caught:
        choose_voice(english_only, "zh")
    assert isinstance(caught.value, DeviceUnavailable)
    assert caught.value.device == "voice"


@pytest.mark.parametrize("short", ["zh", "cmn-latn-pinyin", "mandarin", "Chinese"])
def test_given_a_short_voice_id_override_then_it_is_refused_not_silently_english(
    short: str,
) -> None:
    with pytest.raises(VoiceNotFound, match="full id"):
        choose_voice(DEBIAN12_VOICES, "zh", short)


def test_a_full_voice_id_override_is_matched_ignoring_case() -> None:
    assert choose_voice(DEBIAN12_VOICES, "zh", "sit/cmn-Latn-pinyin").id == PINYIN_VOICE
    assert choose_voice(DEBIAN12_VOICES, "zh", "sit/cmn").id == "sit/cmn"


def test_english_prefers_american_and_never_an_mbrola_voice() -> None:
    assert choose_voice(DEBIAN12_VOICES, "en").id == "gmw/en-us"
    only_gb_and_mbrola = [v for v in DEBIAN12_VOICES if v.id in ("gmw/en", "mb/mb-us1")]
    assert choose_voice(only_gb_and_mbrola, "en").id == "gmw/en"


def test_espeak_voice_listing_is_parsed_into_full_lower_case_ids() -> None:
    listing = (
        "Pty Language       Age/Gender VoiceName          File                 Other Languages\n"
        " 5  cmn             --/M      Chinese_(Mandarin,_latin_as_English) sit/cmn              (zh-cmn 5)(zh 5)\n"
        " 5  cmn-latn-pinyin --/M      Chinese_(Mandarin,_latin_as_Pinyin) sit/cmn-Latn-pinyin  (zh-cmn 5)(zh 5)\n"
    )
    voices = parse_espeak_voices(listing)
    assert [v.id for v in voices] == ["sit/cmn", PINYIN_VOICE]
    assert voices[1].languages == ("cmn-latn-pinyin",)


# --- the real pyttsx3 worker -------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> Iterator[Pyttsx3Engine]:
    worker = Pyttsx3Engine(render_timeout_s=10.0)
    worker.start()
    yield worker
    worker.close()


def test_the_worker_lists_mandarin_voices_with_full_ids(engine: Pyttsx3Engine) -> None:
    info = engine.start()
    ids = {v.id for v in info.voices}
    assert "espeak-ng" in info.version and "pyttsx3" in info.version
    assert PINYIN_VOICE in ids  # lower-cased by pyttsx3; espeak-ng lists sit/cmn-Latn-pinyin
    assert choose_voice(info.voices, "zh").id == PINYIN_VOICE


@pytest.mark.slow
def test_given_the_call_phrase_then_the_worker_renders_a_sentence_not_silence(
    engine: Pyttsx3Engine, tmp_path: Path
) -> None:
    out = tmp_path / "call.wav"
    engine.render(CALL_TEXT, PINYIN_VOICE, out, rate=RATE, volume=1.0)
    seconds, rms, peak = wav_facts(out)
    assert 1.5 < seconds < 10.0, seconds  # 13 syllables at 160 wpm: about 4.2 s here
    assert rms > 0.03, rms
    assert peak > 0.3, peak
    with wave.open(str(out), "rb") as wav:
        assert wav.getframerate() == 22050


@needs_espeak
def test_the_worker_speaks_with_the_pinyin_mandarin_voice_not_english(tmp_path: Path) -> None:
    """pyttsx3 and the espeak-ng command drive the same library: with the same voice, rate and
    volume the first utterance of a process has identical samples, so equality names the voice
    pyttsx3 really used. (Later utterances differ by a few milliseconds: espeak-ng keeps some
    state between utterances, so the comparison uses a fresh worker.)"""
    ours = tmp_path / "ours.wav"
    fresh = Pyttsx3Engine(render_timeout_s=10.0)
    try:
        fresh.render(CALL_TEXT, PINYIN_VOICE, ours, rate=RATE, volume=1.0)
    finally:
        fresh.close()
    pinyin = espeak_cli("sit/cmn-Latn-pinyin", CALL_TEXT, tmp_path / "pinyin.wav")
    latin_as_english = espeak_cli("sit/cmn", CALL_TEXT, tmp_path / "cmn.wav")
    english = espeak_cli("gmw/en-us", CALL_TEXT, tmp_path / "en.wav")
    assert pcm(ours) == pcm(pinyin)
    assert pcm(ours) != pcm(latin_as_english)
    assert pcm(ours) != pcm(english)


@needs_espeak
def test_the_chosen_voice_reads_every_syllable_as_mandarin() -> None:
    """espeak-ng's phonemes: one Mandarin syllable with a tone contour per character and no
    switch to English, which is how the trap voice shows itself ("(en)kI55NTr'i:55" = "king
    three" for 请 → qing3)."""
    phonemes = subprocess.run(
        ["espeak-ng", "-v", PINYIN_VOICE, "-x", "-q"],
        input=CALL_TEXT.encode(),
        capture_output=True,
        check=True,
        timeout=20,
    ).stdout.decode()
    syllables = [s.strip() for s in phonemes.split("_|") if s.strip()]
    assert "(en)" not in phonemes
    assert len(syllables) == len(CALL_TEXT)
    assert all(any(ch.isdigit() for ch in s) for s in syllables), syllables
    assert syllables[1] == "'ei51"  # the letter A, said as Chinese speakers name it


@pytest.mark.parametrize("short", ["zh", "cmn"])
def test_given_a_short_voice_id_then_the_worker_fails_loudly(
    engine: Pyttsx3Engine, tmp_path: Path, short: str
) -> None:
    """pyttsx3 keeps English on "zh" (only an error event) and picks the trap sit/cmn on "cmn"."""
    with pytest.raises(SynthesisFailed, match="full voice id"):
        engine.render(CALL_TEXT, short, tmp_path / "x.wav", rate=RATE, volume=1.0)
    # and the worker is still usable afterwards
    engine.render("一", PINYIN_VOICE, tmp_path / "y.wav", rate=RATE, volume=1.0)


def test_english_with_commas_is_rendered_whole(engine: Pyttsx3Engine, tmp_path: Path) -> None:
    out = tmp_path / "en.wav"
    engine.render(call_phrase("A012", 3, "en"), "gmw/en-us", out, rate=RATE, volume=1.0)
    seconds, rms, _ = wav_facts(out)
    assert seconds > 2.5 and rms > 0.02  # not cut at the comma, as older pyttsx3 did


@pytest.mark.slow
def test_given_a_hung_worker_then_it_is_killed_and_the_next_render_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(HANG_ENV, "卡住")
    engine = Pyttsx3Engine(render_timeout_s=1.0)
    try:
        engine.render("一", PINYIN_VOICE, tmp_path / "first.wav", rate=RATE, volume=1.0)
        hung_pid = engine.pid
        assert hung_pid is not None
        began = time.monotonic()
        with pytest.raises(SynthesisTimeout):
            engine.render("卡住", PINYIN_VOICE, tmp_path / "hang.wav", rate=RATE, volume=1.0)
        assert time.monotonic() - began < 3.0
        assert engine.pid is None
        with pytest.raises(ProcessLookupError):
            os.kill(hung_pid, 0)  # killed and reaped
        engine.render(CALL_TEXT, PINYIN_VOICE, tmp_path / "next.wav", rate=RATE, volume=1.0)
        assert engine.starts == 2
        assert wav_facts(tmp_path / "next.wav")[0] > 1.5
    finally:
        engine.close()


def test_given_a_dead_worker_then_the_render_is_retried_on_a_new_one(tmp_path: Path) -> None:
    engine = Pyttsx3Engine(render_timeout_s=10.0)
    try:
        engine.start()
        pid = engine.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        engine.render("二", PINYIN_VOICE, tmp_path / "x.wav", rate=RATE, volume=1.0)
        assert engine.starts == 2 and engine.pid != pid
    finally:
        engine.close()
    assert engine.pid is None
    with pytest.raises(DeviceError):
        engine.render("二", PINYIN_VOICE, tmp_path / "y.wav", rate=RATE, volume=1.0)


def test_given_pyttsx3_cannot_load_espeak_then_start_fails_clearly(tmp_path: Path) -> None:
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "pyttsx3.py").write_text(
        "raise OSError('libespeak-ng.so.1: cannot open shared object file')\n"
    )
    env = dict(os.environ, PYTHONPATH=str(fake))
    engine = Pyttsx3Engine(env=env)
    try:
        with pytest.raises(DeviceUnavailable, match="libespeak-ng") as caught:
            engine.start()
        assert "espeak-ng" in caught.value.message
    finally:
        engine.close()


@pytest.mark.slow
def test_back_to_back_renders_each_wait_for_their_own_file(
    engine: Pyttsx3Engine, tmp_path: Path
) -> None:
    """pyttsx3's runAndWait returns before espeak-ng has written the WAV (asynchronous
    synthesis); the worker must wait for the end of each utterance before answering, or files
    go missing or get the next phrase's audio."""
    texts = ["一", CALL_TEXT] * 5
    for index, text in enumerate(texts):
        engine.render(text, PINYIN_VOICE, tmp_path / f"{index}.wav", rate=RATE, volume=1.0)
    for index, text in enumerate(texts):
        seconds = wav_facts(tmp_path / f"{index}.wav")[0]
        if text == CALL_TEXT:
            assert 3.0 < seconds < 6.0, (index, seconds)
        else:
            assert seconds < 1.2, (index, seconds)


@needs_espeak
def test_the_espeak_cli_fallback_lists_the_same_voices_and_renders_the_same_audio(
    tmp_path: Path,
) -> None:
    cli = EspeakCliEngine()
    info = cli.start()
    assert info.version.startswith("espeak-ng 1.")
    assert {v.id for v in info.voices} >= {PINYIN_VOICE, "sit/cmn", "gmw/en-us"}
    cli.render(CALL_TEXT, PINYIN_VOICE, tmp_path / "cli.wav", rate=RATE, volume=1.0)
    reference = espeak_cli("sit/cmn-Latn-pinyin", CALL_TEXT, tmp_path / "reference.wav")
    assert pcm(tmp_path / "cli.wav") == pcm(reference)
