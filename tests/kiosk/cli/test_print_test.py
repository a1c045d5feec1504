"""``kiosk print-test --config FILE`` prints on the printer FILE names, and says which, or
refuses: never silently on whatever printer the daemon on FILE's API port drives."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.demo.simhall import SimulatedDevices
from tests.kiosk.cli.test_cli import _device_config, _free_port, hall_daemon, kiosk


@pytest.fixture
def two_halls(tmp_path):
    """Two simulated printers (and their other devices), two configs on one API port."""
    a = SimulatedDevices(tmp_path / "a" / "dev", [1]).start()
    b = SimulatedDevices(tmp_path / "b" / "dev", [1]).start()
    port = _free_port()
    (tmp_path / "a").mkdir(exist_ok=True)
    (tmp_path / "b").mkdir(exist_ok=True)
    try:
        yield a, _device_config(tmp_path / "a", port, a), b, _device_config(tmp_path / "b", port, b)
    finally:
        a.stop()
        b.stop()


def test_a_config_naming_another_printer_is_refused_and_nothing_prints(two_halls):
    sims_a, config_a, sims_b, config_b = two_halls
    with hall_daemon(config_a):
        r = kiosk("print-test", "--config", str(config_b))
        assert r.returncode == 1, r.stdout + r.stderr
        assert "✓" not in r.stdout
        assert f"此营业厅服务连接的打印机是{sims_a.printer_link.url}" in r.stderr
        assert f"不是{sims_b.printer_link.url}，未打印" in r.stderr
        assert "use that config, or stop that daemon" in r.stderr
        # The daemon's own config prints on its printer, and says which.
        r = kiosk("print-test", "--config", str(config_a))
        assert r.returncode == 0, r.stderr
        assert f"printer: {sims_a.printer_link.url}, through the hall daemon" in r.stdout
        assert "T000" in sims_a.printer.wait_for_tickets(1, timeout_s=10)[0].texts
    assert len(sims_a.printer.tickets()) == 1  # only the one its own config asked for
    assert sims_b.printer.tickets() == []


def test_with_no_daemon_it_prints_directly_on_the_printer_the_config_names(two_halls):
    sims_a, _, sims_b, config_b = two_halls
    r = kiosk("print-test", "--config", str(config_b))
    assert r.returncode == 0, r.stderr
    assert f"printer: {sims_b.printer_link.url}, directly (no hall daemon running)" in r.stdout
    assert "T000" in sims_b.printer.wait_for_tickets(1, timeout_s=10)[0].texts
    assert sims_a.printer.tickets() == []


def test_the_api_refuses_a_test_page_for_another_printer(tmp_path):
    from tests.helpers.hall import MANAGER, example_config, running_hall

    sims = SimulatedDevices(tmp_path / "dev", [1]).start()
    try:
        cfg = sims.configure(example_config(tmp_path / "data"))
        with running_hall(tmp_path / "data", config=cfg) as (_, api, _):
            other = str(Path(tmp_path / "elsewhere" / "kiosk-printer"))
            r = api.call(
                "POST",
                "/devices/printer/test",
                token=MANAGER,
                json={"printer_url": other},
                headers={"Accept-Language": "en"},
            )
            assert r.status_code == 409 and r.json()["error"]["code"] == "other_printer"
            assert r.json()["error"]["message"].startswith("This hall daemon drives the printer")
            assert sims.printer.tickets() == []
            r = api.call(
                "POST",
                "/devices/printer/test",
                token=MANAGER,
                json={"printer_url": sims.printer_link.url},
            )
            assert r.status_code == 200 and r.json()["url"] == sims.printer_link.url
            assert "T000" in sims.printer.wait_for_tickets(1, timeout_s=10)[0].texts
    finally:
        sims.stop()
