"""The ticket printer driver: one worker thread owns the port; callers get Futures.

The hall calls :meth:`TicketPrinter.submit` from an API thread and reports the outcome as an
event when the Future completes; nothing here ever blocks the caller. For every ticket the
worker reads the real-time status (``DLE EOT 1..4``) before sending (paper out, cover open,
offline → nothing is sent, the result says why, Chinese first) and again after (paper ran out
mid-ticket → failure). Near-end paper is only a warning. When the port vanishes (USB pulled)
the worker reports a fault, tries to reopen it every ``reconnect_interval_s`` and recovers by
itself; while idle it polls the status every ``poll_interval_s`` so faults show up before a
customer takes a ticket.

Which backend opens the URL:

- ``usb://VID:PID`` → python-escpos ``Usb`` (needs pyusb), ``?in_ep=0x82&out_ep=0x01``;
- ``tcp://host[:9100]`` → python-escpos ``Network``;
- anything else (``/dev/ttyUSB0``, a pty, ``socket://``, ``loop://``, ``spy://``,
  ``rfc2217://``) → :class:`~drivers.transport.SerialTransport` through ``serial_for_url``.
"""

from __future__ import annotations

import enum
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from drivers.errors import DeviceError, DeviceTimeout, DeviceUnavailable, ProtocolError
from drivers.printer.escpos_ext import (
    HallEscpos,
    NetworkEscpos,
    TransportEscpos,
    UsbEscpos,
)
from drivers.printer.status import (
    SILENT,
    STATUS_TIMEOUT_S,
    PrinterFault,
    PrinterStatus,
    StatusQuery,
    decode_replies,
)
from drivers.printer.ticket import StatementContent, TicketContent, render
from drivers.transport import PortSettings, SerialTransport

log = logging.getLogger("drivers.printer")

DEVICE = "printer"

StatusCallback = Callable[[PrinterStatus], None]
FaultCallback = Callable[[str], None]
RecoveredCallback = Callable[[], None]
Content = TicketContent | StatementContent


@dataclass(frozen=True)
class PrinterSettings:
    """How to reach the printer. Serial defaults: 9600 8N1, no hardware flow control."""

    url: str
    baudrate: int = 9600
    #: Port read timeout; a status read loops on it until ``status_timeout_s``.
    timeout_s: float = 0.05
    #: DSR/DTR flow control (set it when the printer's busy line is wired to DSR).
    dsrdtr: bool = False
    rtscts: bool = False
    #: A printer that does not answer a real-time status query within this is offline.
    status_timeout_s: float = STATUS_TIMEOUT_S
    #: Wait after sending a ticket before reading the status again, so a roll that runs
    #: out while the ticket is printing is seen (a ticket prints in about half a second).
    settle_s: float = 0.5
    #: Status poll while idle.
    poll_interval_s: float = 2.0
    #: Reopen attempts while the port is gone.
    reconnect_interval_s: float = 1.0
    #: Connect/write timeout for ``tcp://`` and write timeout for ``usb://``.
    network_timeout_s: float = 5.0

    def __post_init__(self) -> None:
        if not self.url:
            raise ValueError("printer url is empty")
        for name in ("timeout_s", "status_timeout_s", "poll_interval_s", "reconnect_interval_s"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0")
        if self.settle_s < 0:
            raise ValueError("settle_s must be >= 0")


def open_backend(settings: PrinterSettings) -> HallEscpos:
    """The python-escpos backend for ``settings.url`` (not opened yet)."""
    parts = urlsplit(settings.url)
    scheme = parts.scheme.lower()
    try:
        if scheme == "usb":
            vid, _, pid = parts.netloc.partition(":")
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            return UsbEscpos(
                idVendor=int(vid, 16),
                idProduct=int(pid, 16),
                timeout=int(settings.network_timeout_s * 1000),
                in_ep=int(query.get("in_ep", "0x82"), 0),
                out_ep=int(query.get("out_ep", "0x01"), 0),
            )
        if scheme == "tcp":
            return NetworkEscpos(
                host=parts.hostname or "",
                port=parts.port or 9100,
                timeout=settings.network_timeout_s,
            )
    except (ValueError, RuntimeError, OSError) as exc:
        # RuntimeError: python-escpos's Usb without pyusb installed.
        raise DeviceUnavailable(DEVICE, f"cannot use {settings.url}: {exc}") from exc
    port = PortSettings(
        url=settings.url,
        baudrate=settings.baudrate,
        timeout_s=settings.timeout_s,
        dsrdtr=settings.dsrdtr,
        rtscts=settings.rtscts,
    )
    return TransportEscpos(SerialTransport(DEVICE, port))


class PrintOutcome(enum.StrEnum):
    PRINTED = "printed"
    #: Nothing was sent: the printer could not print. Show the ticket on screen.
    NOT_PRINTED = "not_printed"
    #: Sent, but a fault was found afterwards or the link broke: it may be incomplete.
    FAILED = "failed"


@dataclass(frozen=True)
class PrintResult:
    outcome: PrintOutcome
    #: Bytes handed to the port (0 when nothing, or not all, could be written).
    bytes_written: int
    #: The last status read (before the ticket, or after it when it was sent).
    status: PrinterStatus | None
    fault: PrinterFault | None = None
    #: Chinese first, then English in parentheses: fit for staff and the event log.
    reason: str | None = None
    warnings: tuple[str, ...] = ()
    #: Seconds from ``submit`` to the bytes handed to the port.
    latency_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is PrintOutcome.PRINTED


@dataclass
class _Job:
    content: Content
    future: Future[PrintResult]
    submitted_at: float


class _Stop:
    pass


class TicketPrinter:
    """An ESC/POS ticket printer driven from one worker thread.

    Callbacks run on the worker thread; they must be quick (post an event) and an exception
    in one is logged, never fatal. ``on_fault`` gets the Chinese-first message each time the
    fault changes; ``on_recovered`` is called when a fault clears.
    """

    def __init__(
        self,
        settings: PrinterSettings,
        *,
        on_status_changed: StatusCallback | None = None,
        on_fault: FaultCallback | None = None,
        on_recovered: RecoveredCallback | None = None,
        backend_factory: Callable[[PrinterSettings], HallEscpos] = open_backend,
    ) -> None:
        self.settings = settings
        self._on_status_changed = on_status_changed
        self._on_fault = on_fault
        self._on_recovered = on_recovered
        self._backend_factory = backend_factory
        self._backend: HallEscpos | None = None
        self._jobs: queue.SimpleQueue[_Job | _Stop] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._submit_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._state_lock = threading.Lock()
        self._status: PrinterStatus | None = None
        self._fault: PrinterFault | None = None
        self._last_check = 0.0

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> TicketPrinter:
        if self._thread is not None:
            return self
        if self._stopping.is_set():
            raise RuntimeError("a closed TicketPrinter cannot be restarted")
        self._thread = threading.Thread(target=self._run, name="printer-worker", daemon=True)
        self._thread.start()
        return self

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop the worker; queued jobs complete as NOT_PRINTED; the port is closed."""
        with self._submit_lock:
            if self._stopping.is_set() and self._thread is None:
                return
            self._stopping.set()
            thread = self._thread
            if thread is None:
                self._fail_pending()
                return
            self._jobs.put(_Stop())
        if threading.current_thread() is not thread:
            thread.join(timeout_s)
            if thread.is_alive():
                log.error("printer worker did not stop within %.1f s", timeout_s)

    def __enter__(self) -> TicketPrinter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what callers use --------------------------------------------------------------
    @property
    def status(self) -> PrinterStatus | None:
        """The last status read (None before the first read)."""
        with self._state_lock:
            return self._status

    @property
    def fault(self) -> PrinterFault | None:
        with self._state_lock:
            return self._fault

    def submit(
        self,
        content: Content,
        on_done: Callable[[PrintResult], None] | None = None,
    ) -> Future[PrintResult]:
        """Queue a ticket or statement; returns at once. ``on_done`` runs on the worker."""
        future: Future[PrintResult] = Future()
        if on_done is not None:
            future.add_done_callback(lambda f: self._call_done(on_done, f))
        with self._submit_lock:
            if self._thread is None:
                raise RuntimeError("TicketPrinter.start() was not called")
            if self._stopping.is_set():
                raise RuntimeError("TicketPrinter is closed")
            self._jobs.put(_Job(content, future, time.monotonic()))
        return future

    def print_ticket(self, content: TicketContent, timeout_s: float | None = None) -> PrintResult:
        """Print and wait for the outcome. Blocks: API and UI threads use :meth:`submit`."""
        return self._wait(self.submit(content), timeout_s)

    def print_statement(
        self, content: StatementContent, timeout_s: float | None = None
    ) -> PrintResult:
        """Print a statement and wait for the outcome (blocks, like :meth:`print_ticket`)."""
        return self._wait(self.submit(content), timeout_s)

    def _wait(self, future: Future[PrintResult], timeout_s: float | None) -> PrintResult:
        if threading.current_thread() is self._thread:
            raise RuntimeError("print_* would deadlock on the printer's own worker thread")
        return future.result(timeout_s)

    # -- the worker --------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self._connect()
            while True:
                try:
                    job = self._jobs.get(timeout=self._idle_wait())
                except queue.Empty:
                    self._idle_tick()
                    continue
                if isinstance(job, _Stop) or self._stopping.is_set():
                    if isinstance(job, _Job):
                        self._jobs.put(job)  # failed below with the rest
                    break
                self._run_job(job)
        except Exception:  # pragma: no cover - a bug; keep the hall told
            log.exception("printer worker crashed")
            self._set_health(SILENT, PrinterFault.ERROR)
        finally:
            self._fail_pending()
            self._close_backend()

    def _idle_wait(self) -> float:
        interval = (
            self.settings.poll_interval_s
            if self._backend is not None
            else self.settings.reconnect_interval_s
        )
        return max(0.0, self._last_check + interval - time.monotonic())

    def _idle_tick(self) -> None:
        if self._backend is None:
            self._connect()
        else:
            self._check_status()

    def _run_job(self, job: _Job) -> None:
        if not job.future.set_running_or_notify_cancel():
            return
        try:
            result = self._print(job)
        except Exception as exc:  # a bug, not a device problem: still answer the caller
            log.exception("printing failed unexpectedly")
            result = PrintResult(
                PrintOutcome.NOT_PRINTED,
                0,
                self.status,
                PrinterFault.ERROR,
                f"打印驱动内部错误 (driver error: {type(exc).__name__})",
            )
        job.future.set_result(result)

    def _print(self, job: _Job) -> PrintResult:
        try:
            data = render(job.content)
        except (ValueError, TypeError) as exc:
            return PrintResult(
                PrintOutcome.NOT_PRINTED,
                0,
                self.status,
                PrinterFault.ERROR,
                f"票据内容无法排版 (cannot lay out: {exc})",
            )
        label = job.content.number if isinstance(job.content, TicketContent) else "statement"
        if self._backend is None:
            self._connect(read_status=False)  # the read just below is the one that counts
        before, fault = self._check_status()
        if fault is not None:
            log.warning("not printing %s: %s", label, fault.value)
            return PrintResult(PrintOutcome.NOT_PRINTED, 0, before, fault, fault.message)
        backend = self._backend
        assert backend is not None
        try:
            backend.send(data)
        except DeviceTimeout:
            fault = PrinterFault.WRITE_TIMEOUT
            self._set_health(before, fault)
            return PrintResult(PrintOutcome.FAILED, 0, before, fault, fault.message)
        except DeviceError as exc:
            self._lost(exc)
            fault = PrinterFault.UNAVAILABLE
            return PrintResult(PrintOutcome.FAILED, 0, SILENT, fault, fault.during_print_message)
        latency = time.monotonic() - job.submitted_at
        if self.settings.settle_s:
            self._stopping.wait(self.settings.settle_s)
        after, fault = self._check_status()
        if fault is not None:
            log.warning("%s sent, then: %s", label, fault.value)
            return PrintResult(
                PrintOutcome.FAILED,
                len(data),
                after,
                fault,
                fault.during_print_message,
                latency_s=latency,
            )
        log.info("printed %s (%d bytes)", label, len(data))
        return PrintResult(
            PrintOutcome.PRINTED,
            len(data),
            after,
            warnings=tuple(dict.fromkeys(before.warnings + after.warnings)),
            latency_s=latency,
        )

    # -- port and status ---------------------------------------------------------------
    def _connect(self, *, read_status: bool = True) -> bool:
        self._last_check = time.monotonic()
        try:
            backend = self._backend_factory(self.settings)
            backend.open()
        except DeviceError as exc:
            if self.fault is not PrinterFault.UNAVAILABLE:
                log.warning("printer port unavailable: %s", exc.message)
            self._set_health(SILENT, PrinterFault.UNAVAILABLE)
            return False
        self._backend = backend
        log.info("printer port %s open", self.settings.url)
        if read_status:
            self._check_status()
        return True

    def _lost(self, exc: DeviceError) -> None:
        log.warning("printer port lost: %s", exc.message)
        self._close_backend()
        self._set_health(SILENT, PrinterFault.UNAVAILABLE)

    def _close_backend(self) -> None:
        backend, self._backend = self._backend, None
        if backend is not None:
            try:
                backend.close()
            except (DeviceError, OSError) as exc:
                log.debug("closing the printer port: %s", exc)

    def _check_status(self) -> tuple[PrinterStatus, PrinterFault | None]:
        """Read all four status bytes and tell the callbacks what changed."""
        self._last_check = time.monotonic()
        backend = self._backend
        if backend is None:
            return SILENT, PrinterFault.UNAVAILABLE
        status: PrinterStatus = SILENT
        fault: PrinterFault | None
        try:
            for attempt in (1, 2):
                try:
                    status = self._read_status(backend)
                    fault = status.fault
                    break
                except ProtocolError as exc:
                    log.warning("bad status reply (attempt %d): %s", attempt, exc.message)
                    status, fault = SILENT, PrinterFault.BAD_REPLY
        except DeviceError as exc:
            self._lost(exc)
            return SILENT, PrinterFault.UNAVAILABLE
        self._last_check = time.monotonic()
        self._set_health(status, fault)
        return status, fault

    def _read_status(self, backend: HallEscpos) -> PrinterStatus:
        replies: dict[int, bytes] = {}
        for query in StatusQuery:
            reply = backend.realtime_status(query, self.settings.status_timeout_s)
            if not reply:
                return SILENT
            replies[query] = reply
        return decode_replies(replies)

    def _set_health(self, status: PrinterStatus, fault: PrinterFault | None) -> None:
        with self._state_lock:
            status_changed = status != self._status
            previous_fault, self._fault = self._fault, fault
            self._status = status
        if status_changed and self._on_status_changed is not None:
            self._call(self._on_status_changed, status)
        if fault is previous_fault:
            return
        if fault is not None:
            log.warning("printer fault: %s", fault.value)
            if self._on_fault is not None:
                self._call(self._on_fault, fault.message)
        elif previous_fault is not None:
            log.info("printer recovered from %s", previous_fault.value)
            if self._on_recovered is not None:
                self._call(self._on_recovered)

    @staticmethod
    def _call(callback: Callable[..., None], *args: object) -> None:
        try:
            callback(*args)
        except Exception:
            log.exception("printer callback %r raised", callback)

    @staticmethod
    def _call_done(on_done: Callable[[PrintResult], None], future: Future[PrintResult]) -> None:
        if future.cancelled():
            return
        try:
            on_done(future.result())
        except Exception:
            log.exception("print on_done callback raised")

    def _fail_pending(self) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if isinstance(job, _Job) and job.future.set_running_or_notify_cancel():
                job.future.set_result(
                    PrintResult(
                        PrintOutcome.NOT_PRINTED,
                        0,
                        self.status,
                        PrinterFault.UNAVAILABLE,
                        "打印服务已停止 (printer driver stopped)",
                    )
                )
