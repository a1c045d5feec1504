"""The hall's voice: call announcements in Mandarin through pyttsx3 on espeak-ng.

- :mod:`drivers.voice.phrases`: the words (pure).
- :mod:`drivers.voice.engine`: text → WAV in a killable pyttsx3 worker process; voice choice.
- :mod:`drivers.voice.announcer`: the queue, the chime, playback with ``aplay``, faults.
- :mod:`drivers.voice.chime`: generates ``assets/chimes/ding-dong.wav``.
- :mod:`drivers.voice.bench`: latency from a call to the voice starting.

See ``docs/devices/voice.md``.
"""

from drivers.voice.announcer import (
    Announcement,
    AnnouncementKind,
    AnnouncementResult,
    Announcer,
    Outcome,
    VoiceConfig,
    render_call_wav,
)
from drivers.voice.engine import (
    EspeakCliEngine,
    Pyttsx3Engine,
    SynthesisFailed,
    SynthesisTimeout,
    VoiceInfo,
    VoiceNotFound,
    choose_voice,
)
from drivers.voice.phrases import call_phrase, evaluation_phrase, guidance_phrase, speakable_text

__all__ = [
    "Announcement",
    "AnnouncementKind",
    "AnnouncementResult",
    "Announcer",
    "EspeakCliEngine",
    "Outcome",
    "Pyttsx3Engine",
    "SynthesisFailed",
    "SynthesisTimeout",
    "VoiceConfig",
    "VoiceInfo",
    "VoiceNotFound",
    "call_phrase",
    "choose_voice",
    "evaluation_phrase",
    "guidance_phrase",
    "render_call_wav",
    "speakable_text",
]
