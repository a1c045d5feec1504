"""The hall daemon's core service: the only writer of the queue.

Every request runs the same path. Under the hall lock: roll the day over if needed, let the
queue rules decide, stage the events in the store's open transaction and apply them. Then,
outside the lock, wait until they are durable: the first waiter commits (one fsync) for
every request staged meanwhile — group commit, so concurrent counters and kiosks share
fsyncs. Only then are the events published and the request answered.

If the store cannot be written (disk full), the request fails with :class:`StorageError` and
nothing changed: the queue is rebuilt from the log, so no number was handed out and no state
moved; every request of the failed batch gets the error.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kiosk import privacy
from kiosk.clock import Clock
from kiosk.config import HallConfig
from kiosk.hall.bus import EventBus, Published
from kiosk.queue import Priority, Queue, Ticket
from kiosk.queue import errors as err
from kiosk.queue import events as ev
from kiosk.store import EventStore, StorageError, StoredEvent

log = logging.getLogger("kiosk.hall")

# Fields of an event that never go on the wire (pseudonymous, but no client needs them).
_PRIVATE_FIELDS = {"id_hash"}


@dataclass(frozen=True)
class IdCardInput:
    """What the kiosk hands over after a card was read: only what the hall needs."""

    id_number: str
    name: str = ""


class Hall:
    def __init__(
        self, config: HallConfig, store: EventStore, clock: Clock, bus: EventBus | None = None
    ) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.bus = bus or EventBus()
        self.rules = config.queue_rules()
        self.queue = Queue(self.rules)
        self._lock = threading.RLock()
        self._account_re = re.compile(config.bills.account_pattern)
        self._hash_key = config.privacy.hash_key or self._stored_hash_key()
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()
        self.heartbeat = time.monotonic()
        self._tick_interval_s = 1.0
        self.storage_error: str | None = None  # the last write failure, until one succeeds
        # Group commit: events staged but not yet durable, the batch they belong to, the
        # last batch made durable, and batches that failed (their waiters raise).
        self._staged: list[StoredEvent] = []
        self._batch = 1
        self._committed = 0
        self._failed: dict[int, str] = {}
        self._rebuild()

    # --------------------------------------------------------------- lifecycle

    def _stored_hash_key(self) -> str:
        key = self.store.meta("hash_key")
        if key is None:
            key = privacy.new_hash_key()
            self.store.set_meta("hash_key", key)
        return key

    def _rebuild(self) -> None:
        self.queue = Queue(self.rules)
        start = self.store.replay_start()
        n = 0
        for stored in self.store.events(after=start):
            self.queue.apply(stored.event)
            n += 1
        self.last_seq = self.store.last_seq()
        log.info("rebuilt the queue from %d events (from seq %d)", n, start + 1)

    def start_ticker(self, interval_s: float = 1.0) -> None:
        """Time-limit alerts and the automatic day rollover, checked every ``interval_s``."""
        self._stop.clear()
        self._ticker = threading.Thread(
            target=self._tick_loop, args=(interval_s,), name="hall-ticker", daemon=True
        )
        self._ticker.start()

    def stop(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
            self._ticker = None

    def _tick_loop(self, interval_s: float) -> None:
        self._tick_interval_s = interval_s
        self.heartbeat = time.monotonic()
        while not self._stop.wait(interval_s):
            try:
                self.tick()
            except StorageError as exc:
                log.error("time-limit check could not be stored: %s", exc)
            except Exception:
                log.exception("time-limit check failed")
            # A round completed: the hall lock was free and the queue answered. A hung hall
            # stops this, and with it the systemd watchdog pings (see kiosk/ops/daemon.py).
            self.heartbeat = time.monotonic()

    def healthy(self, max_rounds: float = 5.0) -> bool:
        """The ticker runs and completed a round recently."""
        ticker = self._ticker
        if ticker is None or not ticker.is_alive():
            return False
        return time.monotonic() - self.heartbeat < max(2.0, self._tick_interval_s * max_rounds)

    def tick(self) -> list[StoredEvent]:
        with self._lock:
            now = self.clock.now()
            stored = self._stage(self.queue.rollover(now))
            stored += self._stage(self.queue.overdue(now))
            batch = self._batch
        if stored:
            self._durable(batch)
        return stored

    # ------------------------------------------------------------ write path

    def _run(
        self,
        decide: Callable[[datetime], Sequence[ev.Event]],
        personal_for: Callable[[Sequence[ev.Event]], dict[str, dict[str, str | None]] | None]
        | None = None,
        also: Callable[[Sequence[ev.Event]], None] | None = None,
    ) -> list[StoredEvent]:
        """Decide and stage under the lock, then wait (lock released) until durable.

        ``personal_for`` gives the personal data to store with the decided events;
        ``also`` does more store work in the same batch (e.g. the daily purge).
        """
        staged: list[StoredEvent] = []
        batch = 0
        try:
            with self._lock:
                now = self.clock.now()
                staged += self._stage(self.queue.rollover(now))
                batch = self._batch
                events = decide(now)
                staged += self._stage(events, personal_for(events) if personal_for else None)
                if also is not None:
                    try:
                        also(events)
                    except StorageError as exc:
                        self._fail_batch(exc)
                        raise
                batch = self._batch
        except err.QueueError:
            if staged:  # the day's rollover was staged: make it durable before refusing
                self._durable(batch)
            raise
        if staged:
            self._durable(batch)
        return staged

    def _stage(
        self,
        events: Sequence[ev.Event],
        personal: dict[str, dict[str, str | None]] | None = None,
    ) -> list[StoredEvent]:
        """Under the lock: write into the open transaction, then apply."""
        if not events:
            return []
        try:
            stored = self.store.stage(events, personal=personal)
        except StorageError as exc:
            if self._staged and not self.store.in_transaction:
                # SQLite dropped the whole transaction: the batch staged so far is lost.
                self._fail_batch(exc)
            else:
                self._report_storage_error(exc)
            raise
        for s in stored:
            self.queue.apply(s.event)
        self._staged.extend(stored)
        return stored

    def _durable(self, batch: int) -> None:
        """Return once ``batch`` is committed, committing it if nobody has yet."""
        with self._lock:
            if batch in self._failed:
                raise StorageError(self._failed[batch])
            if self._committed >= batch:
                return
            staged, self._staged = self._staged, []
            self._batch += 1  # what is staged from now on belongs to the next batch
            try:
                self.store.commit()
            except StorageError as exc:
                self._fail_batch(exc, batch=batch)
                raise
            self._committed = batch
            self._failed = {b: m for b, m in self._failed.items() if b > batch - 100}
            self.storage_error = None
            if staged:
                self.last_seq = staged[-1].seq
                for st in staged:
                    self.bus.publish(self.wire(st))
                self.bus.publish(
                    Published(
                        "queue.changed",
                        {"type": "queue.changed", "at": staged[-1].event.at.isoformat()},
                        snapshot=self.queue_view,
                    )
                )

    def _fail_batch(self, exc: StorageError, *, batch: int | None = None) -> None:
        """The open batch could not be made durable: forget it, in the store and in memory."""
        if batch is None:  # the batch still open for staging
            batch = self._batch
            self._batch += 1
        self._failed[batch] = str(exc)
        self._staged = []
        self.store.rollback()
        self._rebuild()  # the queue as the log has it: nothing of the batch happened
        self._report_storage_error(exc)

    def _report_storage_error(self, exc: StorageError) -> None:
        self.storage_error = str(exc)
        log.error("store write failed, request refused: %s", exc)
        self.bus.publish(
            Published(
                "store.fault",
                {"type": "store.fault", "at": self.clock.now().isoformat(), "message": str(exc)},
            )
        )

    def wire(self, stored: StoredEvent) -> Published:
        """An event as clients see it: its fields, plus the ticket's number and service."""
        e = stored.event
        msg: dict[str, Any] = {"type": e.TYPE, "at": e.at.isoformat(), "seq": stored.seq}
        msg.update({k: v for k, v in e.to_data().items() if k not in _PRIVATE_FIELDS})
        t = self.queue.tickets.get(e.ticket_id or "")
        if t is not None:
            msg.setdefault("number", t.number)
            msg.setdefault("service", t.service)
        return Published(e.TYPE, msg)

    # ----------------------------------------------- for route modules and tools

    def run(self, decide: Callable[[datetime], Sequence[ev.Event]]) -> list[StoredEvent]:
        """The hall's write path for events decided outside this class (route modules):
        the day's rollover, ``decide(now)`` under the hall lock, group commit, publication.
        A QueueError from ``decide`` refuses the request and changes nothing."""
        return self._run(decide)

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Hold the queue still while reading several things from it consistently."""
        with self._lock:
            yield

    def valid_account(self, account: str) -> bool:
        """Whether ``account`` looks like an account number (户号) of this utility."""
        return bool(self._account_re.match(account.strip()))

    # ---------------------------------------------------------------- tickets

    def issue_ticket(
        self,
        service: str,
        *,
        priority: str | None = None,
        id_card: IdCardInput | None = None,
        account: str | None = None,
    ) -> dict[str, Any]:
        prio = self._priority(priority)
        id_hash = None
        personal: dict[str, str | None] = {}
        if id_card is not None:
            number = id_card.id_number.strip().upper()
            if not privacy.valid_id_number(number):
                raise err.InvalidRequest("身份证号码校验失败，请重新读卡")
            if prio is Priority.ELDERLY:
                age = privacy.age_on(privacy.birth_date_of(number), self.clock.now().date())
                if age < self.rules.elderly_age:
                    raise err.InvalidRequest(
                        "绿色通道（老年人）需年满{age}岁", age=self.rules.elderly_age
                    )
            id_hash = privacy.keyed_hash(self._hash_key, number)
            personal["id_masked"] = privacy.mask_id(number)
            personal["name_masked"] = privacy.mask_name(id_card.name) if id_card.name else None
        if account is not None:
            account = account.strip()
            if not self._account_re.match(account):
                raise err.InvalidRequest("户号格式不正确：{account}", account=account)
            personal["account"] = account

        def decide(now: datetime) -> list[ev.Event]:
            return self.queue.issue(
                service, now, priority=prio, identified=id_card is not None, id_hash=id_hash
            )

        def personal_for(events: Sequence[ev.Event]) -> dict[str, dict[str, str | None]] | None:
            # The ticket id is only known once decided; its personal data is stored with it.
            issued = events[0]
            assert isinstance(issued, ev.TicketIssued)
            if not personal:
                return None
            return {issued.ticket: {**personal, "day": issued.day.isoformat()}}

        stored = self._run(decide, personal_for)
        issued = stored[-1].event
        assert isinstance(issued, ev.TicketIssued)
        return self.ticket_view(issued.ticket)

    def _priority(self, value: str | None) -> Priority | None:
        if value is None:
            return None
        try:
            return Priority(value)
        except ValueError:
            raise err.InvalidRequest(
                "优先类型应为 elderly、disabled 或 appointment，收到：{value}", value=value
            ) from None

    def ticket_view(self, ticket_id: str) -> dict[str, Any]:
        with self._lock:
            t = self.queue.ticket(ticket_id)
            return self._ticket_dict(t)

    def _ticket_dict(self, t: Ticket) -> dict[str, Any]:
        spec = self.rules.services[t.service]
        ahead = self.queue.position(t.id)
        est = self.queue.estimate(t.service, ahead).seconds if ahead is not None else None
        return {
            "id": t.id,
            "number": t.number,
            "service": t.service,
            "service_name": spec.name,
            "service_name_en": spec.name_en,
            "status": t.status.value,
            "priority": t.priority.value if t.priority else None,
            "issued_at": t.issued_at.isoformat(),
            "ahead": ahead,
            "estimated_wait_s": est,
            "counters": (
                [t.target_counter]
                if t.target_counter is not None
                else self.queue.counters_serving(t.service)
            ),
            "counter": t.counter,
            "called_at": _iso(t.called_at),
            "started_at": _iso(t.started_at),
            "finished_at": _iso(t.finished_at),
            "recalls": t.recalls,
            "transfers": t.transfers,
            "original_service": t.original_service,
            "first_staff": t.first_staff,
            "identified": t.identified,
            "score": t.score,
        }

    def personal_view(self, ticket_id: str) -> dict[str, str | None] | None:
        """Masked personal data for the staff serving the ticket (never for displays)."""
        return self.store.personal(ticket_id)

    def queue_view(self) -> dict[str, Any]:
        with self._lock:
            services = []
            for s in self.queue.summary():
                spec = self.rules.services[s.service]
                services.append(
                    {
                        "service": s.service,
                        "name": spec.name,
                        "name_en": spec.name_en,
                        "waiting": s.waiting,
                        "estimated_wait_s": s.estimated_wait_s,
                        "open_counters": s.open_counters,
                    }
                )
            counters = [self._counter_dict(n) for n in self.rules.counters]
            return {"services": services, "counters": counters, "closed": self._closed_today()}

    def _closed_today(self) -> bool:
        return self.queue.closed_day == self.clock.now().date()

    # --------------------------------------------------------------- counters

    def _counter_result(
        self, stored: list[StoredEvent], kind: type[ev.Event]
    ) -> dict[str, Any] | None:
        for s in reversed(stored):
            if isinstance(s.event, kind) and s.event.ticket_id:
                return self.ticket_view(s.event.ticket_id)
        return None

    def call_next(self, counter: int, staff: str | None = None) -> dict[str, Any] | None:
        """The called ticket, or None when nobody waits for this counter."""
        stored = self._run(lambda now: self.queue.call_next(counter, now, staff=staff))
        with self._lock:
            return self._counter_result(stored, ev.TicketCalled)

    def counter_action(self, counter: int, action: str, **kwargs: Any) -> dict[str, Any]:
        """recall | start | done | no-show | pause | resume | evaluate | transfer."""
        q = self.queue
        deciders: dict[str, Callable[[datetime], list[ev.Event]]] = {
            "recall": lambda now: q.recall(counter, now),
            "start": lambda now: q.start(counter, now, staff=kwargs.get("staff")),
            "done": lambda now: q.done(counter, now),
            "no-show": lambda now: q.no_show(counter, now),
            "pause": lambda now: q.pause(counter, now),
            "resume": lambda now: q.resume(counter, now),
            "evaluate": lambda now: q.request_evaluation(counter, now),
            "transfer": lambda now: q.transfer(
                counter,
                now,
                to_service=kwargs.get("to_service"),
                to_counter=kwargs.get("to_counter"),
                reason=kwargs.get("reason"),
            ),
        }
        decide = deciders.get(action)
        if decide is None:
            raise err.InvalidRequest("未知的窗口操作：{action}", action=action)
        stored = self._run(decide)
        with self._lock:
            ticket = next((s.event.ticket_id for s in stored if s.event.ticket_id), None)
            return {
                "counter": self._counter_dict(counter),
                "ticket": self.ticket_view(ticket) if ticket else None,
            }

    def _counter_dict(self, n: int) -> dict[str, Any]:
        cdef = self.rules.counters[n]
        state = self.queue.counters[n]
        cur = self.queue.current_ticket(n)
        return {
            "counter": n,
            "name": cdef.name,
            "services": list(cdef.services),
            "state": "paused" if state.paused else ("busy" if cur else "idle"),
            "current": (
                {"id": cur.id, "number": cur.number, "status": cur.status.value} if cur else None
            ),
            "waiting": len(self.queue.waiting_for_counter(n)),
        }

    def evaluate(self, ticket_id: str, score: int, source: str = "api") -> dict[str, Any]:
        self._run(lambda now: self.queue.evaluate(ticket_id, score, now, source=source))
        return self.ticket_view(ticket_id)

    def reinstate(self, ticket_id: str) -> dict[str, Any]:
        self._run(lambda now: self.queue.reinstate(ticket_id, now))
        return self.ticket_view(ticket_id)

    def cancel(self, ticket_id: str, reason: str | None = None) -> dict[str, Any]:
        self._run(lambda now: self.queue.cancel(ticket_id, now, reason=reason))
        return self.ticket_view(ticket_id)

    def close_day(self) -> dict[str, Any]:
        """The daily close: expire what is left, stop numbering, purge personal data."""
        purged = 0

        def purge(events: Sequence[ev.Event]) -> None:
            nonlocal purged
            closed = next(e for e in events if isinstance(e, ev.DayClosed))
            assert isinstance(closed, ev.DayClosed)
            purged = self.store.purge_personal(closed.day)  # in the same batch

        stored = self._run(self.queue.close_day, also=purge)
        closed = next(s.event for s in stored if isinstance(s.event, ev.DayClosed))
        assert isinstance(closed, ev.DayClosed)
        expired = sum(1 for s in stored if isinstance(s.event, ev.TicketExpired))
        return {
            "day": closed.day.isoformat(),
            "expired": expired,
            "purged": purged,
            "full": closed.full,
        }

    def reconfigure(self, config: HallConfig, *, source: str, digest: str) -> None:
        """Apply a new configuration without a restart and without dropping anyone waiting.

        The caller (the sync daemon's hand-over, or a file reload) has validated it with
        :func:`kiosk.config.parse_config`. Tokens change in the API separately.
        """

        rules = config.queue_rules()
        # First the record, then the change: if the record cannot be made durable (disk
        # full), StorageError is raised and the running hall keeps its old configuration.
        self._run(lambda now: [ev.HallReconfigured(at=now, source=source, digest=digest)])
        with self._lock:
            self.config = config
            self.rules = rules
            self._account_re = re.compile(config.bills.account_pattern)
            self.queue.reconfigure(rules)

    def record_device(self, device: str, fault: str | None) -> None:
        """A device went wrong (``fault`` says how) or came back (``fault`` is None)."""
        now = self.clock.now()
        e: ev.Event = (
            ev.DeviceFault(at=now, device=device, message=fault)
            if fault is not None
            else ev.DeviceRecovered(at=now, device=device)
        )
        self._run(lambda now: [e])

    def record(self, events: Sequence[ev.Event]) -> list[StoredEvent]:
        """Store events decided elsewhere (printing outcomes, notices)."""
        return self._run(lambda now: events)

    # ---------------------------------------------------------------- queries

    def tickets_of_day(self, day: date) -> list[dict[str, Any]]:
        """Every ticket of a day with its outcome, rebuilt from the log (works for any day)."""
        replay = Queue(self.rules)
        for s in self.store.events_of_days(day, day):
            if isinstance(s.event, ev.DayClosed):
                continue  # keep the day's tickets for the listing
            try:
                replay.apply(s.event)
            except KeyError:
                continue  # an event of a ticket of an earlier day
        return [
            {
                "id": t.id,
                "number": t.number,
                "service": t.service,
                "status": t.status.value,
                "priority": t.priority.value if t.priority else None,
                "issued_at": t.issued_at.isoformat(),
                "called_at": _iso(t.first_called_at),
                "finished_at": _iso(t.finished_at),
                "counter": t.counter,
                "transfers": t.transfers,
                "score": t.score,
            }
            for t in sorted(replay.tickets.values(), key=lambda t: (t.issued_at, t.number))
        ]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
