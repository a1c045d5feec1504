"""A hall's worth of simulated devices on pseudo-terminals, for ``kiosk demo`` and the tests.

Each device family's byte-exact simulator runs on the device side of a pty behind a stable
path in ``directory`` (as a udev rule would give ``/dev/kiosk-printer``); the hall daemon
opens those paths exactly as it opens real hardware. Every counter gets a caller pad with a
window screen (address = counter number) and an evaluator (address 10 + counter).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from drivers.hallbus.codec import EventKind, Score
from drivers.sim.hallbus import CallerPad, Evaluator, HallBusSimulator, PadWithScreen
from drivers.sim.idcard import IdCardReaderSim
from drivers.sim.link import PtyLink
from drivers.sim.printer import PrinterSim
from kiosk.config import HallBusConfig, HallBusDeviceConfig, HallConfig, IdCardConfig, PrinterConfig

EVALUATOR_OFFSET = 10


class SimulatedDevices:
    def __init__(
        self,
        directory: Path,
        counters: list[int],
        *,
        hallbus_baud: int = 19200,
        emulate_wire: bool = False,
    ) -> None:
        self.directory = directory
        self.counters = counters
        self.hallbus_baud = hallbus_baud
        directory.mkdir(parents=True, exist_ok=True)
        self.printer_link = PtyLink(directory / "kiosk-printer")
        self.idcard_link = PtyLink(directory / "kiosk-idcard")
        self.hallbus_link = PtyLink(directory / "kiosk-hallbus")
        self.printer = PrinterSim(self.printer_link)
        self.idcard = IdCardReaderSim(self.idcard_link)
        self.pads = {n: PadWithScreen(n) for n in counters}
        self.evaluators = {n: Evaluator(EVALUATOR_OFFSET + n) for n in counters}
        self.hallbus = HallBusSimulator(
            self.hallbus_link,
            [*self.pads.values(), *self.evaluators.values()],
            wire_baudrate=hallbus_baud if emulate_wire else None,
        )

    def start(self) -> SimulatedDevices:
        self.printer.start()
        self.idcard.start()
        self.hallbus.start()
        return self

    def stop(self) -> None:
        self.hallbus.stop()
        self.idcard.stop()
        self.printer.stop()
        for link in (self.printer_link, self.idcard_link, self.hallbus_link):
            link.close()

    def configure(self, config: HallConfig) -> HallConfig:
        """The hall config with its devices pointed at the simulators."""
        devices = [HallBusDeviceConfig(n, "pad+screen", n) for n in self.counters]
        devices += [
            HallBusDeviceConfig(EVALUATOR_OFFSET + n, "evaluator", n) for n in self.counters
        ]
        return dataclasses.replace(
            config,
            printer=PrinterConfig(url=self.printer_link.url),
            idcard=IdCardConfig(url=self.idcard_link.url, kiosk=_kiosk_name(config)),
            hallbus=HallBusConfig(
                url=self.hallbus_link.url, baudrate=self.hallbus_baud, devices=devices
            ),
        )

    def press(self, counter: int, kind: EventKind = EventKind.CALL_NEXT, arg: int = 0) -> None:
        pad: CallerPad = self.pads[counter]
        pad.press(kind, arg)

    def rate(self, counter: int, score: Score) -> None:
        self.evaluators[counter].answer(score)

    def screen_text(self, counter: int) -> str:
        return self.pads[counter].screen.text


def _kiosk_name(config: HallConfig) -> str:
    return next((t.name for t in config.tokens if t.role == "kiosk"), "lobby-1")
