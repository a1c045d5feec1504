"""Real devices on a real bus, off by default.

On a bench: ``KIOSK_HALLBUS_URL=/dev/ttyUSB0 KIOSK_HALLBUS_DEVICES=3:pad:3,33:screen:3
pytest -m hardware tests/drivers/hallbus`` (optionally ``KIOSK_HALLBUS_BAUD=19200``), then
press CALL_NEXT on every pad within 20 s.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest

from drivers.hallbus.codec import Event, EventKind
from drivers.hallbus.master import BusDevice, DeviceRole, HallBusMaster, Health
from drivers.transport import PortSettings


def configured_devices(spec: str) -> list[BusDevice]:
    """``3:pad:3,33:screen:3`` → address:type:counter, comma separated."""
    devices = []
    for item in spec.split(","):
        address, role, counter = item.strip().split(":")
        devices.append(BusDevice(int(address), DeviceRole(role), int(counter)))
    return devices


def test_device_list_syntax_of_the_hardware_test() -> None:
    assert configured_devices("3:pad:3, 33:screen:3,5:pad+screen:5") == [
        BusDevice(3, DeviceRole.PAD, 3),
        BusDevice(33, DeviceRole.SCREEN, 3),
        BusDevice(5, DeviceRole.PAD_AND_SCREEN, 5),
    ]


@pytest.mark.hardware
@pytest.mark.skipif(
    not (os.environ.get("KIOSK_HALLBUS_URL") and os.environ.get("KIOSK_HALLBUS_DEVICES")),
    reason="set KIOSK_HALLBUS_URL and KIOSK_HALLBUS_DEVICES for a real bus",
)
def test_real_devices_identify_show_and_report_a_press(wait_until: Callable[..., bool]) -> None:
    devices = configured_devices(os.environ["KIOSK_HALLBUS_DEVICES"])
    settings = PortSettings(
        os.environ["KIOSK_HALLBUS_URL"], baudrate=int(os.environ.get("KIOSK_HALLBUS_BAUD", "9600"))
    )
    pads = {d.address for d in devices if d.role.has_pad}
    pressed: set[int] = set()
    lock = threading.Lock()
    master: HallBusMaster

    def on_key(counter: int, address: int, event: Event) -> None:
        if event.kind == EventKind.CALL_NEXT:
            with lock:
                pressed.add(address)
            master.show_call(counter, "A000")

    master = HallBusMaster(settings, devices, on_key=on_key)
    with master:
        assert wait_until(
            lambda: all(s.health is Health.ONLINE for s in master.device_states()), 5.0
        ), [f"{s.address}: {s.health.value}" for s in master.device_states()]
        for status in master.device_states():
            assert status.device_type == status.role.device_type, (
                f"device {status.address} says it is {status.device_type}"
            )
        for counter in {d.counter for d in devices}:
            master.show_text(counter, "硬件测试 请按呼叫")
            master.pad_state(counter, 0, "A000")
        assert wait_until(lambda: pressed >= pads, 20.0), f"no press from {pads - pressed}"
