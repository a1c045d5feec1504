"""TicketPrinter against the simulated printer on a pty (and over TCP): status before and
after each ticket, faults and recovery, never blocking the caller."""

from __future__ import annotations

import contextlib
import logging
import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from drivers.errors import DeviceUnavailable
from drivers.printer import (
    PrinterFault,
    PrinterSettings,
    PrinterStatus,
    PrintOutcome,
    PrintResult,
    StatementContent,
    TicketPrinter,
    open_backend,
    render_ticket,
    typical_ticket,
)
from drivers.printer.escpos_ext import NetworkEscpos, TransportEscpos, UsbEscpos
from drivers.printer.status import StatusQuery
from drivers.sim.link import PtyLink
from drivers.sim.printer import PrinterSim, bench_print_latencies, bench_ticket_bytes

QUERIES = b"".join(q.command for q in StatusQuery)
TICKET = typical_ticket()
TICKET_BYTES = render_ticket(TICKET)


class Recorder:
    """Collects the driver's callbacks (they run on its worker thread)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []
        self._cond = threading.Condition()

    def _add(self, kind: str, value: object = None) -> None:
        with self._cond:
            self.events.append((kind, value))
            self._cond.notify_all()

    def status(self, status: PrinterStatus) -> None:
        self._add("status", status)

    def fault(self, message: str) -> None:
        self._add("fault", message)

    def recovered(self) -> None:
        self._add("recovered")

    def kinds(self) -> list[str]:
        with self._cond:
            return [kind for kind, _ in self.events]

    def faults(self) -> list[str]:
        with self._cond:
            return [str(value) for kind, value in self.events if kind == "fault"]

    def wait_for(self, kind: str, count: int = 1, timeout_s: float = 3.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.kinds().count(kind) >= count, timeout_s)


def settings_for(url: str, **changes: float) -> PrinterSettings:
    values: dict[str, float] = {
        "settle_s": 0.02,
        "poll_interval_s": 60.0,
        "reconnect_interval_s": 0.2,
    }
    values.update(changes)
    return PrinterSettings(url, **values)  # type: ignore[arg-type]


@pytest.fixture
def link(tmp_path: Path) -> Iterator[PtyLink]:
    pty = PtyLink(tmp_path / "kiosk-printer")
    yield pty
    pty.close()


@pytest.fixture
def sim(link: PtyLink) -> Iterator[PrinterSim]:
    with PrinterSim(link) as device:
        yield device


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@contextlib.contextmanager
def running(settings: PrinterSettings, recorder: Recorder) -> Iterator[TicketPrinter]:
    printer = TicketPrinter(
        settings,
        on_status_changed=recorder.status,
        on_fault=recorder.fault,
        on_recovered=recorder.recovered,
    )
    printer.start()
    try:
        yield printer
    finally:
        printer.close()


@pytest.fixture
def printer(link: PtyLink, sim: PrinterSim, recorder: Recorder) -> Iterator[TicketPrinter]:
    with running(settings_for(link.url), recorder) as driver:
        assert recorder.wait_for("status")  # connected and read the first status
        yield driver


def statement() -> StatementContent:
    return StatementContent(
        hall_name="国网广州供电公司 天河营业厅",
        account="4401234567890",
        customer_name="张三",
        period="2026年10月",
        kwh=Decimal("310"),
        amount=Decimal("182.27"),
        balance=Decimal("-182.27"),
        as_of=datetime(2026, 11, 23, 9, 41),
    )


def test_a_ticket_goes_out_between_two_status_reads_and_prints_every_line(
    printer: TicketPrinter, sim: PrinterSim
) -> None:
    result = printer.print_ticket(TICKET, timeout_s=5)
    assert result.outcome is PrintOutcome.PRINTED and result.ok
    assert result.bytes_written == len(TICKET_BYTES) <= 600
    assert result.latency_s is not None and 0 < result.latency_s < 1.0
    assert sim.received.endswith(QUERIES + TICKET_BYTES + QUERIES)
    [ticket] = sim.wait_for_tickets(1)
    assert ticket.line("A012").size == (4, 4)
    assert ticket.line("电费缴纳").size == (2, 2)
    assert ticket.line("国网广州供电公司").bold
    assert all(line.align == "center" and line.chinese for line in ticket.lines)
    assert [qr.payload for qr in ticket.qr_codes] == [TICKET.qr_payload]
    assert ticket.cut is not None and ticket.cut.partial


def test_paper_out_before_the_ticket_sends_nothing_and_says_why(
    printer: TicketPrinter, sim: PrinterSim, recorder: Recorder
) -> None:
    sim.set_paper("out")
    result = printer.print_ticket(TICKET, timeout_s=5)
    assert result.outcome is PrintOutcome.NOT_PRINTED
    assert result.fault is PrinterFault.PAPER_OUT
    assert result.reason is not None and result.reason.startswith("打印机缺纸")
    assert result.bytes_written == 0
    assert TICKET_BYTES not in sim.received
    assert set(sim.received.split(b"\x10\x04")) <= {b"", b"\x01", b"\x02", b"\x03", b"\x04"}
    assert recorder.faults() == [PrinterFault.PAPER_OUT.message]


def test_paper_running_out_mid_ticket_is_a_failure_after_sending(
    printer: TicketPrinter, sim: PrinterSim, recorder: Recorder
) -> None:
    sim.run_out_after(len(QUERIES) + 120)
    result = printer.print_ticket(TICKET, timeout_s=5)
    assert result.outcome is PrintOutcome.FAILED and not result.ok
    assert result.fault is PrinterFault.PAPER_OUT
    assert result.reason is not None and result.reason.startswith("打印中缺纸")
    assert result.bytes_written == len(TICKET_BYTES)
    assert sim.tickets() == []  # the cut never happened on paper
    assert sim.dropped()
    assert recorder.wait_for("fault")


def test_cover_open_blocks_printing_until_closed_then_recovers(
    printer: TicketPrinter, sim: PrinterSim, recorder: Recorder
) -> None:
    sim.open_cover()
    refused = printer.print_ticket(TICKET, timeout_s=5)
    assert refused.outcome is PrintOutcome.NOT_PRINTED
    assert refused.reason is not None and refused.reason.startswith("打印机盖未合上")
    sim.close_cover()
    assert printer.print_ticket(TICKET, timeout_s=5).ok
    assert recorder.wait_for("recovered")
    assert len(sim.wait_for_tickets(1)) == 1


def test_near_end_paper_prints_with_a_warning(printer: TicketPrinter, sim: PrinterSim) -> None:
    sim.set_paper("near_end")
    result = printer.print_ticket(TICKET, timeout_s=5)
    assert result.outcome is PrintOutcome.PRINTED
    assert result.warnings and result.warnings[0].startswith("打印纸将尽")
    assert result.status is not None and result.status.paper == "near_end"
    assert len(sim.wait_for_tickets(1)) == 1


def test_a_silent_printer_is_offline_within_about_300_ms(
    printer: TicketPrinter, sim: PrinterSim, recorder: Recorder
) -> None:
    sim.go_silent()
    started = time.monotonic()
    result = printer.print_ticket(TICKET, timeout_s=5)
    elapsed = time.monotonic() - started
    assert result.outcome is PrintOutcome.NOT_PRINTED
    assert result.fault is PrinterFault.OFFLINE
    assert result.reason is not None and result.reason.startswith("打印机离线")
    assert 0.25 <= elapsed < 0.8  # 300 ms, plus scheduling slack on a busy machine
    assert TICKET_BYTES not in sim.received
    assert recorder.faults()[-1].startswith("打印机离线")


def test_a_malformed_status_reply_is_not_taken_for_a_status(
    printer: TicketPrinter, sim: PrinterSim, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sim, "status_byte", lambda query: 0xFF)
    result = printer.print_ticket(TICKET, timeout_s=5)
    assert result.outcome is PrintOutcome.NOT_PRINTED
    assert result.fault is PrinterFault.BAD_REPLY


def test_submit_returns_at_once_even_when_the_printer_hangs(
    printer: TicketPrinter, sim: PrinterSim
) -> None:
    sim.go_silent()
    done: list[PrintResult] = []
    finished = threading.Event()

    def on_done(result: PrintResult) -> None:
        done.append(result)
        finished.set()

    started = time.monotonic()
    future = printer.submit(TICKET, on_done)
    assert time.monotonic() - started < 0.1
    assert not future.done()
    assert finished.wait(3)
    assert done == [future.result()]
    assert done[0].outcome is PrintOutcome.NOT_PRINTED


def test_unplug_faults_then_replug_recovers_without_restart(
    link: PtyLink, sim: PrinterSim, recorder: Recorder
) -> None:
    with running(settings_for(link.url, poll_interval_s=0.2), recorder) as printer:
        assert printer.print_ticket(TICKET, timeout_s=5).ok
        link.unplug()
        assert recorder.wait_for("fault")
        assert recorder.faults()[-1].startswith("打印机未连接")
        unplugged = printer.print_ticket(TICKET, timeout_s=5)
        assert unplugged.outcome is PrintOutcome.NOT_PRINTED
        assert unplugged.fault is PrinterFault.UNAVAILABLE
        link.replug()
        assert recorder.wait_for("recovered")
        assert printer.print_ticket(TICKET, timeout_s=5).ok
    assert len(sim.wait_for_tickets(2)) == 2


def test_a_port_that_is_not_there_faults_and_refuses_tickets(
    tmp_path: Path, recorder: Recorder
) -> None:
    with running(settings_for(str(tmp_path / "nothing")), recorder) as printer:
        result = printer.print_ticket(TICKET, timeout_s=5)
    assert result.outcome is PrintOutcome.NOT_PRINTED
    assert result.reason is not None and result.reason.startswith("打印机未连接")
    assert recorder.faults()[0].startswith("打印机未连接")


def test_a_statement_prints_with_yuan_amounts_and_no_personal_data_in_logs(
    printer: TicketPrinter, sim: PrinterSim, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = printer.print_statement(statement(), timeout_s=5)
    assert result.ok
    [bill] = sim.wait_for_tickets(1)
    assert bill.line("本期电费").text.endswith("￥182.27")
    assert bill.line("欠费金额").text.endswith("￥182.27")
    assert bill.line("户号").text.endswith("44*******7890")
    assert "4401234567890" not in caplog.text and "张三" not in caplog.text


def test_callbacks_that_raise_do_not_stop_printing(
    link: PtyLink, sim: PrinterSim, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("callback bug")

    printer = TicketPrinter(
        settings_for(link.url), on_status_changed=broken, on_fault=broken, on_recovered=broken
    )
    with printer:
        sim.set_paper("out")
        assert not printer.print_ticket(TICKET, timeout_s=5).ok
        sim.set_paper("ok")
        assert printer.print_ticket(TICKET, timeout_s=5).ok
    assert "callback bug" in caplog.text


def test_close_answers_queued_tickets_and_refuses_new_ones(link: PtyLink, sim: PrinterSim) -> None:
    sim.go_silent()
    printer = TicketPrinter(settings_for(link.url)).start()
    futures = [printer.submit(TICKET) for _ in range(3)]
    printer.close()
    assert all(f.done() for f in futures)
    assert all(f.result().outcome is PrintOutcome.NOT_PRINTED for f in futures)
    with pytest.raises(RuntimeError):
        printer.submit(TICKET)


def test_submit_before_start_is_a_programming_error(link: PtyLink) -> None:
    printer = TicketPrinter(settings_for(link.url))
    with pytest.raises(RuntimeError):
        printer.submit(TICKET)
    printer.close()


def test_the_url_chooses_the_backend() -> None:
    serial_backend = open_backend(PrinterSettings("/dev/ttyUSB0"))
    assert isinstance(serial_backend, TransportEscpos)
    port = serial_backend.transport.settings
    assert (port.baudrate, port.dsrdtr) == (9600, False)
    tuned = open_backend(PrinterSettings("/dev/ttyS1", baudrate=115200, dsrdtr=True))
    assert isinstance(tuned, TransportEscpos)
    assert (tuned.transport.settings.baudrate, tuned.transport.settings.dsrdtr) == (115200, True)
    assert isinstance(open_backend(PrinterSettings("socket://127.0.0.1:9100")), TransportEscpos)
    network = open_backend(PrinterSettings("tcp://127.0.0.1"))  # built, never connected
    assert isinstance(network, NetworkEscpos) and (network.host, network.port) == (
        "127.0.0.1",
        9100,
    )
    try:
        usb = open_backend(PrinterSettings("usb://0416:5011"))
    except DeviceUnavailable as exc:  # python-escpos's Usb needs pyusb
        assert "usb://0416:5011" in exc.message
    else:
        assert isinstance(usb, UsbEscpos)


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        PrinterSettings("")
    with pytest.raises(ValueError):
        PrinterSettings("/dev/ttyUSB0", status_timeout_s=0)


class TcpDevice:
    """The device side of a raw TCP printer port (9100), for :class:`PrinterSim`."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.conn: socket.socket | None = None

    @property
    def plugged(self) -> bool:
        return True

    def read(self, n: int, timeout_s: float) -> bytes:
        if self.conn is None:
            if select.select([self.server], [], [], timeout_s)[0]:
                self.conn, _ = self.server.accept()
            return b""
        if not select.select([self.conn], [], [], timeout_s)[0]:
            return b""
        data = self.conn.recv(n)
        if not data:
            self.conn.close()
            self.conn = None
        return data

    def write(self, data: bytes) -> None:
        if self.conn is not None:
            self.conn.sendall(data)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.server.close()


@pytest.mark.parametrize("scheme", ["tcp", "socket"])
def test_a_network_printer_prints_and_answers_status(scheme: str, recorder: Recorder) -> None:
    device = TcpDevice()
    try:
        with PrinterSim(device) as sim:
            url = f"{scheme}://127.0.0.1:{device.port}"
            with running(settings_for(url), recorder) as printer:
                sim.set_paper("near_end")
                result = printer.print_ticket(TICKET, timeout_s=5)
                assert result.ok and result.warnings
                sim.set_paper("out")
                assert printer.print_ticket(TICKET, timeout_s=5).fault is PrinterFault.PAPER_OUT
            assert [t.qr_codes[0].payload for t in sim.wait_for_tickets(1)] == [TICKET.qr_payload]
    finally:
        device.close()


def test_bench_helpers_report_bytes_and_latencies(tmp_path: Path) -> None:
    assert bench_ticket_bytes(80) == len(TICKET_BYTES) <= 600
    assert bench_ticket_bytes(58) <= 600
    latencies = bench_print_latencies(5, tmp_path)
    assert len(latencies) == 5
    assert all(0 < s < 0.5 for s in latencies)


@pytest.mark.hardware
@pytest.mark.skipif(
    not os.environ.get("KIOSK_PRINTER_URL"), reason="set KIOSK_PRINTER_URL to a real printer"
)
def test_a_real_printer_prints_a_typical_ticket(recorder: Recorder) -> None:
    """On a bench: ``KIOSK_PRINTER_URL=/dev/ttyUSB0 pytest -m hardware`` prints one ticket."""
    settings = PrinterSettings(
        os.environ["KIOSK_PRINTER_URL"],
        baudrate=int(os.environ.get("KIOSK_PRINTER_BAUD", "9600")),
    )
    with running(settings, recorder) as printer:
        result = printer.print_ticket(TICKET, timeout_s=10)
    assert result.ok, result.reason
