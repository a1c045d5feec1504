"""Fixtures for the hall bus: a pty link, the simulator and a master wired together.

Everything is closed at teardown (ports, threads), because the suite turns every warning,
ResourceWarning included, into an error.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from drivers.hallbus.codec import Event, Message, Rejected, Score
from drivers.hallbus.master import BusDevice, BusTiming, Direction, HallBusMaster
from drivers.sim.hallbus import HallBusSimulator, SimulatedDevice
from drivers.sim.link import PtyLink

# The protocol's timing where it shapes behaviour (retries, rounds), shortened where it only
# makes tests wait (identify interval, reopen interval).
FAST_TIMING = BusTiming(
    reply_timeout_s=0.05,
    identify_offline_every_s=0.2,
    check_screens_every_s=0.5,
    reopen_every_s=0.1,
    min_round_s=0.005,
)


def wait_for(predicate: Callable[[], object], timeout_s: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.003)
    return bool(predicate())


@dataclass
class Recorder:
    """Collects what the master reports, from its worker thread."""

    keys: list[tuple[int, int, Event]] = field(default_factory=list)
    scores: list[tuple[int, int, Score]] = field(default_factory=list)
    faults: list[tuple[int, str]] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)
    frames: list[tuple[Direction, int, Message | Rejected]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on_key(self, counter: int, address: int, event: Event) -> None:
        with self.lock:
            self.keys.append((counter, address, event))

    def on_score(self, counter: int, address: int, score: Score) -> None:
        with self.lock:
            self.scores.append((counter, address, score))

    def on_fault(self, address: int, message: str) -> None:
        with self.lock:
            self.faults.append((address, message))

    def on_recovered(self, address: int) -> None:
        with self.lock:
            self.recovered.append(address)

    def on_frame(self, direction: Direction, address: int, frame: Message | Rejected) -> None:
        with self.lock:
            self.frames.append((direction, address, frame))

    def seqs(self) -> list[int]:
        with self.lock:
            return [event.seq for _, _, event in self.keys]

    def fault_addresses(self) -> list[int]:
        with self.lock:
            return [address for address, _ in self.faults]


@dataclass
class BusRig:
    link: PtyLink
    simulator: HallBusSimulator
    master: HallBusMaster
    recorder: Recorder

    def close(self) -> None:
        self.master.stop()
        self.simulator.stop()
        self.link.close()


RigFactory = Callable[..., BusRig]


@pytest.fixture
def wait_until() -> Callable[..., bool]:
    return wait_for


@pytest.fixture
def pty_link(tmp_path: Path) -> Iterator[PtyLink]:
    link = PtyLink(tmp_path / "hallbus")
    yield link
    link.close()


@pytest.fixture
def make_rig(tmp_path: Path) -> Iterator[RigFactory]:
    """Builds simulator + master on a fresh pty; ``call_on_key`` wires a press to show_call."""
    rigs: list[BusRig] = []

    def make(
        devices: Iterable[SimulatedDevice],
        config: Iterable[BusDevice],
        *,
        timing: BusTiming = FAST_TIMING,
        call_on_key: bool = False,
        wait_online: bool = True,
        **simulator_options: object,
    ) -> BusRig:
        link = PtyLink(tmp_path / f"hallbus{len(rigs)}")
        simulator = HallBusSimulator(link, devices, **simulator_options)  # type: ignore[arg-type]
        recorder = Recorder()
        master: HallBusMaster

        def on_key(counter: int, address: int, event: Event) -> None:
            recorder.on_key(counter, address, event)
            if call_on_key:
                master.show_call(counter, "A012")

        master = HallBusMaster(
            link.url,
            config,
            on_key=on_key,
            on_score=recorder.on_score,
            on_fault=recorder.on_fault,
            on_recovered=recorder.on_recovered,
            on_frame=recorder.on_frame,
            timing=timing,
        )
        rig = BusRig(link, simulator, master, recorder)
        rigs.append(rig)
        simulator.start()
        master.start()
        if wait_online:
            assert wait_for(lambda: all(s.health == "online" for s in master.device_states())), (
                master.device_states()
            )
        return rig

    yield make
    for rig in reversed(rigs):
        rig.close()
