"""The hall daemon's core service: the only writer of the queue.

Every request runs the same path (see :meth:`Hall._run`). Under the hall lock, for a few
microseconds: roll the day over if needed, let the queue rules decide, number the events
(the log's next sequence numbers), apply them to the queue and add them to the open batch.
Then, with the hall lock released, wait until they are durable: a waiter that finds no
commit in progress becomes the leader, seals the open batch and writes and commits it as one
transaction (one fsync), while new requests decide and form the next batch: true group
commit. (A coroutine awaits instead, :meth:`Hall._run_async`, and a committer thread leads
for it, so no thread waits per request.) Only when its batch is durable, and every earlier batch has been published, are a
batch's events published (in log order) and its requests answered.

Readers of live state (:meth:`queue_view`, :meth:`ticket_view`, the GET routes) may see a
change that is applied but not yet durable, for the few milliseconds of an fsync. Nothing
that leaves the process does: answers wait for their batch; events are published after it;
the ``queue.changed`` snapshot that the WebSocket hub and the devices send is returned only
once everything it shows is durable (:meth:`Hall.durable_queue_view`); sync reads the log.

If the store cannot be written (disk full), every request of the failed batch fails with
:class:`StorageError`, and so does every request decided after it (on top of it); the queue
is rebuilt from the log, so no number was handed out and no state moved, and numbering
continues with no gap.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Generic, TypeVar

from kiosk import privacy
from kiosk.clock import Clock, in_zone
from kiosk.config import ConfigError, HallConfig, StaffSettings, parse_config
from kiosk.hall import reports
from kiosk.hall.auth import (
    LockoutGuard,
    LoginFailed,
    LoginLocked,
    StaffNotAllowed,
    minutes_left,
    verify_pin,
)
from kiosk.hall.bus import EventBus, Published
from kiosk.hall.views import (
    CloseDayView,
    ConfigAppliedView,
    CounterActionView,
    CounterStatusView,
    CounterView,
    CurrentView,
    DayTicketView,
    HealthView,
    LoginView,
    NoticesView,
    NoticeView,
    PersonalView,
    QueueView,
    ServiceInfoView,
    ServiceQueueView,
    StaffTicketView,
    StaffView,
    TicketView,
    TodayView,
    WaitingView,
)
from kiosk.queue import Priority, Queue, Ticket
from kiosk.queue import errors as err
from kiosk.queue import events as ev
from kiosk.store import EventStore, PendingWrite, StorageError, StoredEvent
from kiosk.sync import fragment

log = logging.getLogger("kiosk.hall")

NOTICES_META = "sync.notices"  # the current notices, kept in the store's meta table

# Fields of an event that never go on the wire (pseudonymous, but no client needs them).
_PRIVATE_FIELDS = {"id_hash"}


V = TypeVar("V")


@dataclass(frozen=True)
class _Command(Generic[V]):
    """A write request made ready: how to decide it (under the hall lock), the personal data
    and extra store work that go with it, and how to build its answer once durable. The same
    command runs on a thread (:meth:`Hall._execute`) or on the event loop
    (:meth:`Hall._execute_async`)."""

    decide: Callable[[datetime], Sequence[ev.Event]]
    finish: Callable[[list[StoredEvent]], V]
    personal_for: Callable[[Sequence[ev.Event]], dict[str, dict[str, str | None]] | None] | None = (
        None
    )
    also: Callable[[Sequence[ev.Event]], object] | None = None


class _Batch:
    """Writes that one commit makes durable. Open (requests add to it) → sealed (by the
    leader that commits it; numbered) → settled (durable and published, or ``error``)."""

    __slots__ = (
        "cv",
        "error",
        "futures",
        "last_seq",
        "number",
        "published",
        "sealed",
        "settled",
        "writes",
    )

    def __init__(self, lock: threading.Lock) -> None:
        self.cv = threading.Condition(lock)  # its waiters: settled, or their turn to lead
        self.futures: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self.writes: list[PendingWrite] = []
        self.published: list[Published] = []  # the events' wire forms, in seq order
        self.last_seq = 0
        self.number = 0
        self.sealed = False
        self.settled = False
        self.error: str | None = None


def _resolve(futures: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]]) -> None:
    """Tell the awaiting requests of a settled batch: one call into each loop."""
    by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
    for loop, future in futures:
        by_loop.setdefault(loop, []).append(future)
    for loop, group in by_loop.items():
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(_set_results, group)


def _set_results(futures: list[asyncio.Future[None]]) -> None:
    for future in futures:
        if not future.done():
            future.set_result(None)


# A leader waits for the requests of the last batches (see Hall._await_siblings) only
# to fill a batch up to this many requests: past it, an fsync is shared enough.
_SIBLINGS_WORTH_WAITING_FOR = 8
_MAX_SIBLING_WAIT_S = 0.005  # whatever the disk: a request never waits longer for others

_publishing = threading.local()  # ``active`` while this thread publishes a batch


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
        self._logins = LockoutGuard(
            self.clock.now,
            max_failures=config.auth.max_failures,
            lockout=timedelta(minutes=config.auth.lockout_min),
        )
        self._admin_unlocks = LockoutGuard(
            self.clock.now,
            max_failures=config.lobby.admin_max_tries,
            lockout=timedelta(minutes=config.lobby.admin_lockout_min),
        )
        self._config_lock = threading.Lock()  # one configuration or notice change at a time
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()
        self.heartbeat = time.monotonic()
        self._tick_interval_s = 1.0
        self.storage_error: str | None = None  # the last write failure, until one succeeds
        # Group commit. Under the hall lock: the next sequence number (set by _rebuild), the
        # open batch, the number of the last sealed batch, a generation that moves when a
        # failure rebuilt the queue. Under _commit_lock (taken after the hall lock, never
        # before it): whether a leader is committing, the last committed seq, the last
        # published batch.
        self._commit_lock = threading.Lock()
        self._open = _Batch(self._commit_lock)
        self._sealed = 0
        self._generation = 0
        self._leading = False
        self._published_batch = 0
        self._turn = threading.Condition(self._commit_lock)  # batches publish in order
        self._durable_cv = threading.Condition(self._commit_lock)  # _committed_seq moved
        # The committer for awaiting requests (started with the first one): it leads the
        # commit when batches have only awaiting requests, so none ties up a thread.
        self._committer: threading.Thread | None = None
        self._committer_cv = threading.Condition(self._commit_lock)
        self._committer_due = False
        self._committer_stop = False
        # Siblings: a leader gives the requests of the batch just committed (answered now,
        # likely to come back at once) a moment to join before it seals the next batch:
        # at most as long as the last commit took, so never longer than a commit saves.
        self._arrivals = threading.Condition(self._commit_lock)
        self._awaiting_siblings = False
        self._last_batch_writes = (0, 0)  # the requests of the last two batches
        self._last_commit_s = 0.0
        self._rebuild()
        self._committed_seq = self.last_seq

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
        self.last_seq = self.store.last_seq()  # the last durable and published event
        self._next_seq = self.last_seq + 1
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
        with self._commit_lock:
            committer, self._committer = self._committer, None
            self._committer_stop = True
            self._committer_cv.notify()
        if committer is not None:
            committer.join(timeout=5)

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
            batch = self._open
            now = self.clock.now()
            stored = self._stage(self.queue.rollover(now))
            # A new list: the staged one is the rollover's write in the batch (no +=).
            stored = stored + self._stage(self.queue.overdue(now))
        if stored:
            self._wait_durable(batch)
        return stored

    # ------------------------------------------------------------ write path

    def _run(
        self,
        decide: Callable[[datetime], Sequence[ev.Event]],
        personal_for: Callable[[Sequence[ev.Event]], dict[str, dict[str, str | None]] | None]
        | None = None,
        also: Callable[[Sequence[ev.Event]], object] | None = None,
    ) -> list[StoredEvent]:
        """Decide, number and apply under the hall lock; then, the lock released, wait until
        durable and published, leading the commit when nobody else is.

        ``personal_for`` gives the personal data to store with the decided events.
        ``also(events)`` is more store work for the same transaction (the daily purge): it
        runs later, in the committing thread, inside the batch's transaction, and must only
        use the store; if it fails, the batch fails.
        """
        if getattr(_publishing, "active", False):
            # Its batch could not be published before the one this thread is publishing,
            # which would wait for it: a deadlock. Subscribers hand writes to a worker.
            raise RuntimeError("a bus subscriber wrote to the hall while it was publishing")
        batch, staged, refusal = self._decide(decide, personal_for, also)
        if staged:  # also the day's rollover before a refusal: durable before answering
            self._wait_durable(batch)
        if refusal is not None:
            raise refusal
        return staged

    def _execute(self, command: _Command[V]) -> V:
        return command.finish(self._run(command.decide, command.personal_for, command.also))

    async def _execute_async(self, command: _Command[V]) -> V:
        stored = await self._run_async(command.decide, command.personal_for, command.also)
        return command.finish(stored)

    def _decide(
        self,
        decide: Callable[[datetime], Sequence[ev.Event]],
        personal_for: Callable[[Sequence[ev.Event]], dict[str, dict[str, str | None]] | None]
        | None,
        also: Callable[[Sequence[ev.Event]], object] | None,
    ) -> tuple[_Batch, list[StoredEvent], Exception | None]:
        """Under the hall lock: the day's rollover, the decision, staging. Returns the batch
        the events went to, the events, and the decision's refusal (after a rollover that
        still has to be made durable)."""
        with self._lock:
            batch = self._open
            now = self.clock.now()
            staged = self._stage(self.queue.rollover(now))
            try:
                events = decide(now)
            except Exception as exc:
                return batch, staged, exc
            personal = personal_for(events) if personal_for and events else None
            more = None if also is None else (lambda: also(events))
            # A new list: ``staged`` is the rollover's write in the batch, and extending it
            # in place wrote the decision's events twice (a duplicate seq, 503 on the first
            # request of a day).
            staged = staged + self._stage(events, personal, more)
            return batch, staged, None

    def _stage(
        self,
        events: Sequence[ev.Event],
        personal: dict[str, dict[str, str | None]] | None = None,
        also: Callable[[], object] | None = None,
    ) -> list[StoredEvent]:
        """Under the hall lock: number the events, apply them, add them to the open batch."""
        if not events:
            return []
        seq = self._next_seq
        stored = [StoredEvent(seq + i, e) for i, e in enumerate(events)]
        for st in stored:
            self.queue.apply(st.event)
        self._next_seq = seq + len(stored)
        batch = self._open
        batch.writes.append(PendingWrite(stored, personal, also))
        batch.published.extend(self.wire(st) for st in stored)  # numbers known once applied
        batch.last_seq = stored[-1].seq
        if self._awaiting_siblings:
            with self._commit_lock:
                self._arrivals.notify()
        return stored

    def _wait_durable(self, batch: _Batch) -> None:
        """Return once ``batch`` is durable and published (StorageError if it failed),
        leading the commit of the open batch whenever no commit is in progress."""
        with self._commit_lock:
            while not batch.settled and (batch.sealed or self._leading):
                batch.cv.wait()
            lead = not batch.settled
            if lead:
                self._leading = True
        if lead:
            self._lead()  # seals the open batch: ours
            with self._commit_lock:
                while not batch.settled:
                    batch.cv.wait()
        if batch.error is not None:
            raise StorageError(batch.error)

    async def _run_async(
        self,
        decide: Callable[[datetime], Sequence[ev.Event]],
        personal_for: Callable[[Sequence[ev.Event]], dict[str, dict[str, str | None]] | None]
        | None = None,
        also: Callable[[Sequence[ev.Event]], object] | None = None,
    ) -> list[StoredEvent]:
        """:meth:`_run` for a coroutine on an event loop: the decision is taken at once
        (under the hall lock, microseconds); the wait for durability ties up no thread (the
        committer thread commits, the loop is told when the batch settled)."""
        batch, staged, refusal = self._decide(decide, personal_for, also)
        if staged:
            await self._durable_async(batch)
        if refusal is not None:
            raise refusal
        return staged

    async def _durable_async(self, batch: _Batch) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._commit_lock:
            if not batch.settled:
                batch.futures.append((loop, future))
                if not self._leading:
                    self._wake_committer()
            else:
                future.set_result(None)
        await future
        if batch.error is not None:
            raise StorageError(batch.error)

    def _wake_committer(self) -> None:
        """Under the commit lock: the open batch has awaiting requests and nobody leads."""
        self._committer_due = True
        if self._committer is None or not self._committer.is_alive():
            # (Also after stop(): a request still awaiting is committed, never left hanging.)
            self._committer = threading.Thread(
                target=self._committer_loop, name="hall-committer", daemon=True
            )
            self._committer.start()
        self._committer_cv.notify()

    def _committer_loop(self) -> None:
        while True:
            with self._commit_lock:
                while self._leading or not self._committer_due:
                    if self._committer_stop and not self._committer_due:
                        return
                    self._committer_cv.wait()
                self._committer_due = False
                if self._open.sealed or not self._open.futures:
                    continue  # a waiting thread leads it
                self._leading = True
            self._lead()

    def _lead(self) -> None:
        """Seal the open batch (after a moment for siblings, see :meth:`_await_siblings`)
        and commit it, outside the hall lock, while new requests form the next batch; hand
        the lead on; then publish in turn and settle."""
        self._await_siblings()
        with self._lock:
            batch, self._open = self._open, _Batch(self._commit_lock)
            self._last_batch_writes = (self._last_batch_writes[1], len(batch.writes))
            self._sealed += 1
            batch.number = self._sealed
            with self._commit_lock:
                batch.sealed = True
        error, failed = self._commit(batch)
        self._hand_over(batch, error, failed)
        try:
            if error is not None:
                self._report_storage_error(error)
            else:
                self._publish(batch)
        finally:
            with self._commit_lock:
                self._published_batch = batch.number
                self._turn.notify_all()
                batch.error = None if error is None else str(error)
                batch.settled = True
                batch.cv.notify_all()
                _resolve(batch.futures)

    def _commit(self, batch: _Batch) -> tuple[StorageError | None, list[_Batch]]:
        """Write the sealed batch (one transaction, one fsync). On failure: the error, and
        the batches that fail with it (the queue rebuilt from the log)."""
        started = time.monotonic()
        try:
            self.store.write(batch.writes)
        except Exception as exc:
            if not isinstance(exc, StorageError):
                log.exception("a write of a batch failed")
            error = exc if isinstance(exc, StorageError) else StorageError(str(exc))
            try:
                return error, self._forget(batch)
            except Exception:  # the lead is handed on all the same: nobody may hang
                log.exception("the queue could not be rebuilt after a failed commit")
                return error, [batch]
        self._last_commit_s = time.monotonic() - started
        return None, []

    def _hand_over(self, batch: _Batch, error: StorageError | None, failed: list[_Batch]) -> None:
        """After the commit: the next batch may commit while this one is published; batches
        decided on top of a failed one are refused at once; then wait for this batch's turn
        to publish (batches publish in order)."""
        with self._commit_lock:
            if error is None:
                self._committed_seq = batch.last_seq
            self._durable_cv.notify_all()
            for b in failed:  # decided after the failed batch: refused at once
                if b is not batch:
                    b.error, b.settled = str(error), True
                    b.cv.notify_all()
            self._leading = False
            self._open.cv.notify()
            if self._open.futures:
                self._wake_committer()
            for b in failed:
                if b is not batch:
                    _resolve(b.futures)
            while self._published_batch != batch.number - 1:
                self._turn.wait()

    def _await_siblings(self) -> None:
        """Before sealing: if either of the last two batches held more requests than the
        open one has, give them a moment to come back and join (their answers are going out
        now), at most as long as the last commit took. Without it, closed-loop clients split
        into groups that take turns, each group with an fsync of its own (measured with 4
        counters on the slow disk: 1.8-2.3 events per fsync; 3.5-3.9 with it). A lone client
        never waits: its batch is as big as the last ones."""
        expected = min(max(self._last_batch_writes), _SIBLINGS_WORTH_WAITING_FOR)
        if len(self._open.writes) >= expected:
            return
        deadline = time.monotonic() + min(self._last_commit_s, _MAX_SIBLING_WAIT_S)
        with self._commit_lock:
            self._awaiting_siblings = True
            try:
                while len(self._open.writes) < expected:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._arrivals.wait(left)
            finally:
                self._awaiting_siblings = False

    def _publish(self, batch: _Batch) -> None:
        _publishing.active = True
        try:
            self.last_seq = batch.last_seq
            self.storage_error = None
            for item in batch.published:
                self.bus.publish(item)
            self.bus.publish(
                Published(
                    "queue.changed",
                    {"type": "queue.changed", "at": batch.published[-1].message["at"]},
                    snapshot=self.durable_queue_view,
                )
            )
        finally:
            _publishing.active = False

    def _forget(self, batch: _Batch) -> list[_Batch]:
        """``batch`` could not be made durable: forget it, and what was decided on top of it
        (the open batch), in memory too. Returns the batches that failed."""
        with self._lock:
            failed = [batch]
            if self._open.writes:
                failed.append(self._open)
                self._open = _Batch(self._commit_lock)
            self._generation += 1
            self._rebuild()  # the queue as the log has it: nothing of those batches happened
        return failed

    def durable_queue_view(self) -> dict[str, Any]:
        """The queue view as it may leave the process: taken under the hall lock, returned
        once every event it reflects is durable (at most a commit later), taken again if a
        failed commit rebuilt the queue meanwhile. For the workers of bus subscribers (the
        WebSocket hub's, the pads'); never in the publishing thread, which the wait could
        deadlock (the next batch may need this thread to commit it)."""
        if getattr(_publishing, "active", False):
            raise RuntimeError("a queue snapshot was taken in the publishing thread")
        while True:
            with self._lock:
                view = self.queue_view()
                upto = self._next_seq - 1
                generation = self._generation
            with self._commit_lock:
                while self._committed_seq < upto and self._generation == generation:
                    self._durable_cv.wait()
                if self._generation == generation:
                    return view.to_dict()

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

    # ---------------------------------------------------------------- reading

    @property
    def hall_id(self) -> str:
        return self.config.hall.id

    def now(self) -> datetime:
        """The hall's time (aware, in the hall's time zone)."""
        return self.clock.now()

    def valid_account(self, account: str) -> bool:
        """Whether ``account`` looks like an account number (户号) of this utility."""
        return bool(self._account_re.match(account.strip()))

    def health(self) -> HealthView:
        return HealthView(
            status="degraded" if self.storage_error else "ok",
            hall=self.config.hall.id,
            last_seq=self.last_seq,
            storage_error=self.storage_error,
        )

    # ---------------------------------------------------------------- tickets

    def issue_ticket(
        self,
        service: str,
        *,
        priority: str | None = None,
        id_card: IdCardInput | None = None,
        account: str | None = None,
    ) -> TicketView:
        return self._execute(self._issue(service, priority, id_card, account))

    async def issue_ticket_async(
        self,
        service: str,
        *,
        priority: str | None = None,
        id_card: IdCardInput | None = None,
        account: str | None = None,
    ) -> TicketView:
        """:meth:`issue_ticket` for the event loop: no thread waits for the fsync."""
        return await self._execute_async(self._issue(service, priority, id_card, account))

    def _issue(
        self,
        service: str,
        priority: str | None,
        id_card: IdCardInput | None,
        account: str | None,
    ) -> _Command[TicketView]:
        prio = self._priority(priority)
        id_hash, personal = self._identity(prio, id_card, account)

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

        def finish(stored: list[StoredEvent]) -> TicketView:
            issued = stored[-1].event
            assert isinstance(issued, ev.TicketIssued)
            return self.ticket_view(issued.ticket)

        return _Command(decide, finish, personal_for)

    def _identity(
        self, prio: Priority | None, id_card: IdCardInput | None, account: str | None
    ) -> tuple[str | None, dict[str, str | None]]:
        """The keyed hash of the ID number (repeat visits) and the personal data staff may
        see today; bad input refused before anything is decided."""
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
        return id_hash, personal

    def _priority(self, value: str | None) -> Priority | None:
        if value is None:
            return None
        try:
            return Priority(value)
        except ValueError:
            raise err.InvalidRequest(
                "优先类型应为 elderly、disabled 或 appointment，收到：{value}", value=value
            ) from None

    def ticket_view(self, ticket_id: str) -> TicketView:
        """The ticket with its place in the queue; a ticket of a day the queue no longer
        holds (closed) as that day left it, from the log (kiosk/hall/closed_tickets.py)."""
        with self._lock:
            live = self.queue.tickets.get(ticket_id)
            if live is not None:
                return self._ticket_view(live)
        from kiosk.hall.closed_tickets import closed_ticket

        closed = closed_ticket(self.store, self.rules, ticket_id)
        if closed is None:
            raise err.UnknownTicket("没有这张号票：{ticket}", ticket=ticket_id)
        return closed

    def staff_ticket_view(self, ticket_id: str) -> StaffTicketView:
        """A ticket with the masked personal data staff need (never for displays)."""
        view = self.ticket_view(ticket_id)
        personal = self.personal_view(ticket_id) or PersonalView()
        return StaffTicketView(**{**asdict(view), **asdict(personal)})

    def _ticket_view(self, t: Ticket) -> TicketView:
        spec = self.rules.services[t.service]
        ahead = self.queue.position(t.id)
        est = self.queue.estimate(t.service, ahead).seconds if ahead is not None else None
        return TicketView(
            id=t.id,
            number=t.number,
            service=t.service,
            service_name=spec.name,
            service_name_en=spec.name_en,
            status=t.status.value,
            priority=t.priority.value if t.priority else None,
            issued_at=t.issued_at.isoformat(),
            ahead=ahead,
            estimated_wait_s=est,
            counters=(
                [t.target_counter]
                if t.target_counter is not None
                else self.queue.counters_serving(t.service)
            ),
            counter=t.counter,
            called_at=_iso(t.called_at),
            started_at=_iso(t.started_at),
            finished_at=_iso(t.finished_at),
            recalls=t.recalls,
            transfers=t.transfers,
            original_service=t.original_service,
            first_staff=t.first_staff,
            identified=t.identified,
            score=t.score,
        )

    def personal_view(self, ticket_id: str) -> PersonalView | None:
        """Masked personal data for the staff serving the ticket (never for displays)."""
        row = self.store.personal(ticket_id)
        return PersonalView(**row) if row is not None else None

    def queue_view(self) -> QueueView:
        with self._lock:
            services = []
            for s in self.queue.summary():
                spec = self.rules.services[s.service]
                services.append(
                    ServiceQueueView(
                        service=s.service,
                        name=spec.name,
                        name_en=spec.name_en,
                        waiting=s.waiting,
                        estimated_wait_s=s.estimated_wait_s,
                        open_counters=s.open_counters,
                    )
                )
            counters = [self._counter_view(n) for n in self.rules.counters]
            return QueueView(services=services, counters=counters, closed=self._closed_today())

    def _closed_today(self) -> bool:
        return self.queue.closed_day == self.clock.now().date()

    # --------------------------------------------------------------- counters

    def call_next(self, counter: int, staff: str | None = None) -> TicketView | None:
        """The called ticket, or None when nobody waits for this counter."""
        return self._execute(self._call_next(counter, staff))

    async def call_next_async(self, counter: int, staff: str | None = None) -> TicketView | None:
        """:meth:`call_next` for the event loop: no thread waits for the fsync."""
        return await self._execute_async(self._call_next(counter, staff))

    def _call_next(self, counter: int, staff: str | None) -> _Command[TicketView | None]:
        def finish(stored: list[StoredEvent]) -> TicketView | None:
            with self._lock:
                for s in reversed(stored):
                    if isinstance(s.event, ev.TicketCalled):
                        return self._ticket_view(self.queue.ticket(s.event.ticket))
            return None

        return _Command(lambda now: self.queue.call_next(counter, now, staff=staff), finish)

    def counter_action(self, counter: int, action: str, **kwargs: Any) -> CounterActionView:
        """recall | start | done | no-show | pause | resume | pause-toggle (a pad's one pause
        key) | evaluate | transfer."""
        return self._execute(self._counter_action(counter, action, kwargs))

    async def counter_action_async(
        self, counter: int, action: str, **kwargs: Any
    ) -> CounterActionView:
        """:meth:`counter_action` for the event loop: no thread waits for the fsync."""
        return await self._execute_async(self._counter_action(counter, action, kwargs))

    def _counter_action(
        self, counter: int, action: str, kwargs: dict[str, Any]
    ) -> _Command[CounterActionView]:
        q = self.queue
        deciders: dict[str, Callable[[datetime], list[ev.Event]]] = {
            "recall": lambda now: q.recall(counter, now),
            "start": lambda now: q.start(counter, now, staff=kwargs.get("staff")),
            "done": lambda now: q.done(counter, now),
            "no-show": lambda now: q.no_show(counter, now),
            "pause": lambda now: q.pause(counter, now),
            "resume": lambda now: q.resume(counter, now),
            "evaluate": lambda now: q.request_evaluation(counter, now),
            "pause-toggle": lambda now: q.toggle_pause(counter, now),
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

        def finish(stored: list[StoredEvent]) -> CounterActionView:
            with self._lock:
                ticket = next((s.event.ticket_id for s in stored if s.event.ticket_id), None)
                return CounterActionView(
                    counter=self._counter_view(counter),
                    ticket=self._ticket_view(self.queue.ticket(ticket)) if ticket else None,
                )

        return _Command(decide, finish)

    def _counter_view(self, n: int) -> CounterView:
        cdef = self.rules.counters[n]
        state = self.queue.counters[n]
        cur = self.queue.current_ticket(n)
        return CounterView(
            counter=n,
            name=cdef.name,
            services=list(cdef.services),
            state="paused" if state.paused else ("busy" if cur else "idle"),
            current=CurrentView(cur.id, cur.number, cur.status.value) if cur else None,
            waiting=len(self.queue.waiting_for_counter(n)),
        )

    def counter_status(self, counter: int, *, next_shown: int = 5) -> CounterStatusView:
        """What the soft caller shows: the counter, its services with their time limits, who
        is logged in, the current ticket (with the masked personal data staff need) and the
        next few it would call."""
        with self._lock:
            cdef = self.queue.counter_def(counter)
            state = self.queue.counters[counter]
            cur = self.queue.current_ticket(counter)
            waiting = self.queue.waiting_for_counter(counter)
            services = [
                self.rules.services[code] for code in cdef.services if code in self.rules.services
            ]
            now = self.clock.now()
            view = CounterStatusView(
                counter=counter,
                name=cdef.name,
                services=[
                    ServiceInfoView(s.code, s.name, s.name_en, s.target_wait_s, s.time_limit_s)
                    for s in services
                ],
                state="paused" if state.paused else ("busy" if cur else "idle"),
                staff=self._staff_view(state.logged_in),
                current=None,
                time_limit_s=self.rules.services[cur.service].time_limit_s if cur else None,
                waiting=len(waiting),
                next=[
                    WaitingView(
                        t.id,
                        t.number,
                        t.service,
                        t.issued_at.isoformat(),
                        t.priority.value if t.priority else None,
                    )
                    for t in waiting[:next_shown]
                ],
                now=now.isoformat(),
            )
        if cur is not None:
            view = replace(view, current=self.staff_ticket_view(cur.id))
        return view

    def _staff_view(self, number: str | None) -> StaffView | None:
        if number is None:
            return None
        person = self._staff_by_number().get(number)
        return StaffView(number=number, name=person.name if person else "")

    def _staff_by_number(self) -> dict[str, StaffSettings]:
        return {s.number: s for s in self.config.staff}

    # ------------------------------------------------------------------ staff

    def login(self, counter: int, staff: str, pin: str, *, device: str) -> LoginView:
        """Log a staff member in at a counter's soft caller: the PIN checked against the
        salted hash of ``[[staff]]``, wrong PINs counted per staff number and per ``device``
        (the token's name) and locked out after ``auth.max_failures``. Calls and starts at
        the counter then record the staff member (首问负责制)."""
        self.queue.counter_def(counter)  # UnknownCounter (404) before any PIN work
        number = staff.strip()
        staff_key, device_key = f"staff:{number}", f"device:{device}"
        for key in (staff_key, device_key):
            left = self._logins.locked_for(key)
            if left is not None:
                raise self._locked(key, number, left)
        person = self._staff_by_number().get(number)
        if not verify_pin(pin, person.pin_hash if person else None):
            # An unknown number is counted against the device only: the table stays bounded
            # by real staff, and enumeration from one device still locks that device.
            left_device = self._logins.failed(device_key)
            left_staff = self._logins.failed(staff_key) if person is not None else left_device
            if left_staff == 0 and person is not None:
                raise self._locked(staff_key, number, self._logins.lockout)
            if left_device == 0:
                raise self._locked(device_key, number, self._logins.lockout)
            raise LoginFailed(
                "工号或密码不正确，还可再试{left}次", left=min(left_staff, left_device)
            )
        assert person is not None
        if person.counters and counter not in person.counters:
            raise StaffNotAllowed(
                "工号{staff}不能在{counter}号窗口登录", staff=number, counter=counter
            )
        self._run(lambda now: self.queue.login(counter, number, now))
        self._logins.succeeded(staff_key)
        self._logins.succeeded(device_key)
        return LoginView(counter=counter, staff=self._staff_view(number))

    @staticmethod
    def _locked(key: str, number: str, left: timedelta) -> LoginLocked:
        retry = int(left.total_seconds()) + 1
        if key.startswith("staff:"):
            return LoginLocked(
                "密码错误次数过多，工号{staff}已锁定，请{minutes}分钟后再试",
                retry_after_s=retry,
                staff=number,
                minutes=minutes_left(left),
            )
        return LoginLocked(
            "密码错误次数过多，本机已锁定，请{minutes}分钟后再试",
            retry_after_s=retry,
            minutes=minutes_left(left),
        )

    def logout(self, counter: int, *, staff: str | None = None, force: bool = False) -> LoginView:
        """Log the counter's staff member out (refused while a customer is at the counter
        unless ``force``d; the API lets only a manager force)."""
        self._run(lambda now: self.queue.logout(counter, now, staff=staff, force=force))
        return LoginView(counter=counter, staff=None)

    def logged_in(self, counter: int) -> str | None:
        with self._lock:
            self.queue.counter_def(counter)
            return self.queue.counters[counter].logged_in

    def check_admin_pin(self, pin: str, *, device: str) -> None:
        """The lobby's admin panel PIN (``[lobby] admin_pin_hash``), locked per kiosk after
        ``[lobby] admin_max_tries`` wrong PINs. Raises when refused."""
        stored = self.config.lobby.admin_pin_hash
        if not stored:
            raise AdminDisabled("未设置管理面板密码，管理面板已关闭")
        key = f"admin:{device}"
        left = self._admin_unlocks.locked_for(key)
        if left is not None:
            raise AdminLocked(
                "密码错误次数过多，管理面板已锁定，请{minutes}分钟后再试",
                minutes=minutes_left(left),
            )
        if verify_pin(pin, stored):
            self._admin_unlocks.succeeded(key)
            log.info("admin panel unlocked on %s", device)
            return
        tries = self._admin_unlocks.failed(key)
        log.warning("wrong admin PIN on %s (%d tries left)", device, tries)
        if tries == 0:
            raise AdminLocked(
                "密码错误次数过多，管理面板已锁定，请{minutes}分钟后再试",
                minutes=minutes_left(self._admin_unlocks.lockout),
            )
        raise WrongPin("密码错误，还可以再试{tries}次", tries=tries)

    # ------------------------------------------------------------ evaluations

    def evaluate(
        self, ticket_id: str, score: int, source: str = "api", *, counter: int | None = None
    ) -> TicketView:
        """Record the customer's rating, once per ticket. With ``counter``, only a ticket that
        counter served may be rated (a counter's soft caller or evaluator)."""
        if counter is not None:
            view = self.ticket_view(ticket_id)
            if view.counter != counter:
                raise NotThisCounter(
                    "{number}不是在{counter}号窗口办理的", number=view.number, counter=counter
                )
        self._run(lambda now: self.queue.evaluate(ticket_id, score, now, source=source))
        return self.ticket_view(ticket_id)

    def reinstate(self, ticket_id: str) -> TicketView:
        self._run(lambda now: self.queue.reinstate(ticket_id, now))
        return self.ticket_view(ticket_id)

    def cancel(self, ticket_id: str, reason: str | None = None) -> TicketView:
        self._run(lambda now: self.queue.cancel(ticket_id, now, reason=reason))
        return self.ticket_view(ticket_id)

    # ------------------------------------------------------------- the day

    def close_day(self) -> CloseDayView:
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
        return CloseDayView(
            day=closed.day.isoformat(), expired=expired, purged=purged, full=closed.full
        )

    # ---------------------------------------------------------- configuration

    def reconfigure(self, config: HallConfig, *, source: str, digest: str) -> None:
        """Apply a new configuration without a restart and without dropping anyone waiting.

        The caller has validated it with :func:`kiosk.config.parse_config`. The API reads
        its tokens from :attr:`config`, so new tokens apply with it.
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

    def apply_central_config(
        self, text: str, *, digest: str | None, keep_token: str, role: str
    ) -> ConfigAppliedView:
        """Central's configuration fragment (queue, services, counters, staff, tokens):
        merged into the hall's file, validated like a file at start, written atomically (the
        old file kept as ``.prev``), then applied while running. Refused when it would lock
        the caller out (``keep_token`` gone)."""
        with self._config_lock:
            source = Path(self.config.source) if self.config.source else None
            if source is None or not source.is_file():
                raise ConfigRefused("本机没有配置文件，无法保存新配置", code="no_config_file")
            actual = fragment.digest(text)
            if digest is not None and digest != actual:
                raise ConfigRefused(
                    "配置摘要不符，新配置未应用", code="digest_mismatch", status=400
                )
            try:
                fragment.check_fragment(text)
                merged = fragment.merge(source.read_text(encoding="utf-8"), text, note=actual[:12])
                new = parse_config(merged, str(source))
            except (fragment.FragmentError, ConfigError) as exc:
                raise ConfigRefused(
                    "新配置无效，未应用：{detail}",
                    code="invalid_config",
                    status=400,
                    detail=str(exc),
                ) from None
            if not any(
                t.role == role and hmac.compare_digest(t.token.encode(), keep_token.encode())
                for t in new.tokens
            ):
                raise ConfigRefused(
                    "新配置中没有本令牌，应用后将无法再访问，未应用", code="would_lock_out"
                )
            try:
                write_atomically(source, merged)
            except OSError as exc:
                raise StorageError(exc.strerror or str(exc)) from None
            self.reconfigure(new, source="central" if role == "sync" else role, digest=actual)
            with self._lock:
                waiting = len(self.queue.waiting())
            return ConfigAppliedView(
                digest=actual,
                services=[s.code for s in new.services],
                counters=[c.number for c in new.counters],
                waiting=waiting,
            )

    # ---------------------------------------------------------------- notices

    def notices(self, *, showing_only: bool = True) -> list[NoticeView]:
        """The hall's notices as central last sent them; by default only those not yet
        ended (by the hall's clock)."""
        current = list(self._stored_notices().values())
        if not showing_only:
            return current
        now = self.clock.now()
        return [n for n in current if not _ended(n, now)]

    def _stored_notices(self) -> dict[str, NoticeView]:
        raw = self.store.meta(NOTICES_META)
        return {n["id"]: NoticeView(**n) for n in json.loads(raw)} if raw else {}

    def replace_notices(self, notices: Sequence[NoticeView]) -> NoticesView:
        """Central's complete list of current notices: each new, changed or withdrawn one
        becomes a ``notice.changed`` event, then the list is kept. A time without an offset
        is the hall's wall-clock time and is kept with the hall's offset."""
        zoned = [_zoned_notice(n, self.config.tz) for n in notices]
        with self._config_lock:
            current = self._stored_notices()
            new = {n.id: n for n in zoned}
            now = self.clock.now()
            events: list[ev.Event] = [
                ev.NoticeChanged(at=now, notice=nid, title=n.title)
                for nid, n in new.items()
                if current.get(nid) != n
            ]
            changed = len(events)
            events += [
                ev.NoticeChanged(at=now, notice=nid, title=n.title, withdrawn=True)
                for nid, n in current.items()
                if nid not in new
            ]
            kept = json.dumps([n.to_dict() for n in new.values()], ensure_ascii=False)
            # The list is kept in the same transaction as the events that announce it.
            self._run(lambda now: events, also=lambda _: self.store.set_meta(NOTICES_META, kept))
            return NoticesView(
                notices=list(new.values()), changed=changed, withdrawn=len(events) - changed
            )

    # ------------------------------------------------------------ device facts

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
        """Store facts decided elsewhere (printing outcomes): they carry no queue decision."""
        return self._run(lambda now: events)

    # ---------------------------------------------------------------- reports

    def daily_report(self, day: date | None = None) -> dict[str, Any]:
        """A day's figures (today by default), from the log."""
        when = day or self.clock.now().date()
        return reports.daily_report(self.store, self.rules, when, staff_names=self._names())

    def month_report(self, month: str | None = None) -> dict[str, Any]:
        """A month per day, service, counter and staff member (``YYYY-MM``, default this
        month); ValueError when malformed."""
        value = month or self.clock.now().strftime("%Y-%m")
        return reports.month_report(self.store, self.rules, value, staff_names=self._names())

    def counter_today(self, counter: int) -> TodayView:
        """Today's own figures of a counter: the logged-in staff member's, else the
        counter's."""
        staff = self.logged_in(counter)
        day = self.clock.now().date()
        rep = reports.daily_report(self.store, self.rules, day)
        row = next(c for c in rep["counters"] if c["counter"] == counter)
        mine = row
        if staff is not None:
            mine = next((s for s in rep["staff"] if s["staff"] == staff), None) or (
                reports.empty_figures()
            )
        return TodayView(
            date=day.isoformat(),
            counter=counter,
            staff=self._staff_view(staff),
            mine=mine,
            counter_figures=row,
        )

    def _names(self) -> dict[str, str]:
        return {s.number: s.name for s in self.config.staff}

    def tickets_of_day(self, day: date) -> list[DayTicketView]:
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
            DayTicketView(
                id=t.id,
                number=t.number,
                service=t.service,
                status=t.status.value,
                priority=t.priority.value if t.priority else None,
                issued_at=t.issued_at.isoformat(),
                called_at=_iso(t.first_called_at),
                finished_at=_iso(t.finished_at),
                counter=t.counter,
                transfers=t.transfers,
                score=t.score,
            )
            for t in sorted(replay.tickets.values(), key=lambda t: (t.issued_at, t.number))
        ]


# ------------------------------------------------------------------- refusals of the hall


class AdminDisabled(err.QueueError):
    code = "admin_disabled"
    http_status = 404


class AdminLocked(err.QueueError):
    code = "admin_locked"
    http_status = 409


class WrongPin(err.QueueError):
    code = "wrong_pin"
    http_status = 403


class NotThisCounter(err.QueueError):
    code = "forbidden"
    http_status = 403


class ConfigRefused(err.QueueError):
    """A configuration from central that was not applied (nothing changed)."""

    def __init__(self, template: str, *, code: str, status: int = 409, **params: Any) -> None:
        super().__init__(template, **params)
        self.code = code
        self.http_status = status


def write_atomically(path: Path, text: str) -> None:
    """The new file fully on disk before it replaces the old one (kept as ``.prev``)."""
    tmp = path.with_name(path.name + ".new")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    if path.exists():
        prev = path.with_name(path.name + ".prev")
        prev.write_bytes(path.read_bytes())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _ended(notice: NoticeView, now: datetime) -> bool:
    if not notice.ends_at:
        return False
    try:
        return in_zone(notice.ends_at, now.tzinfo or UTC) <= now
    except (ValueError, TypeError):
        return False


def _zoned_notice(notice: NoticeView, tz: tzinfo) -> NoticeView:
    """The notice with its times aware: read in the hall's zone when written without one;
    a time that is not a time is refused (400) before anything changes."""
    times = {}
    for name in ("starts_at", "ends_at"):
        value = getattr(notice, name)
        if value:
            try:
                times[name] = in_zone(value, tz).astimezone(tz).isoformat()
            except ValueError:
                raise err.InvalidRequest(
                    "时间格式不正确，应为 ISO 8601：{value}", value=value
                ) from None
    return replace(notice, **times)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
