"""The manager's report as a terminal table and as one printable HTML page.

The HTML page is self-contained: inline CSS and inline SVG charts, no script, no external
font or image, so it opens from a USB stick on an office PC without network and prints on
A4 as it looks on screen. Labels are Chinese first (gettext msgids, English via
``assets/locale/en``).
"""

from __future__ import annotations

import html
import math
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kiosk.i18n import translate

# ----------------------------------------------------------------------------- formatting


def fmt_duration(seconds: float | None) -> str:
    """1234.5 → ``20:35`` (minutes:seconds); None → ``—``."""
    if seconds is None:
        return "—"
    s = round(seconds)
    return f"{s // 60}:{s % 60:02d}"


def fmt_share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def _columns(lang: str) -> list[tuple[str, str]]:
    """(key, heading) of the figures every table shows."""
    return [
        ("tickets", translate("号票", lang)),
        ("done", translate("办结", lang)),
        ("no_show", translate("过号", lang)),
        ("transferred", translate("转移", lang)),
        ("mean_wait_s", translate("平均等候", lang)),
        ("p90_wait_s", translate("等候P90", lang)),
        ("within_target", translate("目标内", lang)),
        ("mean_service_s", translate("平均办理", lang)),
        ("p90_service_s", translate("办理P90", lang)),
        ("overdue", translate("超时限", lang)),
        ("satisfaction", translate("满意率", lang)),
        ("not_rated", translate("未评价", lang)),
    ]


def _cell(key: str, row: dict[str, Any]) -> str:
    value = row.get(key)
    if key.endswith("_s"):
        return fmt_duration(value)
    if key in ("within_target", "satisfaction"):
        return fmt_share(value)
    return str(value if value is not None else "—")


def _group_rows(report: dict[str, Any], lang: str) -> list[tuple[str, list[dict[str, Any]]]]:
    en = lang == "en"
    services = [
        {**r, "label": f"{r['service']} {r['name_en'] if en else r['name']}"}
        for r in report["services"]
    ]
    counters = [
        {**r, "label": f"{r['counter']} " + "/".join(r["services"])} for r in report["counters"]
    ]
    staff = [
        {
            **r,
            "label": (
                f"{r['staff']} {r['name'] or ''}".strip()
                if r["staff"]
                else translate("未记录工号", lang)
            ),
        }
        for r in report["staff"]
    ]
    return [
        (translate("按业务", lang), services),
        (translate("按窗口", lang), counters),
        (translate("按员工", lang), staff),
    ]


def _title(report: dict[str, Any], hall_name: str, lang: str) -> str:
    if "month" in report:
        return translate("{hall} {month} 月报", lang).format(hall=hall_name, month=report["month"])
    if "first" in report:
        return translate("{hall} {first} 至 {last} 报表", lang).format(
            hall=hall_name, first=report["first"], last=report["last"]
        )
    return translate("{hall} {date} 日报", lang).format(hall=hall_name, date=report["date"])


def _summary_line(report: dict[str, Any], lang: str) -> str:
    return translate(
        "取号 {issued}，办结 {done}，过号 {no_show}，转移 {transferred}；"
        "平均等候 {wait}（P90 {wait90}），目标内 {within}；平均办理 {service}，超时限 {overdue}；"
        "满意率 {satisfaction}（评价 {rated}，未评价 {not_rated}）",
        lang,
    ).format(
        issued=report["issued"],
        done=report["done"],
        no_show=report["no_show"],
        transferred=report["transferred"],
        wait=fmt_duration(report["mean_wait_s"]),
        wait90=fmt_duration(report["p90_wait_s"]),
        within=fmt_share(report["within_target"]),
        service=fmt_duration(report["mean_service_s"]),
        overdue=report["overdue"],
        satisfaction=fmt_share(report["satisfaction"]),
        rated=report["rated"],
        not_rated=report["not_rated"],
    )


# -------------------------------------------------------------------------------- terminal


def render_text(report: dict[str, Any], hall_name: str, lang: str = "zh_CN") -> str:
    cols = _columns(lang)
    out = [_title(report, hall_name, lang), _summary_line(report, lang)]
    out.append(translate("时间为 分:秒", lang))
    for heading, rows in _group_rows(report, lang):
        if not rows:
            continue
        label_w = max(display_width(heading), *(display_width(r["label"]) for r in rows)) + 2
        widths = [
            max(display_width(h), *(display_width(_cell(k, r)) for r in rows)) + 2 for k, h in cols
        ]
        out.append("")
        out.append(
            pad(heading, label_w)
            + "".join(pad(h, w, right=True) for (_, h), w in zip(cols, widths, strict=True))
        )
        for r in rows:
            out.append(
                pad(r["label"], label_w)
                + "".join(
                    pad(_cell(k, r), w, right=True) for (k, _), w in zip(cols, widths, strict=True)
                )
            )
    out.append("")
    out.append(translate("每小时取号", lang))
    hourly = report["hourly_arrivals"]
    peak = max(hourly) or 1
    for hour, n in enumerate(hourly):
        if n:
            out.append(f"  {hour:02d}:00  {n:>5}  {'█' * max(1, round(n / peak * 40))}")
    if "days" in report:
        out.append("")
        out.append(translate("每日", lang))
        dpeak = max(d["issued"] for d in report["days"]) or 1
        for d in report["days"]:
            bar = "█" * round(d["issued"] / dpeak * 40)
            out.append(
                f"  {d['date']}  {d['issued']:>5}  {fmt_duration(d['mean_wait_s']):>6}  "
                f"{fmt_share(d['satisfaction']):>6}  {bar}"
            )
    return "\n".join(out)


# -------------------------------------------------------------------------------- charts

INK = "#1f2933"
MUTED = "#7b8794"
GRID = "#e4e7eb"
BLUE = "#2f6fb3"
ORANGE = "#d9822b"
RED = "#c23030"
GREEN = "#2e8540"


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def bar_chart(
    values: Sequence[float],
    labels: Sequence[str],
    *,
    width: int = 880,
    height: int = 240,
    highlight: Sequence[int] = (),
    label_every: int = 1,
    title: str = "",
) -> str:
    """Vertical bars with a light grid; ``highlight`` bars in orange (peaks)."""
    left, right, top, bottom = 44, 8, 24, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(values, default=0) or 1
    step = _nice_step(peak)
    top_value = step * (int(peak // step) + 1)
    n = max(1, len(values))
    slot = plot_w / n
    bar_w = max(2.0, slot * 0.72)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{_esc(title)}">'
    ]
    y = 0.0
    while y <= top_value + 1e-9:
        py = top + plot_h - y / top_value * plot_h
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{py:.1f}" y2="{py:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{py + 4:.1f}" font-size="11" fill="{MUTED}" '
            f'text-anchor="end">{_fmt_axis(y)}</text>'
        )
        y += step
    for i, v in enumerate(values):
        h = v / top_value * plot_h
        x = left + i * slot + (slot - bar_w) / 2
        colour = ORANGE if i in highlight else BLUE
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
            f'height="{h:.1f}" fill="{colour}"><title>{_esc(labels[i])}: {_fmt_axis(v)}'
            f"</title></rect>"
        )
        if v and n <= 31:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - h - 4:.1f}" font-size="10" '
                f'fill="{INK}" text-anchor="middle">{_fmt_axis(v)}</text>'
            )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" font-size="11" '
                f'fill="{MUTED}" text-anchor="middle">{_esc(labels[i])}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def wait_chart(services: Sequence[dict[str, Any]], lang: str, width: int = 880) -> str:
    """Per service: mean wait (bar), p90 (dark tick) and the target (red line)."""
    rows = [s for s in services if s["mean_wait_s"] is not None or s.get("target_wait_s")]
    longest = max(
        (
            display_width(f"{s['service']} {s['name_en'] if lang == 'en' else s['name']}")
            for s in rows
        ),
        default=10,
    )
    row_h, right, top = 30, 60, 10
    left = max(120, min(340, round(longest * 7.4) + 20))
    height = top + row_h * max(1, len(rows)) + 30
    peak = max(
        [s["p90_wait_s"] or 0 for s in rows] + [s.get("target_wait_s") or 0 for s in rows] + [60]
    )
    step = _nice_step(peak / 60) * 60
    peak = step * math.ceil(peak / step)
    scale = (width - left - right) / peak
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{_esc(translate("等候时间", lang))}">'
    ]
    m = 0.0
    while m <= peak + 1e-9:
        x = left + m * scale
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - 24}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{height - 8}" font-size="11" fill="{MUTED}" '
            f'text-anchor="middle">{round(m / 60)}′</text>'
        )
        m += step
    for i, s in enumerate(rows):
        y = top + i * row_h
        name = s["name_en"] if lang == "en" else s["name"]
        parts.append(
            f'<text x="{left - 8}" y="{y + 19}" font-size="13" fill="{INK}" '
            f'text-anchor="end">{_esc(s["service"])} {_esc(name)}</text>'
        )
        mean = s["mean_wait_s"] or 0
        parts.append(
            f'<rect x="{left}" y="{y + 6}" width="{mean * scale:.1f}" height="18" fill="{BLUE}"/>'
        )
        if s["p90_wait_s"] is not None:
            px = left + s["p90_wait_s"] * scale
            parts.append(
                f'<line x1="{left + mean * scale:.1f}" x2="{px:.1f}" y1="{y + 15}" '
                f'y2="{y + 15}" stroke="{INK}" stroke-width="1.5"/>'
                f'<rect x="{px - 1.5:.1f}" y="{y + 5}" width="3" height="20" fill="{INK}"/>'
            )
        target = s.get("target_wait_s")
        if target:
            tx = left + target * scale
            parts.append(
                f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{y + 1}" y2="{y + 29}" stroke="{RED}" '
                f'stroke-width="2" stroke-dasharray="4 2"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def heatmap(days: Sequence[dict[str, Any]], lang: str, width: int = 880) -> str:
    """Arrivals by day (rows) and hour (columns) over the open hours of the period."""
    hours = [h for h in range(24) if any(d["hourly_arrivals"][h] for d in days)] or list(
        range(8, 18)
    )
    left, top, cell_h = 86, 22, 16
    cell_w = (width - left - 10) / len(hours)
    height = top + cell_h * len(days) + 8
    peak = max((d["hourly_arrivals"][h] for d in days for h in hours), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{_esc(translate("每日每小时取号", lang))}">'
    ]
    for j, h in enumerate(hours):
        parts.append(
            f'<text x="{left + j * cell_w + cell_w / 2:.1f}" y="{top - 7}" font-size="11" '
            f'fill="{MUTED}" text-anchor="middle">{h:02d}</text>'
        )
    for i, d in enumerate(days):
        y = top + i * cell_h
        parts.append(
            f'<text x="{left - 6}" y="{y + 12}" font-size="11" fill="{INK}" '
            f'text-anchor="end">{_esc(d["date"][5:])}</text>'
        )
        for j, h in enumerate(hours):
            v = d["hourly_arrivals"][h]
            alpha = 0.06 + 0.94 * v / peak if v else 0.0
            fill = f"rgba(47,111,179,{alpha:.2f})" if v else "#f5f7fa"
            parts.append(
                f'<rect x="{left + j * cell_w + 1:.1f}" y="{y + 1}" width="{cell_w - 2:.1f}" '
                f'height="{cell_h - 2}" fill="{fill}"><title>{_esc(d["date"])} {h:02d}:00 '
                f"{v}</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _nice_step(peak: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if peak / step <= 5:
            return float(step)
    return float(10 ** len(str(int(peak))))


def _fmt_axis(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


# ------------------------------------------------------------------------------------ HTML

CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
       "Microsoft YaHei", "PingFang SC", sans-serif; color: #1f2933; margin: 24px auto;
       max-width: 980px; padding: 0 16px; font-size: 14px; line-height: 1.45;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 24px; margin: 0 0 2px; }
h2 { font-size: 17px; margin: 26px 0 8px; border-bottom: 2px solid #2f6fb3;
     padding-bottom: 3px; }
.meta { color: #7b8794; font-size: 12px; margin-bottom: 14px; }
.cards { display: grid; grid-template-columns: repeat(5, 1fr); gap: 8px; }
.card { border: 1px solid #e4e7eb; border-radius: 6px; padding: 8px 10px; }
.card .k { color: #52606d; font-size: 12px; }
.card .v { font-size: 22px; font-weight: 700; }
.card .s { color: #7b8794; font-size: 11px; }
.card.warn .v { color: #c23030; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { padding: 4px 5px; border-bottom: 1px solid #e4e7eb; text-align: right;
         white-space: nowrap; }
th:first-child, td:first-child { text-align: left; white-space: normal; min-width: 7em; }
th { background: #f5f7fa; font-weight: 600; color: #323f4b; }
td.bad { color: #c23030; font-weight: 600; }
tr.total td { font-weight: 700; border-top: 2px solid #9aa5b1; }
.legend { color: #52606d; font-size: 12px; margin: 4px 0 0; }
.legend i { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 10px;
            vertical-align: -1px; }
.note { color: #7b8794; font-size: 11.5px; margin-top: 18px; }
section { break-inside: avoid; page-break-inside: avoid; }
@media print { body { margin: 0; max-width: none; padding: 0; } h2 { margin-top: 16px; }
               .pb { break-before: page; page-break-before: always; } }
"""


def _card(label: str, value: str, sub: str = "", warn: bool = False) -> str:
    cls = "card warn" if warn else "card"
    return (
        f'<div class="{cls}"><div class="k">{_esc(label)}</div>'
        f'<div class="v">{_esc(value)}</div><div class="s">{_esc(sub)}</div></div>'
    )


def _table(
    heading: str, rows: list[dict[str, Any]], total: dict[str, Any] | None, lang: str
) -> str:
    cols = _columns(lang)
    head = "".join(f"<th>{_esc(h)}</th>" for _, h in cols)
    body = []
    for r in rows:
        cells = []
        for k, _ in cols:
            bad = (k == "overdue" and r.get(k)) or (
                k == "within_target" and r.get(k) is not None and r[k] < 0.8
            )
            cells.append(
                f'<td class="bad">{_esc(_cell(k, r))}</td>'
                if bad
                else f"<td>{_esc(_cell(k, r))}</td>"
            )
        body.append(f"<tr><td>{_esc(r['label'])}</td>{''.join(cells)}</tr>")
    if total is not None:
        sums = "".join(f"<td>{_esc(_cell(k, total))}</td>" for k, _ in cols)
        body.append(f'<tr class="total"><td>{_esc(translate("合计", lang))}</td>{sums}</tr>')
    return (
        f"<table><thead><tr><th>{_esc(heading)}</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def render_html(
    report: dict[str, Any], hall_name: str, lang: str = "zh_CN", generated: datetime | None = None
) -> str:
    title = _title(report, hall_name, lang)
    total = {**report, "tickets": report["issued"]}
    within_low = report["within_target"] is not None and report["within_target"] < 0.8
    cards = "".join(
        [
            _card(
                translate("取号", lang),
                str(report["issued"]),
                translate("过号 {n}", lang).format(n=report["no_show"]),
            ),
            _card(
                translate("办结", lang),
                str(report["done"]),
                translate("转移 {n}", lang).format(n=report["transferred"]),
            ),
            _card(
                translate("平均等候", lang),
                fmt_duration(report["mean_wait_s"]),
                translate("P90 {v}", lang).format(v=fmt_duration(report["p90_wait_s"])),
            ),
            _card(
                translate("目标等候内", lang),
                fmt_share(report["within_target"]),
                translate("按各业务承诺等候时间", lang),
                warn=within_low,
            ),
            _card(
                translate("平均办理", lang),
                fmt_duration(report["mean_service_s"]),
                translate("P90 {v}", lang).format(v=fmt_duration(report["p90_service_s"])),
            ),
            _card(
                translate("超时限办理", lang),
                str(report["overdue"]),
                translate("限时办结", lang),
                warn=bool(report["overdue"]),
            ),
            _card(
                translate("满意率", lang),
                fmt_share(report["satisfaction"]),
                translate("非常满意+满意，评价 {n}", lang).format(n=report["rated"]),
            ),
            _card(
                translate("未评价", lang),
                str(report["not_rated"]),
                translate("评价超时，不计分", lang),
            ),
            _card(
                translate("过期", lang), str(report["expired"]), translate("日结时仍在等候", lang)
            ),
            _card(translate("取消", lang), str(report["cancelled"]), ""),
        ]
    )
    hours = [f"{h:02d}" for h in range(24)]
    hourly = report["hourly_arrivals"]
    shown = [h for h in range(24) if hourly[h]] or list(range(8, 18))
    lo, hi = min(shown), max(shown)
    hourly_chart = bar_chart(
        hourly[lo : hi + 1],
        hours[lo : hi + 1],
        highlight=[i for i, v in enumerate(hourly[lo : hi + 1]) if v and v == max(hourly)],
        title=translate("每小时取号", lang),
    )
    sections = [
        f"<section><h2>{_esc(translate('概况', lang))}</h2><div class='cards'>{cards}</div></section>",
    ]
    if "days" in report:
        days = report["days"]
        issued = [d["issued"] for d in days]
        open_days = sorted(v for v in issued if v)
        median = open_days[len(open_days) // 2] if open_days else 0
        peaks = [i for i, v in enumerate(issued) if median and v >= 1.25 * median]
        sections.append(
            f"<section><h2>{_esc(translate('每日取号', lang))}</h2>"
            + bar_chart(
                issued,
                [d["date"][8:] for d in days],
                highlight=peaks,
                title=translate("每日取号", lang),
            )
            + f"<p class='legend'><i style='background:{ORANGE}'></i>"
            f"{_esc(translate('高峰日（比中位数多25%以上）', lang))}"
            f"<i style='background:{BLUE}'></i>{_esc(translate('其他日期', lang))}</p></section>"
        )
        sections.append(
            f"<section><h2>{_esc(translate('每日每小时取号', lang))}</h2>{heatmap(days, lang)}</section>"
        )
    sections.append(
        f"<section><h2>{_esc(translate('每小时取号', lang))}</h2>{hourly_chart}"
        f"<p class='legend'><i style='background:{ORANGE}'></i>"
        f"{_esc(translate('最忙的时段', lang))}"
        + (f"　{_esc(translate('整个期间合计', lang))}" if "days" in report else "")
        + "</p></section>"
    )
    sections.append(
        f"<section><h2>{_esc(translate('各业务等候时间', lang))}</h2>{wait_chart(report['services'], lang)}"
        f"<p class='legend'><i style='background:{BLUE}'></i>{_esc(translate('平均等候', lang))}"
        f"<i style='background:{INK}'></i>P90"
        f"<i style='background:{RED}'></i>{_esc(translate('承诺等候时间', lang))}</p></section>"
    )
    for i, (heading, rows) in enumerate(_group_rows(report, lang)):
        if not rows:
            continue
        cls = " class='pb'" if i == 0 else ""
        sections.append(
            f"<section{cls}><h2>{_esc(heading)}</h2>"
            f"{_table(heading, rows, total if i == 0 else None, lang)}</section>"
        )
    if "days" in report:
        day_rows = [
            {**d, "tickets": d["issued"], "label": d["date"]} for d in report["days"] if d["issued"]
        ]
        if day_rows:
            sections.append(
                f"<section class='pb'><h2>{_esc(translate('每日明细', lang))}</h2>"
                f"{_table(translate('日期', lang), day_rows, total, lang)}</section>"
            )
    note = translate(
        "等候：取号到首次叫号（转移不重新计时）；办理：开始办理（或叫号）到办结；"
        "超时限：办理超过该业务的限时办结时间；满意率：非常满意与满意占已评价的比例，"
        "评价超时记为未评价，不计入满意率；P90：90%的号票不超过的时间。时间为 分:秒。",
        lang,
    )
    when = (generated or datetime.now()).strftime("%Y-%m-%d %H:%M")
    lang_attr = "en" if lang == "en" else "zh-CN"
    return (
        f"<!DOCTYPE html><html lang='{lang_attr}'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_esc(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{_esc(title)}</h1>"
        f"<div class='meta'>{_esc(translate('生成于 {when}', lang).format(when=when))}</div>"
        + "".join(sections)
        + f"<p class='note'>{_esc(note)}</p></body></html>"
    )
