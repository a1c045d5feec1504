"""The configured devices asked directly, when no hall daemon holds their ports.

``kiosk doctor`` and ``kiosk devices`` use it on a box whose daemon is stopped: each device
is opened as the daemon would open it, asked, and closed, and answers with the same line
(:class:`drivers.device_states.DeviceLine`) the daemon would give for it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from drivers import device_states
from drivers.device_states import DeviceLine
from kiosk.config import HallConfig


@dataclass(frozen=True)
class Probed:
    line: DeviceLine
    url: str


def probe_devices(cfg: HallConfig) -> list[Probed]:
    out: list[Probed] = []
    if cfg.printer.url:
        out.append(Probed(probe_printer(cfg), cfg.printer.url))
    if cfg.idcard.url:
        out.append(Probed(probe_idcard(cfg), cfg.idcard.url))
    if cfg.hallbus.url:
        out += [Probed(line, cfg.hallbus.url) for line in probe_hallbus(cfg)]
    return out


def probe_printer(cfg: HallConfig, timeout_s: float = 3.0) -> DeviceLine:
    """The ticket printer, asked for its real-time status."""
    from drivers.printer import PrinterSettings, TicketPrinter
    from drivers.printer.status import state_key

    printer = TicketPrinter(PrinterSettings(url=cfg.printer.url, baudrate=cfg.printer.baudrate))
    printer.start()
    try:
        deadline = time.monotonic() + timeout_s
        while printer.status is None and printer.fault is None and time.monotonic() < deadline:
            time.sleep(0.05)
        status, fault = printer.status, printer.fault
    finally:
        printer.close()
    if status is None and fault is None:
        return device_states.line("printer", "offline")
    return device_states.line("printer", state_key(status, fault))


def probe_idcard(cfg: HallConfig) -> DeviceLine:
    """The ID-card reader's SAM module, asked for its status."""
    from drivers.errors import DeviceUnavailable
    from drivers.idcard import IdCardReader, IdCardSettings

    reader = IdCardReader(
        IdCardSettings(url=cfg.idcard.url, baudrate=cfg.idcard.baudrate),
        on_card=lambda card: None,
    )
    try:
        ok = reader.sam_status()
    except DeviceUnavailable as exc:
        return device_states.line("idcard", "unavailable", detail=exc.message)
    except Exception as exc:
        return device_states.line("idcard", "not_answering", detail=str(exc))
    return device_states.line(
        "idcard", "ok" if ok else "not_answering", detail="" if ok else "SAM not OK"
    )


def probe_hallbus(cfg: HallConfig, timeout_s: float = 4.0) -> list[DeviceLine]:
    """The bus's port, then every address, polled until it answers or ``timeout_s`` pass."""
    from drivers.hallbus import BusDevice, DeviceRole, HallBusMaster
    from drivers.transport import PortSettings

    master = HallBusMaster(
        PortSettings(url=cfg.hallbus.url, baudrate=cfg.hallbus.baudrate),
        [BusDevice(d.address, DeviceRole(d.role), d.counter) for d in cfg.hallbus.devices],
    )
    master.start()
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if all(str(s.health) != "unknown" for s in master.device_states()):
                break
            time.sleep(0.1)
        states = master.device_states()
        port_open = master.bus_status().port_open
    finally:
        master.stop()
    lines = [device_states.line("hallbus", "ok" if port_open else "unavailable")]
    health = {"online": "ok", "offline": "not_answering"}
    for s in states:
        lines.append(
            device_states.line(
                f"hallbus:{s.address}",
                health.get(str(s.health), "unknown"),
                role=str(s.role),
                counter=s.counter,
            )
        )
    return lines
