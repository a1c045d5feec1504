"""The bench helper times call → voice started with a warm and a cold cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from drivers.voice.bench import measure_voice_latency


@pytest.mark.parametrize("cache", ["warm", "cold"])
def test_the_bench_returns_one_latency_per_call(cache: str, tmp_path: Path) -> None:
    result = measure_voice_latency(3, cache=cache, work_dir=tmp_path)  # type: ignore[arg-type]
    assert len(result.started_s) == 3 and len(result.speech_s) == 3
    assert all(0 <= s < 1.0 for s in result.started_s), result.started_s
    assert all(
        started <= speech for started, speech in zip(result.started_s, result.speech_s, strict=True)
    )
    assert "p95" in result.summary()


def test_the_bench_refuses_zero_calls(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        measure_voice_latency(0, cache="warm", work_dir=tmp_path)
