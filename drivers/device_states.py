"""The words for a device's state: one table for every place that shows one.

The hall daemon's device list (``GET /api/v1/devices``), ``kiosk devices``, ``kiosk doctor``
(through the daemon or with the ports opened directly), the lobby's admin panel and the
printer driver's own messages (a print result's reason, a ``device.fault`` event) all say a
device's state with the words of :data:`STATES`, so a technician reads the same thing
wherever they look: one line per device, one truth (a printer out of paper is one ✗ line
saying 缺纸, its paper running low one ! line saying 打印纸将尽).

Chinese first; the English beside it in the same entry, because the drivers that build their
messages from this table import nothing of the hall (and so not its gettext catalogue). A
line is chosen by a device *kind* (``printer``, ``idcard``, ``hallbus`` for the port,
``hallbus-device`` for an address on it, ``voice``) and a *state* key; the printer's keys are
its :class:`~drivers.printer.status.PrinterFault` values plus ``paper_near_end`` and ``ok``.

Pure data and functions: no I/O, no import of the project.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Level(enum.StrEnum):
    """How a state reads: ✓ works, ! works but needs a look, ✗ does not work."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"

    @property
    def mark(self) -> str:
        return {"ok": "✓", "warn": "!", "fail": "✗"}[self.value]


@dataclass(frozen=True)
class Words:
    zh: str
    en: str

    def pick(self, english: bool) -> str:
        return self.en if english else self.zh

    def both(self) -> str:
        """``中文 English``, for the technician's tools (the English only when it differs)."""
        return self.zh if not self.en or self.en == self.zh else f"{self.zh} {self.en}"


@dataclass(frozen=True)
class StateWords:
    level: Level
    state: Words  # what the device is doing: 缺纸 / paper out
    fix: Words  # what to do about it ("" when nothing is to be done)


def _s(level: Level, zh: str, en: str, fix_zh: str = "", fix_en: str = "") -> StateWords:
    return StateWords(level, Words(zh, en), Words(fix_zh, fix_en))


OK, WARN, FAIL = Level.OK, Level.WARN, Level.FAIL

#: The device kinds and what each is called.
LABELS: dict[str, Words] = {
    "printer": Words("打印机", "ticket printer"),
    "idcard": Words("身份证阅读器", "ID-card reader"),
    "hallbus": Words("485总线", "RS-485 hall bus"),
    "voice": Words("语音播报", "voice"),
}

#: What an address on the hall bus is (the ``role`` of ``[[hallbus.devices]]``).
ROLES: dict[str, Words] = {
    "screen": Words("窗口屏", "window screen"),
    "pad": Words("呼叫器", "caller pad"),
    "evaluator": Words("评价器", "evaluator"),
    "pad+screen": Words("呼叫器/窗口屏", "pad/screen"),
}

_PRINTER_CABLE = (
    "检查打印机的电源、线缆和 /dev/kiosk-printer",
    "check the printer's power and cable, and ls -l /dev/kiosk-printer",
)

#: (kind, state) → the words. Every state a device can be in has a row here.
STATES: dict[tuple[str, str], StateWords] = {
    # -- the ticket printer (PrinterFault values, paper_near_end, ok, unknown)
    ("printer", "ok"): _s(OK, "正常", "OK"),
    ("printer", "unknown"): _s(
        WARN, "尚未检测", "not checked yet", "稍候再查看", "look again shortly"
    ),
    ("printer", "paper_near_end"): _s(
        WARN, "打印纸将尽", "paper near end", "请及时更换纸卷", "change the roll soon"
    ),
    ("printer", "paper_out"): _s(FAIL, "缺纸", "paper out", "装入新纸卷", "load a new roll"),
    ("printer", "cover_open"): _s(
        FAIL, "盖未合上", "cover open", "合上打印机盖", "close the cover"
    ),
    ("printer", "cutter_error"): _s(
        FAIL,
        "切刀故障",
        "cutter error",
        "清除切刀处的卡纸，再断电重启打印机",
        "clear the jam at the cutter, then power-cycle the printer",
    ),
    ("printer", "unrecoverable"): _s(
        FAIL, "故障，需断电重启", "unrecoverable error", "断电重启打印机", "power-cycle the printer"
    ),
    ("printer", "error"): _s(
        FAIL,
        "故障",
        "printer error",
        "查看打印机指示灯，断电重启打印机",
        "check the printer's lights, power-cycle it",
    ),
    ("printer", "offline"): _s(
        FAIL,
        "离线",
        "offline, no answer within 300 ms",
        "检查打印机是否开机，以及波特率设置",
        "check that the printer is on, and the baud rate",
    ),
    ("printer", "unavailable"): _s(FAIL, "未连接", "not connected", *_PRINTER_CABLE),
    ("printer", "bad_reply"): _s(
        FAIL,
        "状态应答异常",
        "malformed status reply",
        "核对波特率 [printer] baudrate",
        "check the baud rate, [printer] baudrate",
    ),
    ("printer", "write_timeout"): _s(
        FAIL,
        "忙，数据发送超时",
        "write timed out",
        "检查忙信号/流控接线 [printer] dsrdtr",
        "check the busy/flow-control line, [printer] dsrdtr",
    ),
    # -- the ID-card reader
    ("idcard", "ok"): _s(OK, "正常", "OK"),
    ("idcard", "unavailable"): _s(
        FAIL,
        "未连接",
        "not connected",
        "检查阅读器的电源、线缆和 /dev/kiosk-idcard",
        "check the reader's power and cable, and /dev/kiosk-idcard",
    ),
    ("idcard", "not_answering"): _s(
        FAIL,
        "无应答",
        "not answering",
        "检查阅读器的电源、线缆和 /dev/kiosk-idcard",
        "check the reader's power and cable, and /dev/kiosk-idcard",
    ),
    ("idcard", "error"): _s(
        FAIL,
        "驱动异常",
        "driver error",
        "查看日志：kiosk logs --subsystem drivers.idcard",
        "see the journal: kiosk logs --subsystem drivers.idcard",
    ),
    # -- the hall bus: its port, and each address on it
    ("hallbus", "ok"): _s(OK, "正常", "OK"),
    ("hallbus", "unavailable"): _s(
        FAIL,
        "未连接",
        "port unavailable",
        "检查485转换器和 /dev/kiosk-hallbus",
        "check the RS-485 adapter and /dev/kiosk-hallbus",
    ),
    ("hallbus-device", "ok"): _s(OK, "正常", "OK"),
    ("hallbus-device", "unknown"): _s(
        WARN, "尚未应答", "not heard from yet", "稍候再查看", "look again shortly"
    ),
    ("hallbus-device", "not_answering"): _s(
        FAIL,
        "无应答",
        "not answering",
        "检查该设备的电源、A/B 接线和地址设置",
        "check its power, A/B wiring and address setting",
    ),
    # -- the voice
    ("voice", "ok"): _s(OK, "正常", "OK"),
    ("voice", "error"): _s(
        FAIL,
        "故障",
        "fault",
        "查看 kiosk doctor 的音频输出一项",
        "see the audio output line of kiosk doctor",
    ),
}


def words(kind: str, state: str) -> StateWords:
    """The row for ``(kind, state)``; a state this table does not know reads as a fault of
    the device (never as ✓)."""
    found = STATES.get((kind, state))
    if found is not None:
        return found
    fallback = STATES.get((kind, "error")) or STATES[("printer", "error")]
    return StateWords(FAIL, Words(state, state), fallback.fix)


def kind_of(name: str) -> str:
    """``hallbus:3`` → ``hallbus-device``; other names are their kind."""
    return "hallbus-device" if name.startswith("hallbus:") else name


def label(name: str, *, role: str | None = None, counter: int | None = None) -> Words:
    """What a device is called: 打印机, or for a hall-bus address 3号窗口 呼叫器/窗口屏 #3."""
    if not name.startswith("hallbus:"):
        return LABELS.get(name, Words(name, name))
    address = name.split(":", 1)[1]
    what = ROLES.get(role or "", Words(role or "设备", role or "device"))
    if counter is None:
        return Words(f"{what.zh} #{address}", f"{what.en} #{address}")
    return Words(f"{counter}号窗口 {what.zh} #{address}", f"counter {counter} {what.en} #{address}")


def message(kind: str, state: str) -> str:
    """A driver's one-string message, Chinese then English with what to do:
    ``打印机缺纸 (paper out: load a new roll)``; a warning (the device still works) says
    what to do soon in Chinese too: ``打印纸将尽，请及时更换纸卷 (paper near end: …)``."""
    w = words(kind, state)
    if w.level is Level.WARN:
        head = f"{w.state.zh}，{w.fix.zh}"
    else:
        head = f"{LABELS[kind].zh}{w.state.zh}" if kind in LABELS else w.state.zh
    tail = f"{w.state.en}: {w.fix.en}" if w.fix.en else w.state.en
    return f"{head} ({tail})"


def ok_and_message(kind: str, state: str) -> tuple[bool, str]:
    """Whether a device in ``state`` works (✓ or !), and its message ("" when ✓)."""
    w = words(kind, state)
    return w.level is not Level.FAIL, "" if w.level is Level.OK else message(kind, state)


@dataclass(frozen=True)
class DeviceLine:
    """One device, one line: what it is, how it is, what to do."""

    name: str  # printer | idcard | hallbus | hallbus:N | voice
    state: str  # a key of STATES for the device's kind
    label: Words
    detail: str = ""  # the driver's own account of a fault, when it says more

    @property
    def words(self) -> StateWords:
        return words(kind_of(self.name), self.state)

    @property
    def level(self) -> Level:
        return self.words.level

    def text(self) -> str:
        """``✗ 打印机 ticket printer  缺纸 paper out``: the technician's line."""
        w = self.words
        return f"{w.level.mark} {self.label.both()}  {w.state.both()}"


def line(
    name: str,
    state: str,
    *,
    role: str | None = None,
    counter: int | None = None,
    detail: str = "",
) -> DeviceLine:
    return DeviceLine(name, state, label(name, role=role, counter=counter), detail)
