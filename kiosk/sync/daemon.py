"""The sync daemon's loop: push the outbox, pull configuration and notices, hand them over.

Push: the oldest unacknowledged batch of the hall's events goes to central; on central's
answer the cursor moves (:mod:`kiosk.sync.outbox`). While central cannot be reached the
daemon waits longer after each failure, up to ``backoff_max_s``, with jitter so a province's
halls coming back after an outage do not all knock at the same second.

Back-pressure: a central that has more pushes than it can store at once answers 429 with
``Retry-After`` before reading the batch; the daemon waits that long (times 1-1.5, jitter)
without counting a failure, and sends the same batch again. It also sizes its batches by
central's answers: a push answered after more than half of ``timeout_s`` halves the next
batches (down to ``MIN_BATCH``), one answered within a quarter grows them back towards
``batch_size``, and a timeout quarters the batch before it is resent. A central that
applies back-pressure answers within a couple of seconds, so the batches stay whole. So a
province catching up after an outage is answered, not timed out, and no batch central
stored is sent again because its answer was late.

Pull: every ``pull_interval_s`` the hall's configuration fragment and its outage notices are
fetched; when their digest changed they are handed to the hall daemon over its LAN API with
the ``sync`` token (``PUT /api/v1/admin/config``, ``PUT /api/v1/notices``). The hall daemon
validates and applies them without dropping anyone waiting.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from kiosk.client import api_client
from kiosk.clock import Clock, SystemClock
from kiosk.config import HallConfig
from kiosk.sync.outbox import Batch, HallLog, Outbox

log = logging.getLogger("kiosk.sync")

CENTRAL_PREFIX = "/central/v1"
STORE_FILE = "hall.db"  # kiosk.app.STORE_FILE; not imported to keep the daemon light


def sync_path(config: HallConfig, value: str) -> Path:
    p = Path(value)
    return p if p.is_absolute() else config.data_path() / p


def sync_token(config: HallConfig) -> str | None:
    return next((t.token for t in config.tokens if t.role == "sync"), None)


def hall_url(config: HallConfig) -> str:
    return config.api.local_url


def central_client(config: HallConfig, timeout_s: float | None = None) -> httpx.Client:
    s = config.sync
    return api_client(
        s.central_url.rstrip("/"),
        s.hall_key,
        timeout_s=timeout_s if timeout_s is not None else s.timeout_s,
        verify=str(sync_path(config, s.ca_file)) if s.ca_file else True,
    )


def describe_error(exc: BaseException, peer: str = "central") -> str:
    """What a technician needs, without the noise of a traceback."""
    if isinstance(exc, httpx.ConnectError):
        text = str(exc)
        if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
            return f"TLS: {peer}'s certificate was not accepted ({text[:160]})"
        return f"{peer} unreachable: {text[:160] or type(exc).__name__}"
    if isinstance(exc, httpx.TimeoutException):
        return f"{peer} did not answer in time"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def _error_of(response: httpx.Response) -> tuple[str, str, dict[str, Any]]:
    try:
        body = response.json()["error"]
        return str(body.get("code", "")), str(body.get("message", "")), body
    except (ValueError, KeyError, TypeError):
        return "http_error", response.text[:200], {}


MIN_BATCH = 50


def retry_after_of(response: httpx.Response) -> float:
    """Seconds central asked us to wait (the body's ``retry_after_s``, else the header)."""
    try:
        return max(0.1, float(response.json()["error"]["retry_after_s"]))
    except (ValueError, KeyError, TypeError):
        pass
    try:
        return max(0.1, float(response.headers.get("retry-after", "1")))
    except ValueError:
        return 1.0


@dataclass
class PushOutcome:
    ok: bool
    sent: int = 0  # events central acknowledged in this round
    refused: bool = False  # central refused a batch: wait the longest backoff
    retry_after_s: float | None = None  # central was busy (429): wait this, then resend


class SyncDaemon:
    def __init__(
        self,
        config: HallConfig,
        *,
        hall_base_url: str | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if not config.sync.central_url:
            raise ValueError("[sync] central_url is not set: nothing to sync with")
        self.config = config
        self.hall_id = config.hall.id
        self.settings = config.sync
        self.clock = clock or SystemClock(config.tz)
        self.rng = rng or random.Random()
        self.log = HallLog(config.data_path() / STORE_FILE)
        self.outbox = Outbox(sync_path(config, config.sync.state_path))
        if self.outbox.recovered:
            log.info("resuming %d batch(es) left in flight", self.outbox.recovered)
        self.central = central_client(config)
        token = sync_token(config)
        self.hall: httpx.Client | None = (
            api_client(hall_base_url or hall_url(config), token, timeout_s=30) if token else None
        )
        self._cursor_checked = self.outbox.get("acked_seq") is not None
        self.batch_size = config.sync.batch_size  # adapted to central's answers
        self.busy_answers = 0  # 429s since start
        self._encoded: tuple[tuple[int, int], bytes] | None = None
        self._hall_last_written: int | None = None

    def close(self) -> None:
        self.central.close()
        if self.hall is not None:
            self.hall.close()
        self.log.close()
        self.outbox.close()

    def __enter__(self) -> SyncDaemon:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------- loop

    def backoff(self, failures: int, *, longest: bool = False) -> float:
        """Exponential, capped, with jitter (between half and all of the step)."""
        cap = self.settings.backoff_max_s
        step = cap if longest else min(cap, 0.5 * 2 ** min(failures, 30))
        return step * self.rng.uniform(0.5, 1.0)

    def run(self, stop: threading.Event) -> None:
        """Until ``stop`` is set: push as events come, pull on its interval, back off on
        failure. Never raises for a network or central problem: they are recorded."""
        next_pull = 0.0
        push_failures = pull_failures = 0
        while not stop.is_set():
            if time.monotonic() >= next_pull:
                if self.pull_once():
                    pull_failures = 0
                    next_pull = time.monotonic() + self.settings.pull_interval_s
                else:
                    pull_failures += 1
                    next_pull = time.monotonic() + self.backoff(pull_failures)
            outcome = self.push_once(stop)
            if outcome.ok:
                push_failures = 0
                delay = self.settings.push_interval_s
            elif outcome.retry_after_s is not None:
                delay = outcome.retry_after_s * self.rng.uniform(1.0, 1.5)
            else:
                push_failures += 1
                delay = self.backoff(push_failures, longest=outcome.refused)
            stop.wait(max(0.0, min(delay, next_pull - time.monotonic())))

    # ------------------------------------------------------------------- push

    def _record_error(self, message: str, **extra: str | int | None) -> None:
        now = self.clock.now()
        failures = int(self.outbox.get("failures") or 0) + 1
        self.outbox.put(
            last_error=message, last_error_at=now.isoformat(), failures=failures, **extra
        )
        # Once per streak at warning level, then quietly: an outage of hours must not
        # flood the journal.
        (log.warning if failures == 1 else log.debug)("sync: %s", message)

    def _check_cursor(self) -> None:
        """First run with no state (new box, or its state lost): ask central where it is
        instead of resending the whole log (which would be harmless, only slow)."""
        r = self.central.get(f"{CENTRAL_PREFIX}/halls/{self.hall_id}/cursor")
        if r.status_code == 200:
            acked = int(r.json()["acked_seq"])
            self.outbox.put(acked_seq=acked)
            log.info("central holds this hall's events up to %d", acked)
        self._cursor_checked = True

    def push_once(self, stop: threading.Event | None = None) -> PushOutcome:
        """Push batches until central holds everything the hall has written (or a failure)."""
        sent = 0
        try:
            if not self._cursor_checked:
                self._check_cursor()
            while stop is None or not stop.is_set():
                hall_last = self.log.last_seq()
                if hall_last != self._hall_last_written:  # one transaction less per batch
                    self.outbox.put(hall_last_seq=hall_last)
                    self._hall_last_written = hall_last
                batch = self.outbox.next_batch(hall_last, self.batch_size, self.clock.now())
                if batch is None:
                    return PushOutcome(True, sent)
                result = self._send(batch)
                if not result.ok:
                    return PushOutcome(False, sent, result.refused, result.retry_after_s)
                sent += result.sent
        except httpx.HTTPError as exc:
            self._record_error(describe_error(exc))
            return PushOutcome(False, sent)
        return PushOutcome(True, sent)

    def _body(self, batch: Batch) -> bytes | None:
        """The batch as JSON; kept while the same batch waits out a busy central."""
        key = (batch.first_seq, batch.last_seq)
        if self._encoded is not None and self._encoded[0] == key:
            return self._encoded[1]
        rows = self.log.rows(batch.first_seq, batch.last_seq)
        if [r["seq"] for r in rows] != list(range(batch.first_seq, batch.last_seq + 1)):
            return None
        body = json.dumps(
            {"hall": self.hall_id, "events": rows}, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")
        self._encoded = (key, body)
        return body

    def _send(self, batch: Batch) -> PushOutcome:
        body = self._body(batch)
        if body is None:
            self._record_error(
                f"the hall's log lacks events {batch.first_seq}-{batch.last_seq}: is this the "
                "right data directory?"
            )
            return PushOutcome(False)
        now = self.clock.now()
        self.outbox.mark_in_flight(batch, now)
        began = time.monotonic()
        try:
            r = self.central.post(
                f"{CENTRAL_PREFIX}/halls/{self.hall_id}/events",
                content=body,
                headers={"Content-Type": "application/json"},
            )
        except httpx.HTTPError as exc:
            message = describe_error(exc)
            self.outbox.failed(batch, message, now)
            if isinstance(exc, httpx.TimeoutException):
                self._adapt(timed_out=True)
                self.outbox.shrink(batch, batch.first_seq + self.batch_size - 1)
            self._record_error(message)
            return PushOutcome(False)
        if r.status_code == 200:
            acked = int(r.json()["acked_seq"])
            self.outbox.acked(batch, acked, self.clock.now())
            self._adapt(seconds=time.monotonic() - began)
            return PushOutcome(True, batch.size)
        if r.status_code == 429:
            self.outbox.deferred(batch)
            self.busy_answers += 1
            self.outbox.put(last_busy_at=now.isoformat())
            wait = retry_after_of(r)
            log.debug(
                "central is busy: batch %d-%d again in %.1f s",
                batch.first_seq,
                batch.last_seq,
                wait,
            )
            return PushOutcome(False, retry_after_s=wait)
        code, message, error = _error_of(r)
        if r.status_code == 409 and code == "gap":
            acked = int(error.get("acked_seq", 0))
            log.warning("central holds events up to %d only: resending from there", acked)
            self.outbox.rewind(batch, acked, now)
            return PushOutcome(True)
        refused = 400 <= r.status_code < 500
        text = f"central {'refused' if refused else 'failed'} events {batch.first_seq}-" + (
            f"{batch.last_seq} ({r.status_code} {code}): {message}"
        )
        self.outbox.failed(batch, text, now, refused=refused)
        self._record_error(text, last_refusal=text if refused else None)
        return PushOutcome(False, refused=refused)

    def _adapt(self, seconds: float = 0.0, *, timed_out: bool = False) -> None:
        """Batch size by central's answers: halve when slow (past half the timeout), quarter
        on a timeout, grow back by a quarter of the configured size when answered within a
        quarter of the timeout."""
        limit = self.settings.timeout_s
        size = self.batch_size
        if timed_out:
            size //= 4
        elif seconds > limit / 2:
            size //= 2
        elif seconds < limit / 4:
            size += max(1, self.settings.batch_size // 4)
        size = max(min(MIN_BATCH, self.settings.batch_size), min(size, self.settings.batch_size))
        if size != self.batch_size:
            log.debug("batch size %d → %d", self.batch_size, size)
            self.batch_size = size

    # ------------------------------------------------------------------- pull

    def pull_once(self) -> bool:
        """Configuration and notices from central to the hall daemon, if they changed."""
        try:
            ok = self._pull_config()
            return self._pull_notices() and ok
        except httpx.HTTPError as exc:
            self._record_error(f"pull: {describe_error(exc)}")
            return False

    def _hand_over(self, path: str, body: dict[str, Any]) -> httpx.Response | None:
        if self.hall is None:
            self._record_error("no token with role sync in the hall config: cannot hand over")
            return None
        try:
            return self.hall.put(path, json=body)
        except httpx.HTTPError as exc:
            self._record_error(describe_error(exc, "the hall daemon"))
            return None

    def _pull_config(self) -> bool:
        r = self.central.get(f"{CENTRAL_PREFIX}/halls/{self.hall_id}/config")
        if r.status_code == 404:
            return True  # central has no configuration for this hall: the local one stands
        if r.status_code != 200:
            code, message, _ = _error_of(r)
            self._record_error(f"config pull ({r.status_code} {code}): {message}")
            return False
        cfg = r.json()
        if cfg["digest"] == self.outbox.get("config_digest"):
            return True
        answer = self._hand_over(
            "/api/v1/admin/config", {"text": cfg["text"], "digest": cfg["digest"]}
        )
        if answer is None:
            return False
        if answer.status_code != 200:
            code, message, _ = _error_of(answer)
            self._record_error(f"the hall refused central's configuration ({code}): {message}")
            return False
        self.outbox.put(config_digest=cfg["digest"], config_applied_at=self.clock.now().isoformat())
        log.info("configuration %s from central applied", cfg["digest"][:12])
        return True

    def _pull_notices(self) -> bool:
        r = self.central.get(f"{CENTRAL_PREFIX}/halls/{self.hall_id}/notices")
        if r.status_code != 200:
            code, message, _ = _error_of(r)
            self._record_error(f"notices pull ({r.status_code} {code}): {message}")
            return False
        notices = r.json()
        self.outbox.put(last_pull_at=self.clock.now().isoformat())
        known = self.outbox.get("notices_digest")
        if notices["digest"] == known:
            return True
        if known is None and not notices["notices"]:
            # Nothing was ever handed over and there is nothing to show: nothing to do.
            self.outbox.put(notices_digest=notices["digest"], notices_count=0)
            return True
        answer = self._hand_over("/api/v1/notices", {"notices": notices["notices"]})
        if answer is None:
            return False
        if answer.status_code != 200:
            code, message, _ = _error_of(answer)
            self._record_error(f"the hall refused the notices ({code}): {message}")
            return False
        self.outbox.put(notices_digest=notices["digest"], notices_count=len(notices["notices"]))
        return True

    # ----------------------------------------------------------------- health

    def status(self) -> dict[str, Any]:
        return sync_status(self.config)


def sync_status(config: HallConfig) -> dict[str, Any]:
    """Backlog, last success, last error: read from the files, no daemon needed."""
    from kiosk.sync.outbox import read_status

    log_ = HallLog(config.data_path() / STORE_FILE)
    try:
        hall_last = log_.last_seq()
    finally:
        log_.close()
    raw = read_status(sync_path(config, config.sync.state_path))
    state: dict[str, str] = raw["state"] if raw else {}
    acked = int(state.get("acked_seq", 0))
    pending = raw["pending"] if raw else None
    return {
        "hall": config.hall.id,
        "central": config.sync.central_url,
        "hall_last_seq": hall_last,
        "acked_seq": acked,
        "backlog": max(0, hall_last - acked),
        "last_success_at": state.get("last_success_at"),
        "last_error": state.get("last_error"),
        "last_error_at": state.get("last_error_at"),
        "failures": int(state.get("failures", 0)),
        "pending_batch": (
            {
                "first_seq": pending[0],
                "last_seq": pending[1],
                "state": pending[2],
                "attempts": pending[3],
                "error": pending[4],
            }
            if pending
            else None
        ),
        "config_digest": state.get("config_digest"),
        "config_applied_at": state.get("config_applied_at"),
        "notices": int(state.get("notices_count", 0)),
        "last_pull_at": state.get("last_pull_at"),
        "started": raw is not None,
    }


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
