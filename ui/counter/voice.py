"""The evaluation prompt said aloud at the counter, for the touch prompt.

A counter with a hall-bus evaluator has the device's own voice; without one, the soft
caller's customer-facing screen asks, and the counter PC's speaker says the same sentence
(请对本次服务进行评价) with the hall's Mandarin voice (:mod:`drivers.voice`: pyttsx3 on
espeak-ng in a worker process, played with ``aplay``). Nothing here blocks the GUI thread:
the announcer queues and plays on its own thread.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger("ui.counter.voice")


class PromptVoice:
    def __init__(
        self,
        *,
        player: Sequence[str] = ("aplay", "-q"),
        voice: str | None = None,
        rate: int = 160,
        cache_dir: Path | None = None,
    ) -> None:
        from drivers.voice import Announcer, VoiceConfig

        kwargs: dict[str, object] = {
            "enabled": True,
            "voice": voice or None,
            "rate": rate,
            "repeat": 1,
            "player": tuple(player),
        }
        if cache_dir is not None:
            kwargs["cache_dir"] = cache_dir
        self._announcer = Announcer(
            VoiceConfig(**kwargs),  # type: ignore[arg-type]
            on_fault=lambda message: log.warning("evaluation prompt voice: %s", message),
        )
        self._announcer.start()

    def say_evaluation(self) -> None:
        self._announcer.announce_evaluation()

    def close(self) -> None:
        self._announcer.stop(timeout_s=5)
