"""The ID-card reader driver: a worker thread that polls find → select → read.

One thread owns the port. Every ``poll_interval_s`` it asks the SAM to find a card; a card
found is selected and read once per presentation (the SAM itself refuses to find a card it
has just read until it is lifted, and the driver also waits for a failed find before it
reports a card again). Corrupt frames are skipped by resynchronising on the preamble; a
reader that stops answering or a port that vanishes is reported once through ``on_fault``,
retried every ``reopen_interval_s``, and reported back through ``on_recovered`` when the
SAM answers again: no restart is needed after a USB replug.

Callbacks run on the worker thread and must return quickly (hand work to a queue). No log
line carries personal data: cards are logged as "read", never by name or number.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from drivers import device_states
from drivers.errors import DeviceError, DeviceTimeout, DeviceUnavailable, ProtocolError
from drivers.idcard.card import CardRejected, IdCard, decode_text_block
from drivers.idcard.codec import (
    DEVICE,
    Command,
    ReadFailed,
    Response,
    ResponseParser,
    ResultCode,
    SamResultError,
    build_request,
    parse_card_data,
)
from drivers.transport import PortSettings, SerialTransport

log = logging.getLogger("drivers.idcard")

RESYNC_GRACE_S = 0.2
"""After a corrupt frame, how long to wait for a good one before giving up on the answer."""
READ_ATTEMPTS = 3
"""Consecutive failed reads of one presentation before the customer is asked to retry."""


@dataclass(frozen=True)
class IdCardSettings:
    """How to reach the reader and how often to poll it. Serial: 115200 8N1."""

    url: str
    baudrate: int = 115200
    #: Port read timeout: the longest a read blocks (stop() and deadlines wait on it).
    timeout_s: float = 0.05
    #: Pause between two find requests; a card waits half of it on average.
    poll_interval_s: float = 0.3
    #: Longest wait for the answer to find, select or SAM status.
    reply_timeout_s: float = 1.0
    #: Longest wait for the answer to a read (a real SAM takes up to about a second).
    read_timeout_s: float = 3.0
    #: Reopen attempts while the port is gone or the reader is silent.
    reopen_interval_s: float = 1.0
    #: Polls in a row without an answer before the reader is reported faulty.
    silent_polls_before_fault: int = 3

    def __post_init__(self) -> None:
        if not self.url:
            raise ValueError("idcard url is empty")
        for name in (
            "timeout_s",
            "poll_interval_s",
            "reply_timeout_s",
            "read_timeout_s",
            "reopen_interval_s",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0")
        if self.silent_polls_before_fault < 1:
            raise ValueError("silent_polls_before_fault must be >= 1")

    @property
    def port(self) -> PortSettings:
        return PortSettings(self.url, self.baudrate, self.timeout_s)


def _ignore(*_args: object) -> None:
    pass


class IdCardReader:
    """Reads resident ID cards from a GA 467 SAM reader and reports them by callback.

    Callbacks (all called from the worker thread):

    - ``on_card(card)``: a verified card was presented; called once per presentation.
    - ``on_error(message)``: a card was presented but could not be used; ``message`` is
      Chinese, for the customer (e.g. 请重新放置身份证).
    - ``on_fault(message)``: the reader vanished or stopped answering (once per outage).
    - ``on_recovered()``: the reader answers again after a fault.
    """

    def __init__(
        self,
        settings: IdCardSettings | str,
        *,
        on_card: Callable[[IdCard], None],
        on_error: Callable[[str], None] = _ignore,
        on_fault: Callable[[str], None] = _ignore,
        on_recovered: Callable[[], None] = _ignore,
    ) -> None:
        self.settings = (
            settings if isinstance(settings, IdCardSettings) else IdCardSettings(settings)
        )
        self._transport = SerialTransport(DEVICE, self.settings.port)
        self._on_card = on_card
        self._on_error = on_error
        self._on_fault = on_fault
        self._on_recovered = on_recovered
        self._parser = ResponseParser()
        self._io_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Worker state, touched only under _io_lock.
        self._silent_polls = 0
        self._faulted = False
        #: The state of the last fault, a key of drivers.device_states.STATES ("idcard", …).
        self.fault_state = ""
        self._armed = True  # a failed find was seen since the last card was reported
        self._read_failures = 0

    @property
    def url(self) -> str:
        return self.settings.url

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def faulted(self) -> bool:
        """True between an ``on_fault`` and the matching ``on_recovered``."""
        return self._faulted

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="idcard-reader", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop polling and close the port; safe to call twice or without :meth:`start`."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is threading.current_thread():
            return  # called from a callback: the worker closes the port as it ends
        if thread is not None:
            thread.join(timeout_s)
            if thread.is_alive():
                log.warning("idcard worker did not stop within %.1f s", timeout_s)
                return
        with self._io_lock:
            self._transport.close()
        self._stop.clear()  # a stopped reader still answers sam_status()

    def __enter__(self) -> IdCardReader:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def sam_status(self) -> bool:
        """Ask the SAM for its status (for ``kiosk doctor``): True when it answers OK.

        Works with or without the worker running; never raises for device problems.
        """
        with self._io_lock:
            opened_here = not self._transport.is_open
            try:
                if opened_here:
                    self._transport.open()
                response = self._exchange(Command.SAM_STATUS, self.settings.reply_timeout_s)
            except DeviceError as exc:
                log.warning("SAM status unavailable: %s", exc.message)
                return False
            finally:
                if opened_here and not self.running:
                    self._transport.close()
            return response.sw3 == ResultCode.OK

    # --- worker -------------------------------------------------------------------------

    def _run(self) -> None:
        log.info("idcard reader polling %s", self.url)
        try:
            while not self._stop.is_set():
                with self._io_lock:
                    try:
                        delay = self._cycle()
                    except Exception:
                        # A bug must not end polling for the day: report, back off, go on.
                        log.exception("idcard poll failed unexpectedly")
                        self._transport.close()
                        self._fault("error")
                        delay = self.settings.reopen_interval_s
                self._stop.wait(delay)
        finally:
            with self._io_lock:
                self._transport.close()
            log.info("idcard reader stopped")

    def _cycle(self) -> float:
        """One poll; returns how long to wait before the next."""
        answered = False
        try:
            if not self._transport.is_open:
                self._transport.open()
                log.info("opened %s", self.url)
            find = self._exchange(Command.FIND, self.settings.reply_timeout_s)
            answered = True
            self._silent_polls = 0
            self._recover()  # before any card: the reader is back, then it reads
            self._after_find(find)
        except DeviceUnavailable as exc:
            self._transport.close()
            self._silent_polls = 0
            self._fault("unavailable", exc.message)
            return self.settings.reopen_interval_s
        except SamResultError as exc:
            log.debug("%s", exc.message)
        except (DeviceTimeout, ProtocolError) as exc:
            log.debug("no usable answer: %s", exc.message)
        if answered:
            return self.settings.poll_interval_s
        self._silent_polls += 1
        if self._silent_polls >= self.settings.silent_polls_before_fault:
            self._fault("not_answering", f"on {self.url}")
            # Reopen next time: a wedged USB serial adapter often needs it.
            self._transport.close()
            return self.settings.reopen_interval_s
        return self.settings.poll_interval_s

    def _after_find(self, find: Response) -> None:
        """Select and read a card just found, unless it is the one already reported."""
        if find.sw3 == ResultCode.NO_CARD:
            self._armed = True
            self._read_failures = 0
            return
        find.expect(ResultCode.FIND_OK)
        if not self._armed:
            return  # the card already reported is still on the reader
        self._exchange(Command.SELECT, self.settings.reply_timeout_s).expect(ResultCode.OK)
        try:
            read = self._exchange(Command.READ_TEXT_PHOTO, self.settings.read_timeout_s)
            read.expect(ResultCode.OK)
        except ReadFailed:
            self._read_failures += 1
            if self._read_failures >= READ_ATTEMPTS:
                self._reject(CardRejected.customer_message, f"read failed {READ_ATTEMPTS} times")
            return
        except (DeviceTimeout, ProtocolError) as exc:
            # The SAM may have counted the card as read: ask for it again, then go on.
            self._reject(CardRejected.customer_message, f"no usable answer to read: {exc.message}")
            raise
        self._armed = False
        self._read_failures = 0
        try:
            card = decode_text_block(parse_card_data(read.data).text)
        except CardRejected as exc:
            self._reject(exc.customer_message, exc.message)
            return
        except ProtocolError as exc:
            # Lengths that do not add up: the SAM's answer, not the card, is at fault.
            self._reject(CardRejected.customer_message, exc.message)
            return
        log.info("card read")
        self._call(self._on_card, card)

    def _exchange(self, command: Command, timeout_s: float) -> Response:
        """Send one request and return the first valid response frame."""
        transport = self._transport
        transport.reset_input()
        self._parser.reset()
        transport.write(build_request(command))
        deadline = time.monotonic() + timeout_s
        corrupt: ProtocolError | None = None
        while True:
            try:
                response = self._parser.next_response()
            except ProtocolError as exc:
                log.warning("corrupt frame (%s), resynchronising", exc.message)
                corrupt = exc
                deadline = min(deadline, time.monotonic() + RESYNC_GRACE_S)
                continue
            if response is not None:
                return response
            if time.monotonic() >= deadline or self._stop.is_set():
                if corrupt is not None:
                    raise corrupt
                raise DeviceTimeout(DEVICE, f"no answer to {command.name} within {timeout_s:.1f} s")
            self._parser.feed(transport.read(self._parser.needed))

    def _reject(self, customer_message: str, reason: str) -> None:
        """A presented card could not be used: tell the customer, wait for the next one.

        ``reason`` is for the journal and never holds card data (the errors see to that).
        """
        self._armed = False
        self._read_failures = 0
        log.warning("card not usable: %s", reason)
        self._call(self._on_error, customer_message)

    def _fault(self, state: str, detail: str = "") -> None:
        """Report a fault once per outage, in the words of the device-state table."""
        if self._faulted:
            return
        self._faulted = True
        self.fault_state = state
        message = device_states.message("idcard", state) + (f" — {detail}" if detail else "")
        log.warning("%s", message)
        self._call(self._on_fault, message)

    def _recover(self) -> None:
        if not self._faulted:
            return
        self._faulted = False
        log.info("idcard reader answers again on %s", self.url)
        self._call(self._on_recovered)

    def _call(self, callback: Callable[..., object], *args: object) -> None:
        try:
            callback(*args)
        except Exception:
            log.exception("idcard callback %s failed", getattr(callback, "__name__", callback))
