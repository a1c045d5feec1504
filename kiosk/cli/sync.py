"""``kiosk sync`` (the daemon) and ``kiosk sync status``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from kiosk.cli.common import DEFAULT_CONFIG, load, setup_logging


def cmd_sync(args: argparse.Namespace) -> int:
    cfg = load(args.config)
    if args.action == "status":
        return _sync_status(cfg, args.json)
    if not cfg.sync.central_url:
        # Not a failure: a hall without central simply has nothing to sync (and systemd's
        # Restart=on-failure must not restart it every few seconds).
        print(f"{args.config}: [sync] central_url is not set: nothing to sync", file=sys.stderr)
        return 0
    from kiosk.sync.daemon import SyncDaemon

    setup_logging(args.verbose)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with SyncDaemon(cfg) as daemon:
        print(
            f"sync of hall {cfg.hall.id} with {cfg.sync.central_url} running",
            file=sys.stderr,
            flush=True,
        )
        daemon.run(stop)
    return 0


def _sync_status(cfg: Any, as_json: bool) -> int:
    import json

    from kiosk.sync.daemon import sync_status

    st = sync_status(cfg)
    # Healthy: it has run, and nothing failed since its last success.
    healthy = st["started"] and (
        not st["last_error_at"] or (st["last_success_at"] or "") >= st["last_error_at"]
    )
    if as_json:
        print(json.dumps({**st, "healthy": bool(healthy)}, ensure_ascii=False, indent=2))
        return 0 if healthy else 1
    print(f"同步 sync of hall {st['hall']} → {st['central'] or '(no central_url)'}")
    print(
        f"  积压 backlog        {st['backlog']} events "
        f"(hall at {st['hall_last_seq']}, central holds {st['acked_seq']})"
    )
    print(f"  最近成功 last success {st['last_success_at'] or 'never'}")
    if st["last_error"]:
        print(f"  最近错误 last error   {st['last_error_at']}  {st['last_error']}")
    else:
        print("  最近错误 last error   none")
    pb = st["pending_batch"]
    if pb:
        print(
            f"  待发批次 pending      events {pb['first_seq']}-{pb['last_seq']} {pb['state']}, "
            f"{pb['attempts']} attempts{(': ' + pb['error']) if pb['error'] else ''}"
        )
    digest = st["config_digest"]
    print(
        "  配置 configuration    "
        + (f"{digest[:12]} applied {st['config_applied_at']}" if digest else "local file only")
    )
    print(f"  停电公告 notices      {st['notices']} (last pull {st['last_pull_at'] or 'never'})")
    if not st["started"]:
        print("  the sync daemon has not run yet on this box")
    return 0 if healthy else 1


def register(sub: Any) -> None:
    sy = sub.add_parser(
        "sync",
        help="the sync daemon: events to central, configuration and notices to the hall",
        description="Runs the sync daemon for the hall of --config; 'sync status' shows the "
        "backlog, the last success and the last error (exit 1 when unhealthy).",
    )
    sy.add_argument("action", nargs="?", choices=["run", "status"], default="run")
    sy.add_argument("--config", default=DEFAULT_CONFIG)
    sy.add_argument("--json", action="store_true", help="status: as JSON")
    sy.set_defaults(func=cmd_sync)
