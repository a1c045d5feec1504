"""Generate the call chime: a two-tone "ding-dong" before every call announcement.

The chime is synthesised here, not downloaded, so its licence is ours and it is reproducible:
``python -m drivers.voice.chime`` rewrites ``assets/chimes/ding-dong.wav``. It has the format
of espeak-ng's output (16-bit mono, 22,050 Hz) so an announcement is a plain concatenation.

Two bell-like notes a major third apart, E5 then C5, each with a soft attack, two overtones
and an exponential decay; the second starts while the first rings out, as a door chime does.
Peak at 0.6 of full scale: audible over the hall, not louder than the voice.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from drivers.voice.audio import SAMPLE_RATE, Pcm, write_pcm

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CHIME = REPO_ROOT / "assets" / "chimes" / "ding-dong.wav"

DING_HZ = 659.25  # E5
DONG_HZ = 523.25  # C5
DONG_START_S = 0.45
LENGTH_S = 1.4
PEAK = 0.6
ATTACK_S = 0.006
DECAY_S = 0.32
OVERTONES = ((1.0, 1.0), (2.0, 0.35), (3.0, 0.12))  # (multiple of the fundamental, level)


def _note(t: float, freq: float) -> float:
    if t < 0:
        return 0.0
    envelope = min(1.0, t / ATTACK_S) * math.exp(-t / DECAY_S)
    tone = sum(level * math.sin(2 * math.pi * freq * mult * t) for mult, level in OVERTONES)
    return envelope * tone


def chime_pcm(rate: int = SAMPLE_RATE) -> Pcm:
    """The chime as PCM; deterministic, so the committed asset can be checked against it."""
    count = round(LENGTH_S * rate)
    raw = [_note(i / rate, DING_HZ) + _note(i / rate - DONG_START_S, DONG_HZ) for i in range(count)]
    # Fade the tail to exact silence so the player never ends on a click.
    fade = round(0.05 * rate)
    for i in range(fade):
        raw[count - fade + i] *= 1 - (i + 1) / fade
    scale = PEAK * 32767 / max(abs(v) for v in raw)
    out = bytearray()
    for value in raw:
        out += round(value * scale).to_bytes(2, "little", signed=True)
    return Pcm(bytes(out), rate)


def write_chime(path: Path = DEFAULT_CHIME) -> Path:
    write_pcm(path, chime_pcm())
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the two-tone call chime WAV.")
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_CHIME)
    args = parser.parse_args(argv)
    print(write_chime(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
