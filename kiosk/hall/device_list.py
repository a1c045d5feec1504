"""The hall's devices as one list: one entry per device, one state each, in the words of the
device-state table (``drivers/device_states.py``).

``GET /api/v1/devices`` answers with it, and through it ``kiosk devices``, ``kiosk doctor``
and the lobby's admin panel. The printer's paper is part of the printer's one state (a
printer out of paper is one ✗ entry saying 缺纸, a roll running low one ! entry), and each
hall-bus address follows the bus it hangs on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drivers import device_states
from drivers.device_states import Level

if TYPE_CHECKING:
    from kiosk.hall.devices import DeviceState, HallDevices


def printer_state(printer: Any) -> str | None:
    """The printer's state key, from what its driver last read; None before the first read."""
    from drivers.printer.status import state_key

    status, fault = printer.status, printer.fault
    if status is None and fault is None:
        return None
    return state_key(status, fault)


def _state_key(devices: HallDevices, s: DeviceState) -> str:
    if s.name == "printer":
        return s.state  # kept by HallDevices._on_printer_changed
    if s.ok:
        return "ok"
    if s.name == "idcard" and devices.idcard is not None:
        return str(getattr(devices.idcard, "fault_state", "") or "error")
    return "unavailable" if s.name == "hallbus" else "error"


def entry(
    name: str,
    state: str,
    *,
    kind: str,
    url: str,
    detail: str = "",
    english: bool = False,
    role: str | None = None,
    counter: int | None = None,
) -> dict[str, Any]:
    """One device as the API shows it (``DeviceOut``)."""
    line = device_states.line(name, state, role=role, counter=counter, detail=detail)
    w = line.words
    out: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "url": url,
        "ok": w.level is not Level.FAIL,
        "detail": detail,
        "state": state,
        "level": w.level.value,
        "label": line.label.pick(english),
        "text": w.state.pick(english),
        "fix": w.fix.pick(english),
    }
    if role is not None:
        out.update(role=role, counter=counter)
    return out


def device_entries(
    devices: HallDevices, states: list[DeviceState], *, english: bool = False
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for s in states:
        e = entry(
            s.name,
            _state_key(devices, s),
            kind=s.kind,
            url=s.url,
            detail=s.detail,
            english=english,
        )
        if s.name == "printer" and devices.printer is not None:
            status = devices.printer.status
            e["paper"] = str(status.paper.value) if status is not None else None
        out.append(e)
        if s.name == "hallbus" and devices.hallbus is not None:
            out += [_bus_entry(devices, d, english) for d in devices.hallbus.device_states()]
    return out


def _bus_entry(devices: HallDevices, d: Any, english: bool) -> dict[str, Any]:
    health = str(d.health)
    state = {"online": "ok", "offline": "not_answering"}.get(health, "unknown")
    return entry(
        f"hallbus:{d.address}",
        state,
        kind=f"hall bus {d.role} of counter {d.counter}",
        url=devices.config.hallbus.url,
        detail=health,
        english=english,
        role=str(d.role),
        counter=d.counter,
    )
