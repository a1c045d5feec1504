"""Ticket and statement layout: content dataclasses → print operations → ESC/POS bytes.

Layout (:func:`layout_ticket`, :func:`layout_statement`) is pure and gives a list of
operations (:class:`Line`, :class:`Qr`, :class:`Cut`) that a UI can also show on screen when
the printer cannot print. :func:`render_ops` turns operations into bytes through
python-escpos (:class:`~drivers.printer.escpos_ext.BufferEscpos`): ``ESC @``, ``FS &``, then
only the style changes each line needs, text as GB18030, the native ``GS ( k`` QR, and
``GS V 66 n``. The layout is ``shared/protocols/ticket.md`` § The ticket; a typical 80 mm
ticket is about 300 bytes, well inside the 600-byte budget.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from drivers.pii import mask_account, mask_name
from drivers.printer.escpos_ext import BufferEscpos, columns, printable

PaperWidth = Literal[80, 58]

#: Columns of font A (12 × 24 dots; a Chinese character takes two) across the printable
#: width: 576 dots on 80 mm paper, 384 dots on 58 mm paper.
COLUMNS: dict[int, int] = {80: 48, 58: 32}
#: QR module size in dots: a ~30-character payload makes a 25–29 module symbol, about
#: 20 mm wide on 80 mm paper and 17 mm on 58 mm paper.
QR_MODULE: dict[int, int] = {80: 6, 58: 5}
#: Extra feed (dots) after the cutting position, so the footer is not cut through.
CUT_FEED_DOTS = 24
RULE_CHAR = "─"  # U+2500, GB18030 A9A4: two columns
#: Budget from the design: a ticket must fit in this many bytes on the wire.
TICKET_BYTE_BUDGET = 600
BITS_PER_BYTE = 10  # 8N1: start + 8 data + stop

DEFAULT_TICKET_FOOTER = ("过号请到服务台重新排队，客服热线 95598",)
DEFAULT_STATEMENT_FOOTER = ("如有疑问请咨询服务台，客服热线 95598",)

# A line must not begin with these (Chinese line-breaking rule, 行首禁则).
_NO_LINE_START = set("，。、：；！？）》」』”’％,.:;!?)%")


class Align(enum.StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class Line:
    """One printed line. ``width``/``height`` are character size multipliers (1..8)."""

    text: str
    align: Align = Align.CENTER
    bold: bool = False
    width: int = 1
    height: int = 1


@dataclass(frozen=True)
class Qr:
    """A native QR symbol (model 2, error correction M)."""

    payload: str
    module_size: int
    align: Align = Align.CENTER


@dataclass(frozen=True)
class Cut:
    """Feed to the cutter plus ``feed_dots`` and cut."""

    partial: bool = True
    feed_dots: int = CUT_FEED_DOTS


PrintOp = Line | Qr | Cut


def _check_width(paper_width: int) -> None:
    if paper_width not in COLUMNS:
        raise ValueError(f"paper_width must be 80 or 58 (mm), not {paper_width!r}")


@dataclass(frozen=True)
class TicketContent:
    """What a queue ticket shows. ``qr_payload`` is ticket id + hall id (ASCII)."""

    hall_name: str
    service_name: str
    number: str
    ahead: int
    estimated_wait_min: int | None
    counters_text: str
    qr_payload: str
    issued_at: datetime
    footer: tuple[str, ...] = DEFAULT_TICKET_FOOTER
    paper_width: PaperWidth = 80

    def __post_init__(self) -> None:
        _check_width(self.paper_width)
        if not self.number.strip():
            raise ValueError("a ticket needs a number")
        if self.ahead < 0:
            raise ValueError("ahead must be >= 0")
        if self.estimated_wait_min is not None and self.estimated_wait_min < 0:
            raise ValueError("estimated_wait_min must be >= 0")
        if (
            not self.qr_payload
            or not self.qr_payload.isascii()
            or not self.qr_payload.isprintable()
        ):
            raise ValueError("qr_payload must be non-empty printable ASCII")
        if len(self.qr_payload) > 120:
            raise ValueError("qr_payload longer than 120 characters would break the byte budget")


@dataclass(frozen=True)
class StatementContent:
    """A bill (电费账单). ``account`` and ``customer_name`` are printed masked only.

    ``balance`` below zero is arrears (欠费). Money is ``Decimal`` yuan, energy ``Decimal`` kWh.
    """

    hall_name: str
    account: str = field(repr=False)
    period: str
    kwh: Decimal
    amount: Decimal
    balance: Decimal
    as_of: datetime
    customer_name: str | None = field(default=None, repr=False)
    lines: tuple[str, ...] = ()
    footer: tuple[str, ...] = DEFAULT_STATEMENT_FOOTER
    paper_width: PaperWidth = 80

    def __post_init__(self) -> None:
        _check_width(self.paper_width)
        for name in ("kwh", "amount", "balance"):
            if not isinstance(getattr(self, name), Decimal | int):
                raise TypeError(f"{name} must be a Decimal (not a float: money is exact)")


# -- formatting ---------------------------------------------------------------------------


def format_yuan(amount: Decimal | int) -> str:
    """``￥1,234.56`` (zh_CN: thousands grouped by commas, two decimals, half up).

    The full-width ￥ (GB18030 A3A4) is used: the half-width ¥ has no two-byte code and
    prints as garbage on GBK printers.
    """
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    return f"{sign}￥{abs(value):,.2f}"


def format_kwh(kwh: Decimal | int) -> str:
    value = Decimal(kwh)
    if value == value.to_integral_value():
        return f"{value:,.0f} kWh"
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f} kWh"


def wire_time_s(n_bytes: int, baudrate: int) -> float:
    """Seconds ``n_bytes`` take on a serial line at ``baudrate`` (8N1, 10 bits a byte)."""
    return n_bytes * BITS_PER_BYTE / baudrate


def wrap(text: str, max_columns: int) -> list[str]:
    """Break ``text`` into lines of at most ``max_columns`` print columns.

    Chinese breaks between any two characters, except before closing punctuation; a run of
    Latin letters or digits is kept whole when the line has a space to break at.
    """
    text = printable(text).strip()
    if max_columns < 2:
        raise ValueError("max_columns must be >= 2")
    out: list[str] = []
    current = ""
    used = 0
    for ch in text:
        w = 1 if ord(ch) < 0x80 else 2
        if used + w > max_columns and current:
            head, tail = current, ""
            if ch in _NO_LINE_START and len(current) > 1:
                head, tail = current[:-1], current[-1]
            elif ch.isascii() and ch.isalnum() and " " in current:
                cut = current.rindex(" ")
                if current[cut + 1 :].isascii() and current[:cut].strip():
                    head, tail = current[:cut], current[cut + 1 :]
            out.append(head.rstrip())
            current = tail
            used = columns(tail)
        if not current and ch == " ":
            continue
        current += ch
        used += w
    if current.strip() or not out:
        out.append(current.rstrip())
    return out


def _lines(
    text: str,
    paper_width: int,
    *,
    align: Align = Align.CENTER,
    bold: bool = False,
    size: int = 1,
) -> list[Line]:
    return [
        Line(part, align=align, bold=bold, width=size, height=size)
        for part in wrap(text, COLUMNS[paper_width] // size)
    ]


def _rule(paper_width: int) -> Line:
    return Line(RULE_CHAR * (COLUMNS[paper_width] // 2))


def _label_value(label: str, value: str, paper_width: int) -> Line:
    """``label`` left and ``value`` right on one line, or ``label：value`` if too long."""
    cols = COLUMNS[paper_width]
    gap = cols - columns(label) - columns(value)
    text = f"{label}{' ' * gap}{value}" if gap >= 2 else f"{label}：{value}"
    return Line(text, align=Align.LEFT)


# -- layouts ------------------------------------------------------------------------------


def layout_ticket(ticket: TicketContent) -> list[PrintOp]:
    """The ticket of ``ticket.md``: every line centred, sizes as specified."""
    w = ticket.paper_width
    ops: list[PrintOp] = []
    ops += _lines(ticket.hall_name, w, bold=True)
    ops.append(_rule(w))
    ops += _lines(ticket.service_name, w, size=2)
    ops += _lines(ticket.number, w, size=4)
    ops += _lines(f"您前面还有 {ticket.ahead} 人等候", w)
    if ticket.estimated_wait_min is not None:
        if ticket.estimated_wait_min >= 1:
            ops += _lines(f"预计等待约 {ticket.estimated_wait_min} 分钟", w)
        else:
            ops += _lines("预计等待不到 1 分钟", w)
    counters = printable(ticket.counters_text).strip()
    ops += _lines(f"请留意叫号，办理窗口：{counters}" if counters else "请留意叫号", w)
    ops.append(Qr(ticket.qr_payload, QR_MODULE[w]))
    ops += _lines(ticket.issued_at.strftime("%Y-%m-%d %H:%M:%S"), w)
    for footer in ticket.footer:
        ops += _lines(footer, w)
    ops.append(Cut())
    return ops


def layout_statement(statement: StatementContent) -> list[PrintOp]:
    """A bill: title centred, one label/value pair a line, masked account and name."""
    w = statement.paper_width
    ops: list[PrintOp] = []
    ops += _lines(statement.hall_name, w, bold=True)
    ops += _lines("电费账单", w, size=2)
    ops.append(_rule(w))
    ops.append(_label_value("户号", mask_account(statement.account), w))
    if statement.customer_name:
        ops.append(_label_value("户名", mask_name(statement.customer_name), w))
    ops.append(_label_value("账期", printable(statement.period).strip(), w))
    ops.append(_label_value("用电量", format_kwh(statement.kwh), w))
    ops.append(_label_value("本期电费", format_yuan(statement.amount), w))
    if statement.balance < 0:
        owed = _label_value("欠费金额", format_yuan(-statement.balance), w)
        ops.append(Line(owed.text, align=Align.LEFT, bold=True))
    else:
        ops.append(_label_value("账户余额", format_yuan(statement.balance), w))
    for extra in statement.lines:
        ops += _lines(extra, w, align=Align.LEFT)
    ops.append(_rule(w))
    ops += _lines(f"数据截至 {statement.as_of.strftime('%Y-%m-%d %H:%M')}", w)
    for footer in statement.footer:
        ops += _lines(footer, w)
    ops.append(Cut())
    return ops


def layout(content: TicketContent | StatementContent) -> list[PrintOp]:
    if isinstance(content, TicketContent):
        return layout_ticket(content)
    return layout_statement(content)


# -- encoding -----------------------------------------------------------------------------


def render_ops(ops: Sequence[PrintOp]) -> bytes:
    """ESC/POS bytes for ``ops``, sending a style command only when the style changes."""
    printer = BufferEscpos()
    printer.hw("INIT")  # ESC @: left, not bold, 1×1 from here on
    printer.chinese_mode(True)
    align, bold, size = Align.LEFT, False, (1, 1)
    for op in ops:
        if isinstance(op, Cut):
            printer.feed_and_cut(op.feed_dots, partial=op.partial)
            continue
        if op.align != align:
            printer.set(align=str(op.align))
            align = op.align
        if isinstance(op, Qr):
            printer.qr_native(op.payload, op.module_size)
            # Some printers stay on the symbol's line without a line end. (python-escpos's
            # ln() would precede it with an ESC t code-page switch.)
            printer.textln_gb18030("")
            continue
        if op.bold != bold:
            printer.set(bold=op.bold)
            bold = op.bold
        if (op.width, op.height) != size:
            printer.char_size(op.width, op.height)
            size = (op.width, op.height)
        printer.textln_gb18030(op.text)
    return printer.output


def render_ticket(ticket: TicketContent) -> bytes:
    return render_ops(layout_ticket(ticket))


def render_statement(statement: StatementContent) -> bytes:
    return render_ops(layout_statement(statement))


def render(content: TicketContent | StatementContent) -> bytes:
    return render_ops(layout(content))


def typical_ticket(paper_width: PaperWidth = 80) -> TicketContent:
    """A representative ticket, for benchmarks and the demo."""
    return TicketContent(
        hall_name="国网广州供电公司 天河营业厅",
        service_name="电费缴纳",
        number="A012",
        ahead=5,
        estimated_wait_min=12,
        counters_text="1、2号窗口",
        qr_payload="HK1/4401060001/20261123-A012",
        issued_at=datetime(2026, 11, 23, 9, 41, 7),
        paper_width=paper_width,
    )
