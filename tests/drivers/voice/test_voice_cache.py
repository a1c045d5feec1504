"""The WAV cache: least recently used files go first; writes are atomic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from drivers.voice.audio import (
    Pcm,
    concatenate,
    join_with_gaps,
    levels,
    read_pcm,
    silence,
    write_pcm,
)
from drivers.voice.cache import WavCache, cache_key


def _put(cache: WavCache, key: str, size: int = 100) -> Path:
    scratch = cache.directory / f".part-{key}.wav"
    scratch.write_bytes(b"x" * size)
    return cache.adopt(key, scratch)


def _age(path: Path, seconds_ago: float) -> None:
    stamp = path.stat().st_mtime - seconds_ago
    os.utime(path, (stamp, stamp))


def test_cache_keys_change_with_anything_that_changes_the_sound() -> None:
    base = cache_key(
        "phrase", "pyttsx3 2.99, espeak-ng 1.51", "sit/cmn-latn-pinyin", 160, 1.0, "请"
    )
    assert base == cache_key(
        "phrase", "pyttsx3 2.99, espeak-ng 1.51", "sit/cmn-latn-pinyin", 160, 1.0, "请"
    )
    assert base != cache_key(
        "phrase", "pyttsx3 2.99, espeak-ng 1.52", "sit/cmn-latn-pinyin", 160, 1.0, "请"
    )
    assert base != cache_key("phrase", "pyttsx3 2.99, espeak-ng 1.51", "sit/cmn", 160, 1.0, "请")
    assert base != cache_key(
        "phrase", "pyttsx3 2.99, espeak-ng 1.51", "sit/cmn-latn-pinyin", 170, 1.0, "请"
    )


def test_given_a_hit_then_the_file_becomes_most_recently_used(tmp_path: Path) -> None:
    cache = WavCache(tmp_path / "cache", max_files=2)
    cache.open()
    first = _put(cache, "first")
    _age(first, 100)
    second = _put(cache, "second")
    _age(second, 50)
    assert cache.get("first") == first  # touched: now newer than "second"
    _put(cache, "third")
    assert first.exists()
    assert not second.exists()
    assert cache.get("second") is None
    assert (cache.hits, cache.misses) == (1, 1)


def test_the_byte_limit_is_enforced_too(tmp_path: Path) -> None:
    cache = WavCache(tmp_path / "cache", max_files=100, max_bytes=250)
    cache.open()
    old = _put(cache, "old", 100)
    _age(old, 10)
    _put(cache, "mid", 100)
    _age(cache.path_for("mid"), 5)
    _put(cache, "new", 100)
    assert not old.exists()
    assert cache.path_for("mid").exists() and cache.path_for("new").exists()


def test_opening_removes_old_half_written_files_but_not_fresh_ones(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    directory.mkdir()
    crashed = directory / ".part-123.wav"
    crashed.write_bytes(b"half")
    _age(crashed, 3600)
    in_progress = directory / ".part-456.wav"  # another process is writing it right now
    in_progress.write_bytes(b"half")
    WavCache(directory).open()
    assert list(directory.iterdir()) == [in_progress]


def test_wav_helpers_join_with_gaps_and_measure(tmp_path: Path) -> None:
    tone = Pcm((1000).to_bytes(2, "little", signed=True) * 2205)  # 0.1 s at 22,050 Hz
    joined = join_with_gaps([tone, tone], gap_s=0.5)
    assert joined.seconds == pytest.approx(0.7, abs=1e-4)
    write_pcm(tmp_path / "x.wav", joined)
    back = read_pcm(tmp_path / "x.wav")
    assert back == joined
    measured = levels(back)
    assert measured.peak == pytest.approx(1000 / 32767)
    assert levels(silence(0.1)).rms == 0.0
    with pytest.raises(ValueError):
        concatenate([tone, Pcm(b"\0\0", rate=16000)])
