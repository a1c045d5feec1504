"""A stand-in for aplay in tests (no sound card here): records which WAV it was asked to
play and how long it is, so a test can see the voice started. A real subprocess, not a mock."""

import sys
import wave

out, wav = sys.argv[1], sys.argv[-1]
with wave.open(wav) as w:
    seconds = w.getnframes() / w.getframerate()
with open(out, "a", encoding="utf-8") as f:
    f.write(f"{wav} {seconds:.2f}\n")
