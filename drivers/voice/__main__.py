"""A technician's voice check: ``python -m drivers.voice [--play] [--out FILE] [A012 3]``.

Renders one call announcement (chime + phrase twice) to a WAV, prints the engine, the voices
chosen and the length, and with ``--play`` plays it through the player (aplay) like the hall.
Exit status 0 when the voice works, 1 with the reason when it does not.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from drivers.errors import DeviceError
from drivers.voice.announcer import Announcer, VoiceConfig
from drivers.voice.audio import levels, read_pcm


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drivers.voice", description=__doc__)
    parser.add_argument("number", nargs="?", default="A012")
    parser.add_argument("counter", nargs="?", type=int, default=3)
    parser.add_argument("--out", type=Path, help="WAV to write (default: a temporary file)")
    parser.add_argument("--play", action="store_true", help="play it with the player command")
    parser.add_argument("--player", default="aplay -q", help='e.g. "aplay -q -D plughw:CARD=PCH"')
    parser.add_argument("--voice", help="full espeak-ng voice id instead of the automatic choice")
    parser.add_argument("--english", action="store_true", help="English after Chinese")
    parser.add_argument("--backend", choices=("pyttsx3", "espeak-ng"), default="pyttsx3")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="voice-check-") as tmp:
        out = args.out or Path(tmp) / "announcement.wav"
        config = VoiceConfig(
            voice=args.voice,
            english=args.english,
            backend=args.backend,
            cache_dir=Path(tmp) / "cache",
            player=tuple(args.player.split()),
        )
        announcer = Announcer(config)
        try:
            voices = announcer.ensure_ready()
            announcement = announcer.make_call(args.number, args.counter)
            announcer.render_to_wav(announcement, out)
        except (DeviceError, ValueError) as exc:
            print(f"FAILED: {exc}", file=sys.stderr)
            return 1
        finally:
            announcer.stop()
        measured = levels(read_pcm(out))
        print(f"engine:    {voices.engine}")
        print(f"Mandarin:  {voices.zh.id} ({voices.zh.name})")
        print(f"English:   {voices.en.id if voices.en else 'none'}")
        for part in announcement.parts:
            print(f"text:      {part.text}")
        print(f"wav:       {out} ({measured.seconds:.2f} s, rms {measured.rms:.3f})")
        if args.play:
            done = subprocess.run([*config.player, str(out)], check=False)
            if done.returncode != 0:
                print("voice: the player failed; see `aplay -l` and docs/devices/voice.md")
                return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
