"""Hall bus v1 (RS-485): window screens, caller pads and evaluators.

``codec`` turns bytes into typed messages and back (pure), ``sequence`` decides which events
are new (pure), ``master`` drives the bus from a worker thread. The simulator that speaks the
device side lives in :mod:`drivers.sim.hallbus`.
"""

from drivers.hallbus.master import (
    BUS_ADDRESS,
    BusDevice,
    BusStatus,
    BusTiming,
    DeviceRole,
    DeviceStatus,
    Direction,
    HallBusMaster,
    Health,
)

__all__ = [
    "BUS_ADDRESS",
    "BusDevice",
    "BusStatus",
    "BusTiming",
    "DeviceRole",
    "DeviceStatus",
    "Direction",
    "HallBusMaster",
    "Health",
]
