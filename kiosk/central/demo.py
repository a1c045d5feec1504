"""Central and a sync daemon beside the demo hall (``kiosk demo``).

Central runs on SQLite in the demo's data directory with 200 demo customers, the demo hall
registered with a fresh key, the hall's configuration and two outage notices; the hall looks
bills up through it and a sync daemon pushes the hall's events to it and hands its
configuration and notices to the hall, exactly as on a real box, only all on loopback.
"""

from __future__ import annotations

import threading
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.central.config import key_hash, new_key, parse_central_config
from kiosk.central.demo_data import demo_accounts
from kiosk.central.server import CentralServer
from kiosk.config import HallConfig, HallSettings
from kiosk.sync import fragment
from kiosk.sync.daemon import SyncDaemon, sync_status

SYNC_TOKEN = "change-me-sync-daemon-0001"


class DemoSync:
    def __init__(self, data_dir: Path, now: datetime) -> None:
        self.dir = data_dir / "central"
        self.hall_id = ""
        self.now = now
        self.hall_key = new_key()
        self.admin_key = new_key()
        self.server: CentralServer | None = None
        self.daemon: SyncDaemon | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, hall_text: str) -> str:
        """Start central for the hall of ``hall_text``; the hall's file, now syncing."""
        hall = tomllib.loads(hall_text)["hall"]
        self.hall_id = hall["id"]
        # The demo's times are the hall's: "明日8:00" is 08:00 in the hall's zone, whatever
        # the zone of the machine the demo runs on.
        zone = hall.get("timezone") or HallSettings.timezone
        self.now = self.now.astimezone(ZoneInfo(zone))
        self.dir.mkdir(parents=True, exist_ok=True)
        text = (
            f'[central]\nhost = "127.0.0.1"\nport = 0\ndatabase = "sqlite:///central.db"\n'
            f'timezone = "{zone}"\n'
            f'admin_key_sha256 = "{key_hash(self.admin_key)}"\n\n'
            f'[[halls]]\nid = "{self.hall_id}"\nname = "演示营业厅"\n'
            f'key_sha256 = "{key_hash(self.hall_key)}"\n'
        )
        path = self.dir / "central.toml"
        path.write_text(text, encoding="utf-8")
        self.server = CentralServer(parse_central_config(text, str(path))).start()
        store = self.server.store
        assert store is not None
        store.load_accounts(demo_accounts(self.now), self.now)
        day = self.now.replace(hour=0, minute=0, second=0, microsecond=0)
        store.put_notice(
            {
                "id": "demo-outage-1",
                "title": "计划停电通知",
                "body": "因线路检修，明日8:00至17:00以下区域停电，请提前做好准备。",
                "area": "天河路1-99号、体育西路单号",
                "starts_at": (day + timedelta(days=1, hours=8)).isoformat(),
                "ends_at": (day + timedelta(days=1, hours=17)).isoformat(),
            },
            [self.hall_id],
            self.now,
        )
        store.put_notice(
            {
                "id": "demo-notice-2",
                "title": "网上国网可缴电费、查电费",
                "body": "下载“网上国网”App，足不出户缴费查询。",
                "area": "",
            },
            ["*"],
            self.now,
        )
        return self._hall_config_text(hall_text)

    def _hall_config_text(self, text: str) -> str:
        """The demo hall's file with a sync token, bills through central and [sync]; its
        business part is also given to central as the hall's configuration."""
        assert self.server is not None and self.server.store is not None
        text = text.replace('source = "demo"', 'source = "sync"')
        text += (
            f'\n[[tokens]]\ntoken = "{SYNC_TOKEN}"\nrole = "sync"\nname = "sync-daemon"\n'
            f'\n[sync]\ncentral_url = "{self.server.base_url}"\nhall_key = "{self.hall_key}"\n'
            "push_interval_s = 1.0\npull_interval_s = 10.0\nbackoff_max_s = 10.0\n"
        )
        part = fragment.central_part(text)
        self.server.store.put_hall_config(self.hall_id, part, fragment.digest(part), self.now)
        return text

    def start_daemon(self, config: HallConfig, hall_base_url: str) -> None:
        self.daemon = SyncDaemon(config, hall_base_url=hall_base_url)
        self._thread = threading.Thread(
            target=self.daemon.run, args=(self._stop,), name="demo-sync", daemon=True
        )
        self._thread.start()

    def summary(self, config: HallConfig) -> str:
        st = sync_status(config)
        return (
            f"sync: central holds {st['acked_seq']} of the hall's {st['hall_last_seq']} events "
            f"(backlog {st['backlog']}); notices {st['notices']}; "
            f"configuration from central {'applied' if st['config_digest'] else 'not applied'}"
        )

    def stop(self) -> None:
        """Push what is left (the daily close), then stop the daemon and central."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
        if self.daemon is not None:
            self.daemon.push_once()
            self.daemon.close()
            self.daemon = None
        if self.server is not None:
            self.server.stop()
            self.server = None
