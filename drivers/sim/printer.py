"""A byte-exact ESC/POS ticket printer on the far side of a pty.

:class:`PrinterSim` runs the decoder (:mod:`drivers.sim.escpos_decoder`) on the device side
of a :class:`~drivers.sim.link.PtyLink` in a thread, answers ``DLE EOT n`` from its state
(paper, cover, cutter, silence) and keeps what it printed; :meth:`PrinterSim.tickets` splits
that at the cuts.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from drivers.printer.driver import PrinterSettings, TicketPrinter
from drivers.printer.ticket import render_ticket, typical_ticket
from drivers.sim.escpos_decoder import (
    DecodedTicket,
    EscposDecoder,
    Item,
    StatusRequest,
    split_tickets,
)
from drivers.sim.link import PtyLink

PaperState = Literal["ok", "near_end", "out"]


# -- the device ---------------------------------------------------------------------------


class DeviceLink(Protocol):
    """The device side of a cable: :class:`~drivers.sim.link.PtyLink` or a TCP socket."""

    @property
    def plugged(self) -> bool: ...

    def read(self, n: int, timeout_s: float) -> bytes: ...

    def write(self, data: bytes) -> None: ...


@dataclass
class _SimState:
    paper: PaperState = "ok"
    cover_open: bool = False
    cutter_error: bool = False
    silent: bool = False
    bytes_until_out: int | None = None
    printed: list[Item] = field(default_factory=list)
    dropped: list[Item] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    received: bytearray = field(default_factory=bytearray)


class PrinterSim:
    """An ESC/POS printer on the device side of ``link``, run in a thread.

    Items decoded while it cannot print (paper out, cover open, cutter error) are dropped,
    as a real printer would not put them on paper.
    """

    def __init__(self, link: DeviceLink, *, paper: PaperState = "ok") -> None:
        self.link = link
        self._decoder = EscposDecoder()
        self._state = _SimState(paper=paper)
        self._lock = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> PrinterSim:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="printer-sim", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=2.0)

    def __enter__(self) -> PrinterSim:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stop.is_set():
            data = self.link.read(4096, 0.02)
            if data:
                self.receive(data)
            elif not self.link.plugged:
                self._stop.wait(0.02)  # read() returns at once while unplugged: do not spin

    # -- controls --------------------------------------------------------------------------
    def set_paper(self, paper: PaperState) -> None:
        if paper not in ("ok", "near_end", "out"):
            raise ValueError(f"paper must be ok, near_end or out, not {paper!r}")
        with self._lock:
            self._state.paper = paper
            self._state.bytes_until_out = None

    def open_cover(self) -> None:
        with self._lock:
            self._state.cover_open = True

    def close_cover(self) -> None:
        with self._lock:
            self._state.cover_open = False

    def set_cutter_error(self, error: bool = True) -> None:
        with self._lock:
            self._state.cutter_error = error

    def run_out_after(self, n_bytes: int) -> None:
        """The roll ends after ``n_bytes`` more bytes (status queries count too)."""
        with self._lock:
            self._state.bytes_until_out = max(0, n_bytes)

    def go_silent(self, silent: bool = True) -> None:
        """Stop (or resume) answering real-time status, as a hung or off printer does."""
        with self._lock:
            self._state.silent = silent

    # -- observations ----------------------------------------------------------------------
    @property
    def received(self) -> bytes:
        with self._lock:
            return bytes(self._state.received)

    @property
    def status_requests(self) -> list[int]:
        with self._lock:
            return list(self._state.requests)

    def items(self) -> list[Item]:
        with self._lock:
            return list(self._state.printed)

    def dropped(self) -> list[Item]:
        with self._lock:
            return list(self._state.dropped)

    def tickets(self) -> list[DecodedTicket]:
        return split_tickets(self.items())

    def wait_for(self, predicate: Callable[[PrinterSim], bool], timeout_s: float = 2.0) -> bool:
        deadline = time.monotonic() + timeout_s
        with self._lock:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
            return True

    def wait_for_tickets(self, n: int, timeout_s: float = 2.0) -> list[DecodedTicket]:
        self.wait_for(lambda sim: len(sim.tickets()) >= n, timeout_s)
        return self.tickets()

    # -- the device logic ------------------------------------------------------------------
    def _can_print(self) -> bool:
        s = self._state
        return s.paper != "out" and not s.cover_open and not s.cutter_error

    def status_byte(self, query: int) -> int | None:
        """The reply to ``DLE EOT query`` in the current state (None: no reply)."""
        with self._lock:
            s = self._state
            base = 0x12
            paper_out = s.paper == "out"
            if query == 1:
                offline = paper_out or s.cover_open or s.cutter_error
                return base | (0x08 if offline else 0)
            if query == 2:
                return (
                    base
                    | (0x04 if s.cover_open else 0)
                    | (0x20 if paper_out else 0)
                    | (0x40 if s.cutter_error else 0)
                )
            if query == 3:
                return base | (0x08 if s.cutter_error else 0)
            if query == 4:
                return base | (0x60 if paper_out else 0x0C if s.paper == "near_end" else 0)
            return None

    def receive(self, data: bytes) -> None:
        """Process bytes as if they came down the cable (the thread calls this)."""
        with self._lock:
            self._state.received += data
            until_out = self._state.bytes_until_out
            if until_out is not None and until_out < len(data):
                self._process(data[:until_out])
                self._state.paper = "out"
                self._state.bytes_until_out = None
                self._process(data[until_out:])
            else:
                if until_out is not None:
                    self._state.bytes_until_out = until_out - len(data)
                self._process(data)
            self._lock.notify_all()

    def _process(self, data: bytes) -> None:
        if not data:
            return
        for item in self._decoder.feed(data):
            if isinstance(item, StatusRequest):
                self._state.requests.append(item.query)
                if not self._state.silent:
                    reply = self.status_byte(item.query)
                    if reply is not None:
                        with contextlib.suppress(OSError):
                            self.link.write(bytes((reply,)))
            elif self._can_print():
                self._state.printed.append(item)
            else:
                self._state.dropped.append(item)


# -- bench helpers (bench/devices.py) -----------------------------------------------------


def bench_ticket_bytes(paper_width: Literal[80, 58] = 80) -> int:
    """Bytes on the wire for a typical ticket."""
    return len(render_ticket(typical_ticket(paper_width)))


@contextlib.contextmanager
def simulated_printer(
    workdir: Path, *, settle_s: float = 0.0, poll_interval_s: float = 60.0
) -> Iterator[tuple[TicketPrinter, PrinterSim]]:
    """A started :class:`TicketPrinter` on a pty with a :class:`PrinterSim` behind it."""
    link = PtyLink(Path(workdir) / "kiosk-printer")
    sim = PrinterSim(link).start()
    printer = TicketPrinter(
        PrinterSettings(link.url, settle_s=settle_s, poll_interval_s=poll_interval_s)
    )
    try:
        printer.start()
        yield printer, sim
    finally:
        printer.close()
        sim.stop()
        link.close()


def bench_print_latencies(n: int, workdir: Path) -> list[float]:
    """Seconds from ``print_ticket()`` to the ticket's bytes handed to the port, ``n`` times.

    Each includes the status read before the ticket (four ``DLE EOT`` round trips) and the
    write with its flush; over a pty, so no baud-rate time (see ``wire_time_s``).
    """
    latencies: list[float] = []
    ticket = typical_ticket()
    with simulated_printer(workdir) as (printer, _sim):
        for _ in range(n):
            outcome = printer.print_ticket(ticket, timeout_s=10)
            if not outcome.ok or outcome.latency_s is None:
                raise RuntimeError(f"bench ticket not printed: {outcome.reason}")
            latencies.append(outcome.latency_s)
    return latencies
