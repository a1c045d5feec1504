"""Screenshots of the soft caller, the hall display and the manager's report.

    .venv/bin/python ui/tools/screenshots_counter.py

A real hall daemon (temporary store, loopback, the hall-bus simulators, a fake clock at a
busy mid-morning) with the real widgets, rendered offscreen with Noto Sans CJK SC, into
``docs/screenshots/counter/``, ``docs/screenshots/display/`` (1920×1080 and 3840×2160) and
``docs/screenshots/report/`` (the HTML report of a generated busy day and month, and its
picture taken with Debian's headless chromium when it is installed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kiosk.clock import FakeClock  # noqa: E402
from tests.helpers.hall import DISPLAY, MANAGER, TZ, counter_token  # noqa: E402
from tests.helpers.uihall import UiHall, ui_hall  # noqa: E402
from ui.common.i18n import Languages  # noqa: E402
from ui.counter.customer import CustomerScreen  # noqa: E402
from ui.counter.session import CounterSession  # noqa: E402
from ui.counter.window import CounterWindow  # noqa: E402
from ui.display.window import DisplayWindow  # noqa: E402
from ui.qt.core import QEventLoop, QTimer  # noqa: E402
from ui.qt.widgets import QApplication, QWidget  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
HALL_NAME = "国网广州供电局天河营业厅"


def spin(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait(check: Callable[[], bool], ms: int = 5000) -> None:
    for _ in range(ms // 20):
        if check():
            return
        spin(20)
    raise RuntimeError("the screen did not get there")


def save(widget: QWidget, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    spin(150)
    widget.grab().save(str(path))
    print(f"  {path.relative_to(ROOT)}")


def busy_morning(hall: UiHall) -> None:
    """A hall at 10:12: people waiting for every service, four counters at work."""
    api = hall.api
    for service in "AAADBAEACADAABDEAACAD":
        api.issue(service, **({"account": "3100000002"} if service == "A" else {}))
        hall.clock.advance(37)
    for n, staff in ((2, "1021"), (3, "1031"), (4, "1041")):
        api.call(
            "POST",
            f"/counters/{n}/login",
            token=counter_token(n),
            json={"staff": staff, "pin": "123456"},
        )
    for n in (2, 3, 4):
        api.counter(n, "call-next")
        hall.clock.advance(20)
    api.counter(3, "start")
    api.counter(4, "start")
    api.counter(4, "done")
    api.counter(4, "pause")
    api.call(
        "PUT",
        "/notices",
        token=MANAGER,
        json={
            "notices": [
                {
                    "id": "n-1125",
                    "title": "11月25日 8:00-12:00 天河路一带线路检修计划停电",
                    "area": "天河路、体育西路、天河北路",
                },
                {"id": "n-1127", "title": "11月27日 14:00-16:00 林和西路配电房改造停电"},
            ]
        },
    )


def soft_caller(hall: UiHall, counter: int = 1) -> tuple[CounterWindow, CustomerScreen]:
    customer = CustomerScreen(hall.clock)
    window = CounterWindow(
        lambda n: CounterSession(n, hall.url, counter_token(n), clock=hall.clock),
        [counter],
        clock=hall.clock,
        customer=customer,
        on_top=False,
        tick_ms=100,
    )
    customer.resize(1024, 600)
    window.show()
    customer.show()
    session = window.session
    assert session is not None
    wait(lambda: session.online and session.settled)
    return window, customer


def login(window: CounterWindow, staff: str = "1011") -> None:
    session = window.session
    assert session is not None
    window.staff_edit.setText(staff)
    window.pin_edit.setText("123456")
    window.login_button.click()
    wait(lambda: window.pages.currentIndex() == 1 and session.settled)


def press(window: CounterWindow, name: str) -> None:
    session = window.session
    assert session is not None
    wait(lambda: session.settled and window.buttons[name].isEnabled())
    window.buttons[name].click()
    wait(lambda: session.settled)
    spin(200)


def counter_shots(tmp: Path) -> None:
    out = OUT / "counter"
    clock = FakeClock(datetime(2026, 11, 23, 9, 58, tzinfo=TZ))
    with ui_hall(tmp / "counter", clock=clock) as hall:
        busy_morning(hall)
        window, customer = soft_caller(hall)
        window.staff_edit.setText("1011")
        save(window, out / "login.png")
        login(window)
        press(window, "callNextButton")
        hall.clock.advance(40)
        press(window, "startButton")
        hall.clock.advance(250)  # 4:10 of 电费缴纳's 5 minutes: amber
        spin(300)
        save(window, out / "serving-amber.png")
        save(customer, out / "customer-idle.png")
        hall.clock.advance(70)  # past the limit: red
        spin(300)
        save(window, out / "serving-red.png")
        press(window, "doneButton")  # 办结: the customer is asked to rate
        save(window, out / "evaluating.png")
        press(window, "callNextButton")
        window.buttons["transferButton"].click()
        spin(200)
        for b in window.transfer_group.buttons():
            if b.objectName() == "transferTo_service_B":
                b.setChecked(True)
        window.transfer_reason.setCurrentText("需办理新装业务")
        save(window, out / "transfer.png")
        window.transfer_cancel.click()
        window.close()
        customer.close()

    # The customer's side asking for a rating (a counter without a hall-bus evaluator).
    clock = FakeClock(datetime(2026, 11, 23, 10, 5, tzinfo=TZ))
    with ui_hall(tmp / "touch", hallbus=False, clock=clock) as hall:
        hall.api.issue("A")
        window, customer = soft_caller(hall)
        login(window)
        press(window, "callNextButton")
        press(window, "doneButton")
        wait(lambda: customer.asking)
        hall.clock.advance(8)
        spin(300)
        save(customer, out / "customer-evaluation.png")
        window.close()
        customer.close()

    # In English.
    languages = Languages("counter")
    languages.set_language("en")
    clock = FakeClock(datetime(2026, 11, 23, 10, 20, tzinfo=TZ))
    with ui_hall(tmp / "english", hallbus=False, clock=clock) as hall:
        hall.api.issue("B")
        hall.clock.advance(300)
        window, customer = soft_caller(hall, 3)
        window.lang = "en"
        login(window, "1031")
        press(window, "callNextButton")
        press(window, "startButton")
        hall.clock.advance(400)
        spin(300)
        save(window, out / "serving-english.png")
        window.close()
        customer.close()
    languages.uninstall()


def still(display: DisplayWindow) -> None:
    """The notices' ticker at its start (it scrolls: a picture catches it anywhere)."""
    display.ticker.stop()
    display.ticker.offset = 0.0
    display.ticker.update()


def display_shots(tmp: Path) -> None:
    out = OUT / "display"
    clock = FakeClock(datetime(2026, 11, 23, 9, 58, tzinfo=TZ))
    with ui_hall(tmp / "display", clock=clock) as hall:
        busy_morning(hall)
        for size in ((1920, 1080), (3840, 2160)):
            display = DisplayWindow(hall.url, DISPLAY, clock=hall.clock, hall_name=HALL_NAME)
            display.resize(*size)
            display.show()
            display.start()

            def online(d: DisplayWindow = display) -> bool:
                return d.online

            wait(online)
            spin(300)
            still(display)
            save(display, out / f"hall-{size[0]}x{size[1]}.png")
            display.close()
        # A call arriving: it flashes (the frame caught with the highlight on).
        display = DisplayWindow(hall.url, DISPLAY, clock=hall.clock, hall_name=HALL_NAME)
        display.resize(1920, 1080)
        display.show()
        display.start()
        wait(lambda: display.online)
        hall.api.counter(1, "call-next")
        wait(lambda: display.flash_on)
        still(display)
        save(display, out / "call-flashing-1920x1080.png")
    # The daemon gone: the screen says so, keeps the last picture and reconnects by itself.
    wait(lambda: display.banner.isVisible())
    hall.clock.advance(30)  # the flash is over
    spin(300)
    still(display)
    save(display, out / "connection-lost-1920x1080.png")
    display.close()


def report_shots(tmp: Path) -> None:
    from kiosk.hall.report_html import render_html
    from kiosk.hall.reports import daily_report, month_report
    from kiosk.store import EventStore
    from tests.helpers.busyday import events_of, generate_day
    from tests.helpers.hall import example_config

    out = OUT / "report"
    out.mkdir(parents=True, exist_ok=True)
    cfg = example_config(tmp / "report")
    rules = cfg.queue_rules()
    names = {s.number: s.name for s in cfg.staff}
    store = EventStore(tmp / "report" / "hall.db")
    try:
        for day in range(1, 31):
            d = date(2026, 11, day)
            if d.weekday() == 6:
                continue  # closed on Sundays
            busy = day in (1, 2, 30)  # the month's first and last days are the peaks
            store.append(events_of(rules, generate_day(rules, d, 1500 if busy else 900, seed=2)))
    finally:
        store.close()
    path = tmp / "report" / "hall.db"
    when = datetime(2026, 12, 1, 8, 0)
    pages = {
        "daily-2026-11-23": render_html(
            daily_report(path, rules, date(2026, 11, 23), staff_names=names),
            HALL_NAME,
            generated=when,
        ),
        "month-2026-11": render_html(
            month_report(path, rules, "2026-11", staff_names=names), HALL_NAME, generated=when
        ),
        "daily-2026-11-23-en": render_html(
            daily_report(path, rules, date(2026, 11, 23), staff_names=names),
            cfg.hall.name_en,
            "en",
            generated=when,
        ),
    }
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    for name, html in pages.items():
        page = out / f"{name}.html"
        page.write_text(html, encoding="utf-8")
        print(f"  {page.relative_to(ROOT)}")
        if chromium is None:
            continue
        png = out / f"{name}.png"
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--screenshot={png}",
                "--window-size=1100,4500"
                if name.startswith("month")
                else "--window-size=1100,2150",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        print(f"  {png.relative_to(ROOT)}")
    if chromium is None:
        print("  (no chromium: apt-get install -y chromium for the report's pictures)")


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from ui.common.fonts import ui_font

    app.setFont(ui_font(15))  # type: ignore[attr-defined]
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        print("soft caller:")
        counter_shots(tmp)
        print("hall display:")
        display_shots(tmp)
        print("report:")
        report_shots(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
