"""Fixtures for the ID-card family: a pty link, the simulator on it, a recording driver."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.idcard import IdCardReader, IdCardSettings
from drivers.sim.idcard import IdCardReaderSim
from drivers.sim.link import PtyLink
from drivers.transport import PortSettings, SerialTransport
from tests.drivers.idcard.idcard_support import ReaderFactory, Recorder


@pytest.fixture
def link(tmp_path: Path) -> Iterator[PtyLink]:
    link = PtyLink(tmp_path / "idcard")
    yield link
    link.close()


@pytest.fixture
def sim(link: PtyLink) -> Iterator[IdCardReaderSim]:
    with IdCardReaderSim(link) as sim:
        yield sim


@pytest.fixture
def host(link: PtyLink, sim: IdCardReaderSim) -> Iterator[SerialTransport]:
    """The host end of the link, opened as the driver would, for byte-level exchanges."""
    transport = SerialTransport("idcard", PortSettings(link.url, 115200, timeout_s=0.05))
    transport.open()
    yield transport
    transport.close()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def make_reader(link: PtyLink, sim: IdCardReaderSim, recorder: Recorder) -> Iterator[ReaderFactory]:
    """Builds a started driver on the link with fast test timings; stops it afterwards."""
    readers: list[IdCardReader] = []

    def make(**overrides: object) -> IdCardReader:
        timings: dict[str, object] = {
            "poll_interval_s": 0.03,
            "reply_timeout_s": 0.25,
            "read_timeout_s": 0.5,
            "reopen_interval_s": 0.1,
            "silent_polls_before_fault": 2,
        }
        callbacks: dict[str, object] = {
            "on_card": recorder.on_card,
            "on_error": recorder.on_error,
            "on_fault": recorder.on_fault,
            "on_recovered": recorder.on_recovered,
        }
        for key, value in overrides.items():
            (callbacks if key.startswith("on_") else timings)[key] = value
        settings = IdCardSettings(link.url, **timings)  # type: ignore[arg-type]
        reader = IdCardReader(settings, **callbacks)  # type: ignore[arg-type]
        readers.append(reader)
        reader.start()
        return reader

    yield make
    for reader in readers:
        reader.stop()
