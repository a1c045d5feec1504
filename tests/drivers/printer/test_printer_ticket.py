"""Ticket and statement rendering: exact bytes, the byte budget, and a decode round trip."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal

import pytest

from drivers.printer.escpos_ext import BufferEscpos, encode_text
from drivers.printer.ticket import (
    COLUMNS,
    TICKET_BYTE_BUDGET,
    Align,
    Line,
    StatementContent,
    format_kwh,
    format_yuan,
    layout_ticket,
    mask_account,
    mask_name,
    render_ops,
    render_statement,
    render_ticket,
    typical_ticket,
    wire_time_s,
    wrap,
)
from drivers.sim.escpos_decoder import (
    QrCode,
    RasterImage,
    TextLine,
    Unknown,
    decode_escpos,
    split_tickets,
)

QR_PAYLOAD = "HK1/4401060001/20261123-A012"


def statement(**changes: object) -> StatementContent:
    base = StatementContent(
        hall_name="国网广州供电公司 天河营业厅",
        account="0123456789",
        period="2026年10月",
        kwh=Decimal("1234"),
        amount=Decimal("1234.5"),
        balance=Decimal("-12.3"),
        as_of=datetime(2026, 11, 23, 9, 41),
        customer_name="张三",
        lines=("阶梯一档 230 kWh",),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_ticket_starts_with_init_then_chinese_mode() -> None:
    data = render_ticket(typical_ticket())
    assert data[:4] == b"\x1b\x40\x1c\x26"  # ESC @, FS &


def test_ticket_sends_the_native_qr_commands_of_the_spec_for_a_known_payload() -> None:
    data = render_ticket(typical_ticket())
    store_len = len(QR_PAYLOAD) + 3
    expected = (
        b"\x1d\x28\x6b\x04\x00\x31\x41\x32\x00"  # model 2
        + b"\x1d\x28\x6b\x03\x00\x31\x43\x06"  # module size 6 (80 mm)
        + b"\x1d\x28\x6b\x03\x00\x31\x45\x31"  # error correction M
        + b"\x1d\x28\x6b"
        + bytes((store_len, 0))
        + b"\x31\x50\x30"
        + QR_PAYLOAD.encode("ascii")  # store
        + b"\x1d\x28\x6b\x03\x00\x31\x51\x30"  # print
    )
    assert expected in data
    assert data.count(b"\x1d\x28\x6b") == 5


def test_ticket_ends_with_feed_and_partial_cut() -> None:
    assert render_ticket(typical_ticket())[-4:-1] == b"\x1d\x56\x42"  # GS V 66 n


@pytest.mark.parametrize("paper_width", [80, 58])
def test_ticket_fits_the_600_byte_budget(paper_width: int) -> None:
    n = len(render_ticket(typical_ticket(paper_width)))  # type: ignore[arg-type]
    assert n <= TICKET_BYTE_BUDGET
    # and so prints at once even at 9600 baud: well under a second on the wire
    assert wire_time_s(n, 9600) < 0.65


def test_a_long_ticket_still_fits_the_budget() -> None:
    ticket = dataclasses.replace(
        typical_ticket(58),
        hall_name="国网内蒙古东部电力有限公司呼伦贝尔供电公司 海拉尔区营业厅",
        service_name="故障报修·投诉",
        counters_text="1、2、3、4号窗口",
        qr_payload="HK1/1507020001/20261123-E123/ABCDEFGH",
    )
    assert len(render_ticket(ticket)) <= TICKET_BYTE_BUDGET


def test_every_ticket_line_decodes_back_with_its_size_and_alignment() -> None:
    ticket = typical_ticket()
    [decoded] = split_tickets(decode_escpos(render_ticket(ticket), strict=True))
    assert decoded.texts == [
        "国网广州供电公司 天河营业厅",
        "─" * 24,
        "电费缴纳",
        "A012",
        "您前面还有 5 人等候",
        "预计等待约 12 分钟",
        "请留意叫号，办理窗口：1、2号窗口",
        "2026-11-23 09:41:07",
        "过号请到服务台重新排队，客服热线 95598",
    ]
    assert all(line.align == "center" and line.chinese for line in decoded.lines)
    assert decoded.line("国网").bold
    assert not decoded.line("─").bold
    assert decoded.line("电费缴纳").size == (2, 2)
    assert decoded.line("A012").size == (4, 4)
    assert decoded.line("您前面").size == (1, 1)
    [qr] = decoded.qr_codes
    assert (qr.payload, qr.model, qr.ec_level, qr.align) == (QR_PAYLOAD, 2, "M", "center")
    assert decoded.images == []
    assert decoded.cut is not None and decoded.cut.partial


def test_qr_sits_between_the_counter_line_and_the_date() -> None:
    [decoded] = split_tickets(decode_escpos(render_ticket(typical_ticket())))
    shown = [
        i.text if isinstance(i, TextLine) else type(i).__name__
        for i in decoded.items
        if not (isinstance(i, TextLine) and not i.text)
    ]
    qr_at = shown.index("QrCode")
    assert "办理窗口" in shown[qr_at - 1]
    assert shown[qr_at + 1] == "2026-11-23 09:41:07"


def test_58mm_ticket_narrows_the_rule_and_wraps_the_footer() -> None:
    [decoded] = split_tickets(decode_escpos(render_ticket(typical_ticket(58))))
    assert decoded.line("─").text == "─" * 16
    assert decoded.texts[-2:] == ["过号请到服务台重新排队，客服热线", "95598"]
    assert decoded.qr_codes[0].module_size == 5


def test_punctuation_only_line_round_trips_as_gb18030() -> None:
    for text in ("——————", "（）：，", "、。“”《》……", "─" * 8):
        data = render_ops([Line(text)])
        assert encode_text(text) in data
        [line] = [i for i in decode_escpos(data) if isinstance(i, TextLine) and i.text]
        assert line.text == text


def test_python_escpos_text_alone_loses_a_punctuation_only_line() -> None:
    """Why text is sent raw: MagicEncode uses GB18030 only when an ideograph is present."""
    plain = BufferEscpos()
    plain.text("（）：，")
    assert encode_text("（）：，") not in plain.output
    ours = BufferEscpos()
    ours.text_gb18030("（）：，")
    assert ours.output == "（）：，".encode("gb18030")


def test_control_characters_in_configured_text_are_not_sent_as_commands() -> None:
    ticket = dataclasses.replace(typical_ticket(), hall_name="营业厅\x1b@\x1dV\x00")
    [decoded] = split_tickets(decode_escpos(render_ticket(ticket), strict=True))
    assert decoded.texts[0] == "营业厅@V"


def test_half_width_yen_is_printed_as_the_full_width_gbk_form() -> None:
    assert encode_text("¥1") == "￥1".encode("gb18030") == b"\xa3\xa41"


def test_zero_wait_and_no_counters_still_read_naturally() -> None:
    ticket = dataclasses.replace(typical_ticket(), ahead=0, estimated_wait_min=0, counters_text="")
    texts = [op.text for op in layout_ticket(ticket) if isinstance(op, Line)]
    assert "您前面还有 0 人等候" in texts
    assert "预计等待不到 1 分钟" in texts
    assert "请留意叫号" in texts
    no_estimate = dataclasses.replace(typical_ticket(), estimated_wait_min=None)
    assert not any("预计" in op.text for op in layout_ticket(no_estimate) if isinstance(op, Line))


@pytest.mark.parametrize(
    "changes",
    [
        {"paper_width": 76},
        {"ahead": -1},
        {"estimated_wait_min": -3},
        {"qr_payload": ""},
        {"qr_payload": "票据"},
        {"qr_payload": "x" * 121},
        {"number": " "},
    ],
)
def test_invalid_ticket_content_is_refused_at_construction(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(typical_ticket(), **changes)  # type: ignore[arg-type]


def test_statement_prints_masked_account_and_yuan_amounts_as_text() -> None:
    data = render_statement(statement())
    assert len(data) <= TICKET_BYTE_BUDGET
    [decoded] = split_tickets(decode_escpos(data, strict=True))
    texts = decoded.texts
    assert decoded.line("电费账单").size == (2, 2)
    assert decoded.line("户号").text.endswith("01****6789")
    assert decoded.line("户名").text.endswith("张*")
    assert decoded.line("用电量").text.endswith("1,234 kWh")
    assert decoded.line("本期电费").text.endswith("￥1,234.50")
    owed = decoded.line("欠费金额")
    assert owed.text.endswith("￥12.30") and owed.bold and owed.align == "left"
    assert all(len(t.encode("gb18030")) <= COLUMNS[80] for t in texts)
    assert "0123456789" not in "".join(texts) and "张三" not in "".join(texts)
    assert decoded.images == [] and decoded.qr_codes == []
    assert not [i for i in decode_escpos(data) if isinstance(i, Unknown | RasterImage)]


def test_statement_with_credit_shows_balance_and_hides_personal_data_in_repr() -> None:
    content = statement(balance=Decimal("88"), customer_name=None, paper_width=58)
    [decoded] = split_tickets(decode_escpos(render_statement(content)))
    assert decoded.line("账户余额").text.endswith("￥88.00")
    assert all(len(t.encode("gb18030")) <= COLUMNS[58] for t in decoded.texts)
    assert "0123456789" not in repr(statement())
    assert "张三" not in repr(statement())


def test_statement_refuses_float_money() -> None:
    with pytest.raises(TypeError):
        statement(amount=12.3)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("0"), "￥0.00"),
        (Decimal("1234567.895"), "￥1,234,567.90"),
        (Decimal("-12.345"), "-￥12.35"),
        (5, "￥5.00"),
    ],
)
def test_yuan_formatting_for_zh_cn(amount: Decimal, text: str) -> None:
    assert format_yuan(amount) == text


def test_kwh_and_masking_helpers() -> None:
    assert format_kwh(Decimal("1234.5")) == "1,234.50 kWh"
    assert mask_account("12345") == "*2345"
    assert mask_account("1234") == "****"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("张") == "*"


def test_wrap_respects_columns_and_chinese_line_breaking() -> None:
    assert wrap("过号请到服务台重新排队，客服热线 95598", 20) == [
        "过号请到服务台重新排",
        "队，客服热线 95598",
    ]
    # a closing mark never starts a line: the character before moves down with it
    assert wrap("一二三四，五", 8) == ["一二三", "四，五"]
    assert wrap("", 10) == [""]


def test_style_commands_are_sent_only_when_the_style_changes() -> None:
    data = render_ops([Line("一"), Line("二"), Line("三", align=Align.LEFT)])
    assert data.count(b"\x1ba\x01") == 1
    assert data.count(b"\x1ba\x00") == 1
    assert [i for i in decode_escpos(data) if isinstance(i, QrCode)] == []
