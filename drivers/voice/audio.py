"""Small WAV helpers on the stdlib: read, measure, concatenate with silence.

espeak-ng renders 16-bit mono PCM at 22,050 Hz and the chime is generated in the same format,
so an announcement is plain concatenation, no resampling. ``audioop`` is deprecated (and
warns on import), so levels are measured with :mod:`array`.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import wave
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_RATE = 22050
SAMPLE_WIDTH = 2
CHANNELS = 1


class WavFormatError(ValueError):
    """A WAV is not 16-bit mono at the rate of the others, so it cannot be joined to them."""


@dataclass(frozen=True)
class Pcm:
    """16-bit mono little-endian samples and their rate."""

    frames: bytes
    rate: int = SAMPLE_RATE

    @property
    def seconds(self) -> float:
        return len(self.frames) / (SAMPLE_WIDTH * self.rate)


@dataclass(frozen=True)
class Levels:
    """Loudness of a WAV, in full-scale fractions (1.0 = 32767)."""

    seconds: float
    rms: float
    peak: float


def read_pcm(path: Path) -> Pcm:
    """Raises OSError when unreadable, WavFormatError when not a 16-bit mono WAV."""
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != SAMPLE_WIDTH or wav.getnchannels() != CHANNELS:
                raise WavFormatError(
                    f"{path}: {wav.getnchannels()} channel(s), {8 * wav.getsampwidth()}-bit; "
                    "expected 16-bit mono"
                )
            return Pcm(wav.readframes(wav.getnframes()), wav.getframerate())
    except (wave.Error, EOFError) as exc:
        raise WavFormatError(f"{path}: not a WAV file ({exc})") from exc


def write_pcm(path: Path, pcm: Pcm) -> None:
    """Write atomically: a reader (the player, the cache) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".part-", suffix=".wav", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw, wave.open(raw, "wb") as wav:
            wav.setnchannels(CHANNELS)
            wav.setsampwidth(SAMPLE_WIDTH)
            wav.setframerate(pcm.rate)
            wav.writeframes(pcm.frames)
        os.chmod(tmp_name, 0o644)  # mkstemp makes 0600; the player may run as another user
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def silence(seconds: float, rate: int = SAMPLE_RATE) -> Pcm:
    return Pcm(bytes(SAMPLE_WIDTH * round(seconds * rate)), rate)


def concatenate(pieces: Sequence[Pcm]) -> Pcm:
    if not pieces:
        raise ValueError("nothing to concatenate")
    rate = pieces[0].rate
    for piece in pieces:
        if piece.rate != rate:
            raise WavFormatError(f"cannot join audio at {piece.rate} Hz to audio at {rate} Hz")
    return Pcm(b"".join(piece.frames for piece in pieces), rate)


def join_with_gaps(pieces: Iterable[Pcm], gap_s: float) -> Pcm:
    """Join pieces with ``gap_s`` of silence between them (none before or after)."""
    items = list(pieces)
    if not items:
        raise ValueError("nothing to join")
    gap = silence(gap_s, items[0].rate)
    joined: list[Pcm] = []
    for index, item in enumerate(items):
        if index:
            joined.append(gap)
        joined.append(item)
    return concatenate(joined)


def samples(pcm: Pcm) -> array[int]:
    values = array("h")
    values.frombytes(pcm.frames)
    if sys.byteorder != "little":
        values.byteswap()
    return values


def levels(pcm: Pcm) -> Levels:
    values = samples(pcm)
    if not values:
        return Levels(0.0, 0.0, 0.0)
    peak = max(abs(v) for v in values) / 32767
    rms = math.sqrt(sum(v * v for v in values) / len(values)) / 32767
    return Levels(pcm.seconds, rms, peak)


def wav_seconds(path: Path) -> float:
    """Length from the header alone. Raises OSError or WavFormatError like read_pcm."""
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() / wav.getframerate()
    except (wave.Error, EOFError) as exc:
        raise WavFormatError(f"{path}: not a WAV file ({exc})") from exc
