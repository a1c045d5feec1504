"""A simulated hall bus: window screens, caller pads and evaluators behind one link.

It speaks hall bus v1 from the device side, byte for byte, with the same codec the master
uses, so tests (and ``kiosk demo``) exercise the real driver over a real serial path: the
master opens a :class:`~drivers.sim.link.PtyLink` path (or a ``socket://`` URL served by
:class:`TcpEndpoint`) exactly as it would open ``/dev/ttyUSB0``.

Each simulated device records what it received (a screen keeps every text it was asked to
show, decoded), answers per the protocol (NAK for a bad CRC, an unknown command or a bad
payload) and can be told to misbehave: drop replies, ignore requests, corrupt or delay a
reply, go silent, restart. The bus can inject garbage bytes on the line.
"""

from __future__ import annotations

import logging
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, Final, Protocol

from drivers.hallbus.codec import (
    MAX_EVENTS_PER_FRAME,
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
    RejectReason,
    Score,
    Show,
    ShowMode,
    encode,
    next_seq,
    wire_time_s,
)

log = logging.getLogger("drivers.sim.hallbus")

RING_CAPACITY: Final = 32
MASTER_COMMANDS: Final = frozenset(
    int(m.command) for m in (Poll, Show, Clear, PadState, EvalStart, EvalCancel, Identify)
)
_NAK_FOR: Final = {
    RejectReason.BAD_CRC: NakCode.BAD_CRC,
    RejectReason.UNKNOWN_COMMAND: NakCode.UNKNOWN_COMMAND,
    RejectReason.BAD_PAYLOAD: NakCode.BAD_PAYLOAD,
}


class Endpoint(Protocol):
    """The device end of a link: what :class:`~drivers.sim.link.PtyLink` offers."""

    def read(self, n: int, timeout_s: float) -> bytes: ...

    def write(self, data: bytes) -> None: ...


@dataclass(frozen=True)
class Reply:
    frame: bytes
    delay_s: float = 0.0


# --- devices ---------------------------------------------------------------------------------


class SimulatedDevice:
    """Common behaviour: IDENTIFY, fault injection, a record of every request received.

    Methods are thread-safe: tests call them while the bus thread serves the master.
    """

    device_type: ClassVar[DeviceType]

    def __init__(self, address: int, firmware: tuple[int, int] = (1, 0)) -> None:
        if not 1 <= address <= 99:
            raise ValueError(f"address {address} out of 1..99")
        self.address = address
        self.firmware = firmware
        self.received: list[Message] = []
        self.replies_sent = 0
        self._lock = threading.RLock()
        self._silent = False
        self._ignore_requests = 0
        self._drop_replies = 0
        self._corrupt_replies = 0
        self._delays: deque[float] = deque()

    # fault injection

    def set_silent(self, silent: bool = True) -> None:
        """Answer nothing at all (powered off, cable cut at this device)."""
        with self._lock:
            self._silent = silent

    def ignore_next_requests(self, count: int = 1) -> None:
        """Requests lost on the way to the device: it never sees them, nothing changes."""
        with self._lock:
            self._ignore_requests += count

    def drop_next_replies(self, count: int = 1) -> None:
        """Replies lost on the way back: the device acted on the request (took the ack)."""
        with self._lock:
            self._drop_replies += count

    def corrupt_next_replies(self, count: int = 1) -> None:
        """Flip a bit in the CRC of the next replies, as line noise would."""
        with self._lock:
            self._corrupt_replies += count

    def delay_next_reply(self, seconds: float) -> None:
        """Answer late (beyond the master's 100 ms the reply arrives during its retry)."""
        with self._lock:
            self._delays.append(seconds)

    def restart(self) -> None:
        """Power cycle: whatever the device held in RAM is gone."""
        with self._lock:
            self._on_restart()

    def _on_restart(self) -> None:
        pass

    # protocol

    def handle(self, request: Message) -> Reply | None:
        with self._lock:
            if self._silent:
                return None
            if self._ignore_requests:
                self._ignore_requests -= 1
                return None
            self.received.append(request)
            if request.address == 0:  # broadcast: act, never answer
                self._respond(request)
                return None
            return self._deliver(self._respond(request))

    def handle_rejected(self, rejected: Rejected) -> Reply | None:
        """A frame for this address that failed its CRC or made no sense: NAK it."""
        with self._lock:
            if self._silent:
                return None
            if self._ignore_requests:
                self._ignore_requests -= 1
                return None
            return self._deliver(Nak(self.address, _NAK_FOR[rejected.reason]))

    def _deliver(self, reply: Message) -> Reply | None:
        if self._drop_replies:
            self._drop_replies -= 1
            return None
        frame = bytearray(encode(reply))
        if self._corrupt_replies:
            self._corrupt_replies -= 1
            frame[-3] ^= 0x01  # CRC low byte
        self.replies_sent += 1
        return Reply(bytes(frame), self._delays.popleft() if self._delays else 0.0)

    def _respond(self, request: Message) -> Message:
        if isinstance(request, Identify):
            return Info(self.address, self.device_type, *self.firmware)
        if isinstance(request, Poll):
            return self._on_poll(request)
        return self._on_command(request)

    def _on_poll(self, request: Poll) -> Message:
        return Ack(self.address)

    def _on_command(self, request: Message) -> Message:
        return Nak(self.address, NakCode.UNKNOWN_COMMAND)


@dataclass(frozen=True)
class ScreenUpdate:
    """One SHOW (``text`` set) or CLEAR (``text`` None) as the screen decoded it."""

    at: float
    text: str | None
    mode: ShowMode = ShowMode.STEADY
    seconds: int = 0


class ScreenMemory:
    """What a window screen was told to show, decoded from GB18030."""

    def __init__(self) -> None:
        self.updates: list[ScreenUpdate] = []

    def apply(self, request: Show | Clear) -> None:
        if isinstance(request, Show):
            update = ScreenUpdate(time.monotonic(), request.text, request.mode, request.seconds)
        else:
            update = ScreenUpdate(time.monotonic(), None)
        self.updates.append(update)

    def blank(self) -> None:
        """Power loss: the screen is dark until told again (history is kept for tests)."""
        self.updates.append(ScreenUpdate(time.monotonic(), None))

    @property
    def text(self) -> str:
        """What the screen shows now ("" when blank)."""
        return (self.updates[-1].text or "") if self.updates else ""

    @property
    def texts(self) -> list[str]:
        """Every text it was asked to show, in order (CLEARs left out)."""
        return [u.text for u in self.updates if u.text is not None]


class WindowScreen(SimulatedDevice):
    device_type = DeviceType.WINDOW_SCREEN

    def __init__(self, address: int, firmware: tuple[int, int] = (1, 0)) -> None:
        super().__init__(address, firmware)
        self.screen = ScreenMemory()

    def _on_restart(self) -> None:
        self.screen.blank()

    def _on_command(self, request: Message) -> Message:
        if isinstance(request, Show | Clear):
            self.screen.apply(request)
            return Ack(self.address)
        return super()._on_command(request)


class _EventSource(SimulatedDevice):
    """A device with an event ring: numbers events 1..255 (then 1), repeats until acked."""

    def __init__(
        self, address: int, firmware: tuple[int, int] = (1, 0), *, first_seq: int = 1
    ) -> None:
        super().__init__(address, firmware)
        self._ring: deque[Event] = deque()
        self._next_seq = first_seq
        self.lost_events = 0  # pushed out of a full ring before the master acked them
        self.acks_seen: list[int] = []

    def _push(self, kind: EventKind | int, arg: int) -> Event:
        with self._lock:
            event = Event(self._next_seq, kind, arg)
            self._next_seq = next_seq(self._next_seq)
            if len(self._ring) >= RING_CAPACITY:
                self._ring.popleft()
                self.lost_events += 1
            self._ring.append(event)
            return event

    @property
    def unacked(self) -> list[Event]:
        with self._lock:
            return list(self._ring)

    def restart(self) -> None:
        """Power cycle: unacknowledged events are gone, numbering starts again at 1."""
        with self._lock:
            self._ring.clear()
            self._next_seq = 1
            self._on_restart()

    def _on_poll(self, request: Poll) -> Message:
        self.acks_seen.append(request.ack_seq)
        # An ack removes that very event and everything older; an ack_seq matching no event
        # in the ring removes nothing (it may be the master's memory of our previous life).
        if any(event.seq == request.ack_seq for event in self._ring):
            while self._ring:
                if self._ring.popleft().seq == request.ack_seq:
                    break
        if not self._ring:
            return Ack(self.address)
        return Events(self.address, tuple(list(self._ring)[:MAX_EVENTS_PER_FRAME]))


class CallerPad(_EventSource):
    device_type = DeviceType.CALLER_PAD

    def __init__(
        self, address: int, firmware: tuple[int, int] = (1, 0), *, first_seq: int = 1
    ) -> None:
        super().__init__(address, firmware, first_seq=first_seq)
        self.pad_states: list[PadState] = []

    def press(self, kind: EventKind | int = EventKind.CALL_NEXT, arg: int = 0) -> Event:
        """A key press: queued in the ring, reported at the next POLL."""
        return self._push(kind, arg)

    @property
    def display(self) -> PadState | None:
        """What the pad's own display shows (the last PAD_STATE)."""
        with self._lock:
            return self.pad_states[-1] if self.pad_states else None

    def _on_restart(self) -> None:
        self.pad_states.clear()

    def _on_command(self, request: Message) -> Message:
        if isinstance(request, PadState):
            self.pad_states.append(request)
            return Ack(self.address)
        return super()._on_command(request)


class PadWithScreen(CallerPad):
    """A caller pad with a window screen behind one address."""

    device_type = DeviceType.PAD_AND_SCREEN

    def __init__(
        self, address: int, firmware: tuple[int, int] = (1, 0), *, first_seq: int = 1
    ) -> None:
        super().__init__(address, firmware, first_seq=first_seq)
        self.screen = ScreenMemory()

    def _on_restart(self) -> None:
        super()._on_restart()
        self.screen.blank()

    def _on_command(self, request: Message) -> Message:
        if isinstance(request, Show | Clear):
            self.screen.apply(request)
            return Ack(self.address)
        return super()._on_command(request)


class Evaluator(_EventSource):
    """A satisfaction evaluator: lights up on EVAL_START, reports the customer's SCORE."""

    device_type = DeviceType.EVALUATOR

    def __init__(
        self, address: int, firmware: tuple[int, int] = (1, 0), *, first_seq: int = 1
    ) -> None:
        super().__init__(address, firmware, first_seq=first_seq)
        self.evaluating: str | None = None  # ticket number being rated
        self.requests: list[str] = []

    def answer(self, score: Score) -> Event:
        """The customer pressed a key (or the device timed out with ``Score.NO_ANSWER``)."""
        with self._lock:
            self.evaluating = None
            return self._push(EventKind.SCORE, int(score))

    def _on_restart(self) -> None:
        self.evaluating = None

    def _on_command(self, request: Message) -> Message:
        if isinstance(request, EvalStart):
            self.evaluating = request.ticket
            self.requests.append(request.ticket)
            return Ack(self.address)
        if isinstance(request, EvalCancel):
            self.evaluating = None
            return Ack(self.address)
        return super()._on_command(request)


# --- the bus ---------------------------------------------------------------------------------


class HallBusSimulator:
    """Hosts simulated devices on the device side of one link, in one thread.

    ``wire_baudrate`` makes each reply wait for the time the request and the reply would
    take on a real line at that speed (a pty moves bytes instantly), so latency figures
    measured through the simulator include the wire.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        devices: Iterable[SimulatedDevice] = (),
        *,
        wire_baudrate: int | None = None,
        turnaround_s: float = 0.0,
    ) -> None:
        self.endpoint = endpoint
        self.devices: dict[int, SimulatedDevice] = {}
        for device in devices:
            self.add(device)
        self.wire_baudrate = wire_baudrate
        self.turnaround_s = turnaround_s
        self.received: list[Message] = []
        self.rejected: list[Rejected] = []
        self._parser = FrameParser()
        self._garbage_before_reply = b""
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, device: SimulatedDevice) -> None:
        if device.address in self.devices:
            raise ValueError(f"address {device.address} already simulated")
        self.devices[device.address] = device

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("simulator already started")
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="hallbus-sim", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(3.0)

    def __enter__(self) -> HallBusSimulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def inject_garbage(self, data: bytes) -> None:
        """Write noise on the line now."""
        self.endpoint.write(data)

    def garbage_before_next_reply(self, data: bytes) -> None:
        """Noise right in front of the next reply, as a glitch on the line would put it."""
        with self._lock:
            self._garbage_before_reply += data

    def _run(self) -> None:
        while not self._stopping.is_set():
            started = time.monotonic()
            # A short wait while a frame is half in: silence ends it (inter-frame gap).
            data = self.endpoint.read(256, 0.02 if self._parser.pending else 0.05)
            if not data:
                items = self._parser.flush()
                if time.monotonic() - started < 0.005:
                    time.sleep(0.01)  # unplugged: read returns at once, do not spin
            else:
                items = self._parser.feed(data)
            for item in items:
                try:
                    self._serve(item)
                except Exception:
                    log.exception("simulated hall bus failed to serve a frame")

    def _serve(self, item: Message | Rejected) -> None:
        if isinstance(item, Rejected):
            self.rejected.append(item)
            device = self.devices.get(item.address)
            if (
                device is None
                or item.reason not in _NAK_FOR
                or (item.reason is RejectReason.BAD_CRC and item.command not in MASTER_COMMANDS)
            ):
                return
            request_len = len(item.header) + (item.header[3] if len(item.header) > 3 else 0) + 3
            self._send(device.handle_rejected(item), request_len)
            return
        if not item.command.from_master:
            return  # another device's reply on a shared line
        self.received.append(item)
        if item.address == 0:
            for device in self.devices.values():
                device.handle(item)
            return
        target = self.devices.get(item.address)
        if target is not None:
            self._send(target.handle(item), len(encode(item)))

    def _send(self, reply: Reply | None, request_len: int) -> None:
        if reply is None:
            return
        delay = reply.delay_s + self.turnaround_s
        if self.wire_baudrate:
            delay += wire_time_s(request_len + len(reply.frame), self.wire_baudrate)
        if delay > 0:
            time.sleep(delay)
        with self._lock:
            garbage, self._garbage_before_reply = self._garbage_before_reply, b""
        self.endpoint.write(garbage + reply.frame)


class TcpEndpoint:
    """The device side of a ``socket://host:port`` link, for running the simulator over TCP.

    One master at a time; a new connection replaces the old one (the master reconnecting
    after an error). :meth:`disconnect` drops the master's connection, like a pulled cable.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = socket.create_server((host, port))
        self._client: socket.socket | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self._server.getsockname()[:2]
        return f"socket://{host}:{port}"

    def read(self, n: int, timeout_s: float) -> bytes:
        with self._lock:
            server, client = self._server, self._client
        if server.fileno() < 0:
            return b""
        watched = [server] if client is None else [server, client]
        try:
            ready, _, _ = select.select(watched, [], [], timeout_s)
        except (OSError, ValueError):
            return b""
        if server in ready:
            try:
                accepted, _ = server.accept()
            except OSError:
                return b""
            accepted.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._replace_client(accepted)
            return b""
        if client is None or client not in ready:
            return b""
        try:
            data = client.recv(n)
        except OSError:
            data = b""
        if not data:
            self.disconnect()
        return data

    def write(self, data: bytes) -> None:
        with self._lock:
            client = self._client
        if client is None:
            return
        try:
            client.sendall(data)
        except OSError:
            self.disconnect()

    def disconnect(self) -> None:
        self._replace_client(None)

    def close(self) -> None:
        self.disconnect()
        self._server.close()

    def _replace_client(self, client: socket.socket | None) -> None:
        with self._lock:
            old, self._client = self._client, client
        if old is not None:
            old.close()


__all__ = [
    "CallerPad",
    "Endpoint",
    "Evaluator",
    "HallBusSimulator",
    "PadWithScreen",
    "ScreenMemory",
    "ScreenUpdate",
    "SimulatedDevice",
    "TcpEndpoint",
    "WindowScreen",
]
