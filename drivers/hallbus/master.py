"""The hall bus master: one worker thread that owns the RS-485 port.

Why a thread of its own: the bus is half duplex and strictly master-driven, so exactly one
loop must decide what goes on the wire next (a poll, a retry, a window-screen frame). Callers
(the queue, the API, the soft caller) never touch the port: ``show_call`` and friends only put
the frame in an outbox and wake the worker, so they return at once whatever the bus is doing.

What the worker does, per the protocol (``shared/protocols/hallbus.md``):

* polls every caller pad and evaluator in turn with ``POLL(ack_seq)`` and applies each event
  exactly once (:class:`~drivers.hallbus.sequence.EventSequence`);
* between every two transactions sends what waits in the outbox, window-screen frames first,
  so a call's SHOW goes out before the next poll round;
* waits 100 ms for a reply, retries twice, and after three missed rounds marks a device
  offline (``on_fault``); an offline device is asked IDENTIFY every 10 s, and its INFO brings
  it back (``on_recovered``) with its expected sequence reset and its screen redrawn;
* when the port itself vanishes (USB adapter unplugged) reports a fault for the whole bus
  (address :data:`BUS_ADDRESS`, 0) and reopens the port about once a second until it is back.

Callbacks run on the worker thread. They must be quick and must not block; calling
``show_call`` from ``on_key`` is fine (that is how a press turns into a screen frame within
one transaction). An exception in a callback is logged and does not stop the bus.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from drivers.errors import DeviceError
from drivers.hallbus.codec import (
    MAX_FRAME_LEN,
    Ack,
    Clear,
    DeviceType,
    EvalCancel,
    EvalStart,
    Event,
    EventKind,
    Events,
    FrameParser,
    Identify,
    Info,
    Message,
    Nak,
    NakCode,
    PadState,
    Poll,
    Rejected,
    Score,
    Show,
    ShowMode,
    encode,
    wire_time_s,
)
from drivers.hallbus.sequence import EventSequence
from drivers.transport import PortSettings, SerialTransport

log = logging.getLogger("drivers.hallbus")

BUS_ADDRESS: Final = 0
"""The address ``on_fault`` / ``on_recovered`` use for the port itself (no device has it)."""

PAUSED_TEXT: Final = "暂停服务"
CALL_FLASH_SECONDS: Final = 10


class DeviceRole(enum.StrEnum):
    """What a configured address is, as written in the hall config."""

    SCREEN = "screen"
    PAD = "pad"
    EVALUATOR = "evaluator"
    PAD_AND_SCREEN = "pad+screen"

    @property
    def has_screen(self) -> bool:
        return self in (DeviceRole.SCREEN, DeviceRole.PAD_AND_SCREEN)

    @property
    def has_pad(self) -> bool:
        return self in (DeviceRole.PAD, DeviceRole.PAD_AND_SCREEN)

    @property
    def is_polled(self) -> bool:
        """Devices that produce events; a plain window screen has nothing to report."""
        return self is not DeviceRole.SCREEN

    @property
    def device_type(self) -> DeviceType:
        return _ROLE_TYPES[self]


_ROLE_TYPES: Final = {
    DeviceRole.SCREEN: DeviceType.WINDOW_SCREEN,
    DeviceRole.PAD: DeviceType.CALLER_PAD,
    DeviceRole.EVALUATOR: DeviceType.EVALUATOR,
    DeviceRole.PAD_AND_SCREEN: DeviceType.PAD_AND_SCREEN,
}


@dataclass(frozen=True)
class BusDevice:
    """One configured device: its bus address, what it is and which counter it belongs to."""

    address: int
    role: DeviceRole
    counter: int

    def __post_init__(self) -> None:
        if not 1 <= self.address <= 99:
            raise ValueError(f"hall bus address {self.address} out of 1..99")
        if self.counter < 0:
            raise ValueError(f"counter {self.counter} is negative")


@dataclass(frozen=True)
class BusTiming:
    """The protocol's timing. Tests shorten the slow parts; a hall keeps the defaults."""

    reply_timeout_s: float = 0.1
    retries: int = 2
    offline_after_missed_rounds: int = 3
    identify_offline_every_s: float = 10.0
    check_screens_every_s: float = 10.0  # IDENTIFY to screens nobody polls, to notice them die
    min_round_s: float = 0.02  # keeps an idle fast link (pty, 115200 baud) from spinning a core
    reopen_every_s: float = 1.0
    read_slice_s: float = 0.01  # granularity of waiting for a reply
    # Silence that ends a frame. USB serial adapters hand bytes over in bursts (an FTDI chip
    # every 16 ms), so a shorter gap inside a reply is not the end of it.
    frame_silence_s: float = 0.03


class Health(enum.StrEnum):
    UNKNOWN = "unknown"  # not heard from since start
    ONLINE = "online"
    OFFLINE = "offline"


class Direction(enum.StrEnum):
    TX = "tx"
    RX = "rx"


@dataclass(frozen=True)
class DeviceStatus:
    """A snapshot for ``kiosk devices`` and the manager's view; no personal data."""

    address: int
    role: DeviceRole
    counter: int
    health: Health
    missed_rounds: int = 0
    device_type: DeviceType | int | None = None
    firmware: str | None = None
    last_answer_at: float | None = None  # wall clock (time.time())
    events_applied: int = 0
    duplicates_ignored: int = 0
    restarts_detected: int = 0
    naks: int = 0


@dataclass(frozen=True)
class BusStatus:
    url: str
    port_open: bool
    frames_sent: int
    frames_received: int
    rejected: dict[str, int]
    noise_bytes: int


KeyCallback = Callable[[int, int, Event], None]
ScoreCallback = Callable[[int, int, Score], None]
FaultCallback = Callable[[int, str], None]
RecoveredCallback = Callable[[int], None]
FrameCallback = Callable[[Direction, int, "Message | Rejected"], None]


class _Slot(enum.IntEnum):
    """Outbox slots per address, in sending order. A newer frame replaces an older one in the
    same slot: only the latest screen content, evaluation request and pad display matter."""

    DISPLAY = 0
    EVALUATION = 1
    PAD_STATE = 2


_SLOT_OF: Final[dict[type[Message], _Slot]] = {
    Show: _Slot.DISPLAY,
    Clear: _Slot.DISPLAY,
    EvalStart: _Slot.EVALUATION,
    EvalCancel: _Slot.EVALUATION,
    PadState: _Slot.PAD_STATE,
}

_RETRY_NAKS: Final = (NakCode.BAD_CRC, NakCode.BUSY)


@dataclass
class _Device:
    """What the worker knows about one address. Only the worker thread touches it."""

    config: BusDevice
    health: Health = Health.UNKNOWN
    missed_rounds: int = 0
    sequence: EventSequence = dataclasses.field(default_factory=EventSequence)
    next_identify_at: float = 0.0
    next_check_at: float = 0.0
    info: Info | None = None
    last_answer_at: float | None = None
    naks: int = 0
    shown: Message | None = None  # last SHOW/CLEAR the screen acknowledged
    pad_shown: PadState | None = None


class HallBusMaster:
    """Drives one RS-485 hall bus. Construct, :meth:`start`, use, :meth:`stop`."""

    def __init__(
        self,
        port: PortSettings | str,
        devices: Iterable[BusDevice],
        *,
        on_key: KeyCallback | None = None,
        on_score: ScoreCallback | None = None,
        on_fault: FaultCallback | None = None,
        on_recovered: RecoveredCallback | None = None,
        on_frame: FrameCallback | None = None,
        timing: BusTiming | None = None,
        name: str = "hallbus",
    ) -> None:
        settings = PortSettings(port) if isinstance(port, str) else port
        self.timing = timing or BusTiming()
        # Reads are sliced finely so a reply is seen as soon as it is complete.
        self._settings = dataclasses.replace(settings, timeout_s=self.timing.read_slice_s)
        self._transport = SerialTransport(name, self._settings)
        self._devices: dict[int, _Device] = {}
        for device in devices:
            if device.address in self._devices:
                raise ValueError(f"hall bus address {device.address} configured twice")
            self._devices[device.address] = _Device(device)
        self._on_key = on_key
        self._on_score = on_score
        self._on_fault = on_fault
        self._on_recovered = on_recovered
        self._on_frame = on_frame
        self._parser = FrameParser()
        self._outbox: dict[tuple[int, _Slot], Message] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._status: dict[int, DeviceStatus] = {}
        self._bus_fault = False
        self._last_activity = 0.0
        self._frames_sent = 0
        self._frames_received = 0
        self._housekeeping_left = 1
        self._gap_s = wire_time_s(1, settings.baudrate) * 3.5  # inter-frame gap, 3.5 characters
        for runtime in self._devices.values():
            self._publish(runtime)

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker; the port is opened there, so this never blocks on hardware."""
        if self._thread is not None:
            raise RuntimeError("hall bus master already started")
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="hallbus-master", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 3.0) -> None:
        """Stop the worker and close the port. Safe to call twice or before start."""
        self._stopping.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is threading.current_thread():
            return  # called from a callback: the worker ends after this round and closes
        if thread is not None:
            thread.join(timeout_s)
            if thread.is_alive():
                log.error("hall bus worker did not stop within %.1f s", timeout_s)
        self._transport.close()

    def __enter__(self) -> HallBusMaster:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what callers ask for (never blocks) -----------------------------------------------

    def show_call(self, counter: int, ticket_number: str, text: str | None = None) -> bool:
        """Flash a call on the counter's window screen(s).

        ``text`` defaults to 「请{ticket}号到{counter}号窗口」. Returns False if no screen is
        configured for the counter (nothing was queued).
        """
        shown = text if text is not None else f"请{ticket_number}号到{counter}号窗口"
        return self.show_text(counter, shown, ShowMode.FLASH, CALL_FLASH_SECONDS)

    def show_paused(self, counter: int) -> bool:
        """Show 暂停服务 steadily on the counter's window screen(s)."""
        return self.show_text(counter, PAUSED_TEXT, ShowMode.STEADY, 0)

    def show_text(
        self, counter: int, text: str, mode: ShowMode = ShowMode.STEADY, seconds: int = 0
    ) -> bool:
        """Any text (cut to 32 GB18030 bytes on a character boundary) on the counter's screens."""
        return self._enqueue(
            counter,
            lambda role: role.has_screen,
            lambda address: Show(address, text, mode, seconds),
        )

    def clear(self, counter: int) -> bool:
        return self._enqueue(counter, lambda role: role.has_screen, Clear)

    def pad_state(self, counter: int, waiting: int, current: str = "") -> bool:
        """What the counter's caller pad shows: people waiting and the ticket being served."""
        return self._enqueue(
            counter,
            lambda role: role.has_pad,
            lambda address: PadState(address, max(0, waiting), current),
        )

    def eval_start(self, counter: int, ticket_number: str) -> bool:
        """Ask the customer at ``counter`` to rate the service of ``ticket_number``."""
        return self._enqueue(
            counter,
            lambda role: role is DeviceRole.EVALUATOR,
            lambda address: EvalStart(address, ticket_number),
        )

    def eval_cancel(self, counter: int) -> bool:
        return self._enqueue(counter, lambda role: role is DeviceRole.EVALUATOR, EvalCancel)

    def device_states(self) -> list[DeviceStatus]:
        """A consistent snapshot per device, ordered by address."""
        with self._lock:
            return [self._status[address] for address in sorted(self._status)]

    def bus_status(self) -> BusStatus:
        return BusStatus(
            url=self._settings.url,
            port_open=self._transport.is_open,
            frames_sent=self._frames_sent,
            frames_received=self._frames_received,
            # dict() of a dict subclass that does not override __iter__ copies in one step
            # under the GIL, so the worker adding a reason meanwhile cannot break it.
            rejected={reason.value: n for reason, n in dict(self._parser.rejected).items()},
            noise_bytes=self._parser.noise_bytes,
        )

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _enqueue(
        self,
        counter: int,
        wanted: Callable[[DeviceRole], bool],
        build: Callable[[int], Message],
    ) -> bool:
        targets = [
            d.config.address
            for d in self._devices.values()
            if d.config.counter == counter and wanted(d.config.role)
        ]
        if not targets:
            log.debug("no hall bus device of that kind for counter %d", counter)
            return False
        with self._lock:
            for address in targets:
                message = build(address)
                self._outbox[(address, _SLOT_OF[type(message)])] = message
        self._wake.set()
        return True

    # --- worker ----------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                if not self._transport.is_open and not self._open_port():
                    self._stopping.wait(self.timing.reopen_every_s)
                    continue
                try:
                    self._round()
                except DeviceError as exc:
                    self._port_lost(exc)
                except Exception:
                    # A bug must not silence the hall's pads: log it and keep polling.
                    log.exception("hall bus round failed")
                    self._stopping.wait(0.1)
        finally:
            self._transport.close()

    def _open_port(self) -> bool:
        try:
            self._transport.open()
        except DeviceError as exc:
            self._bus_down(exc)
            return False
        self._parser.flush()  # bytes from before the outage belong to nobody
        self._last_activity = time.monotonic()
        if self._bus_fault:
            self._bus_fault = False
            log.warning("hall bus port %s is back", self._settings.url)
            self._call(self._on_recovered, BUS_ADDRESS)
        else:
            log.info("hall bus port %s open", self._settings.url)
        return True

    def _port_lost(self, exc: DeviceError) -> None:
        self._transport.close()
        self._bus_down(exc)

    def _bus_down(self, exc: DeviceError) -> None:
        if self._bus_fault:
            log.debug("hall bus port still unavailable: %s", exc.message)
            return
        self._bus_fault = True
        log.warning(
            "hall bus port unavailable, retrying every %g s: %s",
            self.timing.reopen_every_s,
            exc.message,
        )
        self._call(self._on_fault, BUS_ADDRESS, f"hall bus port unavailable: {exc.message}")

    def _round(self) -> None:
        """One poll round over all pads and evaluators, the outbox in between."""
        started = time.monotonic()
        self._wake.clear()
        self._housekeeping_left = 1
        self._send_pending()
        for device in self._devices.values():
            if self._stopping.is_set():
                return
            if device.config.role.is_polled:
                self._service_polled(device)
            else:
                self._service_screen(device)
            self._send_pending()
        self._idle(started)

    def _idle(self, round_started: float) -> None:
        now = time.monotonic()
        polled_online = any(
            d.config.role.is_polled and d.health is not Health.OFFLINE
            for d in self._devices.values()
        )
        if polled_online:
            wait = self.timing.min_round_s - (now - round_started)
        else:
            # Nothing to poll: sleep until an identify or screen check is due, or work comes.
            due = [self._next_due(d) for d in self._devices.values()]
            wait = min([*due, now + 0.5]) - now
            wait = max(wait, self.timing.min_round_s - (now - round_started))
        if wait > 0:
            self._wake.wait(wait)

    def _next_due(self, device: _Device) -> float:
        if device.health is Health.OFFLINE:
            return device.next_identify_at
        if device.config.role.is_polled:
            return time.monotonic()
        return device.next_check_at

    def _service_polled(self, device: _Device) -> None:
        if device.health is Health.OFFLINE:
            self._try_identify(device)
        elif device.health is Health.UNKNOWN:
            self._identify_first(device)
        else:
            self._poll(device)

    def _service_screen(self, device: _Device) -> None:
        now = time.monotonic()
        if device.health is Health.OFFLINE:
            self._try_identify(device)
        elif device.health is Health.UNKNOWN:
            self._identify_first(device)
        elif (device.missed_rounds or now >= device.next_check_at) and self._may_housekeep():
            reply = self._transact(device, Identify(device.config.address))
            if reply is None:
                self._missed_round(device)
            else:
                self._answered(device, reply)
                device.next_check_at = now + self.timing.check_screens_every_s
        self._publish(device)

    def _identify_first(self, device: _Device) -> None:
        reply = self._transact(device, Identify(device.config.address))
        if reply is None:
            self._missed_round(device)
        else:
            self._answered(device, reply)
            device.next_check_at = time.monotonic() + self.timing.check_screens_every_s
        self._publish(device)

    def _may_housekeep(self) -> bool:
        """One health-check IDENTIFY per round at most: eight screens due at the same second
        must not hold every pad's poll back by eight transactions (170 ms at 9600 baud)."""
        if self._housekeeping_left <= 0:
            return False
        self._housekeeping_left -= 1
        return True

    def _try_identify(self, device: _Device) -> None:
        now = time.monotonic()
        if now < device.next_identify_at or not self._may_housekeep():
            return
        device.next_identify_at = now + self.timing.identify_offline_every_s
        # One try, no retries: a dead device should cost the live ones 100 ms per 10 s, not 300.
        reply = self._transact(device, Identify(device.config.address), attempts=1)
        if isinstance(reply, Info):
            self._recovered(device, reply)
        self._publish(device)

    def _poll(self, device: _Device) -> None:
        address = device.config.address
        reply = self._transact(device, Poll(address, device.sequence.ack_seq))
        if reply is None:
            self._missed_round(device)
        else:
            self._answered(device, reply)
            if isinstance(reply, Events):
                self._apply(device, reply)
            elif isinstance(reply, Ack):
                device.sequence.nothing_pending()
            elif not isinstance(reply, Nak):
                log.warning("device %d answered POLL with %s", address, reply.command.name)
        self._publish(device)

    def _apply(self, device: _Device, reply: Events) -> None:
        sequence = device.sequence
        restarts, skipped = sequence.restarts, sequence.skipped
        fresh = sequence.accept(reply.events)
        address, counter = device.config.address, device.config.counter
        if sequence.restart_suspected:
            log.info(
                "device %d repeats events it should have dropped; watching for a restart", address
            )
        if sequence.restarts > restarts:
            log.warning(
                "device %d restarted (its event sequence went back); counting anew", address
            )
        if sequence.skipped > skipped:
            log.warning(
                "device %d skipped %d event numbers: its ring overflowed, presses lost",
                address,
                sequence.skipped - skipped,
            )
        for event in fresh:
            if event.kind == EventKind.SCORE:
                score = event.score
                if score is None:
                    log.warning("device %d sent score %d outside 0..4; ignored", address, event.arg)
                    continue
                self._call(self._on_score, counter, address, score)
            else:
                if not isinstance(event.kind, EventKind):
                    log.warning("device %d sent unknown event kind 0x%02X", address, event.kind)
                self._call(self._on_key, counter, address, event)

    def _answered(self, device: _Device, reply: Message) -> None:
        device.missed_rounds = 0
        device.last_answer_at = time.time()
        if isinstance(reply, Info):
            self._check_info(device, reply)
        if device.health is Health.UNKNOWN:
            device.health = Health.ONLINE
            log.info(
                "device %d (%s, counter %d) online",
                device.config.address,
                device.config.role.value,
                device.config.counter,
            )

    def _check_info(self, device: _Device, info: Info) -> None:
        device.info = info
        expected = device.config.role.device_type
        if info.device_type != expected:
            log.warning(
                "device %d reports type %s but is configured as %s",
                device.config.address,
                getattr(info.device_type, "name", info.device_type),
                device.config.role.value,
            )

    def _missed_round(self, device: _Device) -> None:
        device.missed_rounds += 1
        if (
            device.missed_rounds >= self.timing.offline_after_missed_rounds
            and device.health is not Health.OFFLINE
        ):
            device.health = Health.OFFLINE
            device.next_identify_at = time.monotonic() + self.timing.identify_offline_every_s
            message = (
                f"device {device.config.address} ({device.config.role.value}, counter "
                f"{device.config.counter}) does not answer"
            )
            log.warning(
                "%s; asking IDENTIFY every %g s", message, self.timing.identify_offline_every_s
            )
            self._call(self._on_fault, device.config.address, message)

    def _recovered(self, device: _Device, info: Info) -> None:
        address = device.config.address
        device.health = Health.ONLINE
        device.missed_rounds = 0
        device.last_answer_at = time.time()
        device.next_check_at = time.monotonic() + self.timing.check_screens_every_s
        self._check_info(device, info)
        # It may have restarted while silent: count its events anew, and redraw what it showed.
        device.sequence.device_reidentified()
        with self._lock:
            if device.shown is not None:
                self._outbox.setdefault((address, _Slot.DISPLAY), device.shown)
            if device.pad_shown is not None:
                self._outbox.setdefault((address, _Slot.PAD_STATE), device.pad_shown)
        log.warning("device %d is back", address)
        self._call(self._on_recovered, address)

    def _send_pending(self) -> None:
        with self._lock:
            if not self._outbox:
                return
            pending = sorted(self._outbox.items(), key=lambda item: item[0][1])
        failed: set[int] = set()
        for key, message in pending:
            address = key[0]
            device = self._devices[address]
            if device.health is Health.OFFLINE or address in failed or self._stopping.is_set():
                continue
            reply = self._transact(device, message)
            if reply is None:
                failed.add(address)
                self._missed_round(device)
            else:
                self._answered(device, reply)
                if isinstance(reply, Ack):
                    self._done(key, message)
                    if isinstance(message, Show | Clear):
                        device.shown = message
                    elif isinstance(message, PadState):
                        device.pad_shown = message
                elif isinstance(reply, Nak) and reply.code not in _RETRY_NAKS:
                    log.error(
                        "device %d refused %s (NAK %s); dropped",
                        address,
                        message.command.name,
                        reply.code,
                    )
                    self._done(key, message)
            self._publish(device)

    def _done(self, key: tuple[int, _Slot], message: Message) -> None:
        with self._lock:
            if self._outbox.get(key) is message:  # not replaced by a newer frame meanwhile
                del self._outbox[key]

    def _transact(
        self, device: _Device, request: Message, attempts: int | None = None
    ) -> Message | None:
        """Send ``request`` up to 1 + retries times; the device's reply, or None if silent.

        A NAK for a bad CRC or busy is retried like silence; if every attempt ends that way the
        last NAK is returned (the device is alive, it just did not take the frame).
        """
        frame = encode(request)
        address = request.address
        last_nak: Nak | None = None
        for _attempt in range(attempts or 1 + self.timing.retries):
            if self._stopping.is_set():
                break
            self._send(frame, request)
            reply = self._read_reply(address)
            if reply is None:
                continue
            if isinstance(reply, Nak):
                device.naks += 1
                if reply.code in _RETRY_NAKS:
                    last_nak = reply
                    continue
            return reply
        return last_nak

    def _send(self, frame: bytes, request: Message) -> None:
        # Half duplex: whatever is still in the receive path belongs to nobody now.
        self._take_reply(self._parser.flush(), -1)
        self._transport.reset_input()
        gap_left = self._gap_s - (time.monotonic() - self._last_activity)
        if gap_left > 0:
            time.sleep(gap_left)
        self._transport.write(frame)
        self._last_activity = time.monotonic()
        self._frames_sent += 1
        if self._on_frame is not None:
            self._call(self._on_frame, Direction.TX, request.address, request)

    def _read_reply(self, address: int) -> Message | None:
        deadline = time.monotonic() + self.timing.reply_timeout_s
        last_byte_at = time.monotonic()
        while True:
            now = time.monotonic()
            timed_out = now >= deadline
            if timed_out or (
                self._parser.pending and now - last_byte_at >= self.timing.frame_silence_s
            ):
                # Silence ends a frame: a corrupt header must not hold the real reply hostage.
                reply = self._take_reply(self._parser.flush(), address)
                if reply is not None or timed_out:
                    return reply
            chunk = self._transport.read(min(self._parser.bytes_needed(), MAX_FRAME_LEN))
            if not chunk:
                continue
            last_byte_at = self._last_activity = time.monotonic()
            reply = self._take_reply(self._parser.feed(chunk), address)
            if reply is not None:
                return reply
            if self._parser.pending:
                # A frame is arriving: give it the time its remaining bytes take on the wire.
                remaining = wire_time_s(self._parser.bytes_needed(), self._settings.baudrate)
                deadline = max(deadline, last_byte_at + remaining + self.timing.frame_silence_s)

    def _take_reply(self, items: list[Message | Rejected], address: int) -> Message | None:
        """Report everything that came in; the first answer from ``address``, if any."""
        reply: Message | None = None
        for item in items:
            if isinstance(item, Rejected):
                self._report_rejected(item)
                continue
            self._frames_received += 1
            if self._on_frame is not None:
                self._call(self._on_frame, Direction.RX, item.address, item)
            if reply is None and item.address == address and not item.command.from_master:
                reply = item
        return reply

    def _report_rejected(self, rejected: Rejected) -> None:
        log.debug("hall bus frame rejected: %s %s", rejected.reason.value, rejected.header.hex())
        if self._on_frame is not None:
            self._call(self._on_frame, Direction.RX, max(rejected.address, 0), rejected)

    def _publish(self, device: _Device) -> None:
        info = device.info
        status = DeviceStatus(
            address=device.config.address,
            role=device.config.role,
            counter=device.config.counter,
            health=device.health,
            missed_rounds=device.missed_rounds,
            device_type=info.device_type if info else None,
            firmware=f"{info.fw_major}.{info.fw_minor}" if info else None,
            last_answer_at=device.last_answer_at,
            events_applied=device.sequence.applied,
            duplicates_ignored=device.sequence.duplicates,
            restarts_detected=device.sequence.restarts,
            naks=device.naks,
        )
        with self._lock:
            self._status[device.config.address] = status

    def _call(self, callback: Callable[..., object] | None, *args: object) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:
            log.exception("hall bus callback %s failed", getattr(callback, "__name__", callback))


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
