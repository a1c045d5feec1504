"""The simulated printer by itself, as a driver on the host side of its pty sees it: status
replies from its state, nothing printed while it cannot print, tickets split at the cuts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import serial

from drivers.printer.ticket import render_ticket, typical_ticket
from drivers.sim.escpos_decoder import Cut, TextLine
from drivers.sim.link import PtyLink
from drivers.sim.printer import PrinterSim

TICKET = render_ticket(typical_ticket())


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
def port(link: PtyLink, sim: PrinterSim) -> Iterator[serial.Serial]:
    with serial.serial_for_url(link.url, timeout=0.5) as host:
        yield host


def ask(port: serial.Serial, query: int) -> bytes:
    port.write(bytes((0x10, 0x04, query)))
    return port.read(1)


def test_a_ready_printer_answers_every_status_query_with_nothing_wrong(port) -> None:
    assert [ask(port, q) for q in (1, 2, 3, 4)] == [b"\x12"] * 4


def test_paper_out_shows_in_the_offline_error_and_paper_replies(sim, port) -> None:
    sim.set_paper("out")
    assert ask(port, 1) == bytes((0x12 | 0x08,))  # offline
    assert ask(port, 2) == bytes((0x12 | 0x20,))  # stopped for lack of paper
    assert ask(port, 4) == bytes((0x12 | 0x60,))  # roll end


def test_near_end_and_an_open_cover_answer_as_a_real_printer_does(sim, port) -> None:
    sim.set_paper("near_end")
    assert ask(port, 4) == bytes((0x12 | 0x0C,))
    sim.open_cover()
    assert ask(port, 2) == bytes((0x12 | 0x04,))
    assert sim.status_requests == [4, 2]


def test_a_silent_printer_answers_nothing_but_still_hears_the_query(sim, port) -> None:
    sim.go_silent()
    assert ask(port, 1) == b""
    assert sim.wait_for(lambda s: s.status_requests == [1])


def test_a_ticket_is_printed_and_split_at_its_cut(sim, port) -> None:
    port.write(TICKET + TICKET)
    tickets = sim.wait_for_tickets(2)
    assert len(tickets) == 2
    assert all(isinstance(t.cut, Cut) and t.cut.partial for t in tickets)
    assert tickets[0].texts == tickets[1].texts
    assert any("A012" in t for t in tickets[0].texts)
    assert sim.received == TICKET + TICKET


def test_nothing_is_printed_while_the_cover_is_open(sim, port) -> None:
    sim.open_cover()
    port.write(TICKET)
    assert sim.wait_for(lambda s: s.received == TICKET)
    assert sim.items() == []
    assert any(isinstance(i, TextLine) for i in sim.dropped())


def test_paper_running_out_mid_ticket_prints_only_the_start(sim, port) -> None:
    sim.run_out_after(len(TICKET) // 2)
    port.write(TICKET)
    assert sim.wait_for(lambda s: s.received == TICKET)
    assert sim.items() and sim.dropped()
    assert sim.tickets() == []  # the cut came after the paper ended
    assert ask(port, 4) == bytes((0x12 | 0x60,))


def test_an_impossible_paper_state_is_refused(sim) -> None:
    with pytest.raises(ValueError, match="paper must be"):
        sim.set_paper("low")  # type: ignore[arg-type]
