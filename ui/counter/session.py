"""One counter's soft caller, kept in step with the hall daemon.

The session holds no queue state of its own: it asks the daemon (``GET
/counters/{n}/status``) whenever the WebSocket says something at this counter changed, and
sends the staff member's commands as API calls. Every call runs on :class:`HallClient`'s
worker threads; answers come back as signals in the GUI thread.
"""

from __future__ import annotations

import logging
from typing import Any

from ui.common.client import ApiReply, HallClient
from ui.common.events import EventStream
from ui.common.servertime import ServerClock
from ui.qt.core import QCoreApplication, QObject, Signal, Slot

log = logging.getLogger("ui.counter")

#: Events that change this counter's own figures of the day.
_FIGURE_EVENTS = {"ticket.done", "ticket.no_show", "ticket.transferred", "ticket.evaluated"}


class CounterSession(QObject):
    """The soft caller's link to the hall for one counter.

    Signals:
        status_changed(dict): the counter's status as the daemon last gave it.
        today_changed(dict): today's own figures (``GET /counters/{n}/today``).
        queue_changed(dict): the whole hall's queue (services and counters, for transfers).
        login_changed(object): the staff member logged in here (dict) or None.
        message_changed(str, str): a line for the staff member and its level (info|error).
        evaluation_requested(str, str): ticket id and number the customer is asked to rate.
        evaluation_recorded(str, str, int): ticket id, number and score (0: not rated).
        no_shows_changed(list): this counter's no-shows of today, [(ticket id, number)].
        connection_changed(bool): the daemon was lost (False) or is back (True).
    """

    status_changed = Signal(dict)
    today_changed = Signal(dict)
    queue_changed = Signal(dict)
    login_changed = Signal(object)
    message_changed = Signal(str, str)
    evaluation_requested = Signal(str, str)
    evaluation_recorded = Signal(str, str, int)
    no_shows_changed = Signal(list)
    connection_changed = Signal(bool)

    def __init__(
        self,
        counter: int,
        base_url: str,
        token: str,
        *,
        clock: Any | None = None,
        evaluate_after_done: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.counter = counter
        self.base = f"/counters/{counter}"
        self.clock = clock if clock is not None else ServerClock()
        self.evaluate_after_done = evaluate_after_done
        self.client = HallClient(base_url, token, parent=self)
        self.stream = EventStream(base_url, token, parent=self)
        self.status: dict[str, Any] | None = None
        self.queue: dict[str, Any] | None = None
        self.staff: dict[str, Any] | None = None  # logged in through this soft caller
        self.online = False
        self.no_shows: dict[str, str] = {}
        self._status_in_flight = False
        self._status_dirty = False
        self._action_in_flight: str | None = None
        self._my_summary: Any = None
        self._login_epoch = 0
        self.stream.message_received.connect(self._on_message_received)
        self.stream.connection_lost.connect(self._on_connection_lost)

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> None:
        self.stream.start()
        self.refresh()

    def close(self) -> None:
        self.stream.stop()
        self.client.close()

    def set_language(self, lang: str) -> None:
        self.client.set_language(lang)

    @property
    def busy(self) -> bool:
        """A command is on its way: a second press must not send it twice."""
        return self._action_in_flight is not None

    @property
    def settled(self) -> bool:
        """No command on its way and the status shown is the latest asked for."""
        return self._action_in_flight is None and not self._status_in_flight

    # -------------------------------------------------------------------- reads

    def refresh(self) -> None:
        """Ask for the counter's status (coalesced: one request at a time)."""
        if self._status_in_flight:
            self._status_dirty = True
            return
        self._status_in_flight = True
        self._status_dirty = False
        epoch = self._login_epoch
        self.client.get(f"{self.base}/status", lambda r: self._on_status_replied(r, epoch))

    def refresh_today(self) -> None:
        self.client.get(f"{self.base}/today", self._on_today_replied)

    def _on_status_replied(self, reply: ApiReply, epoch: int) -> None:
        self._status_in_flight = False
        if reply.ok and isinstance(reply.body, dict):
            self.status = reply.body
            sync = getattr(self.clock, "sync", None)
            if sync is not None:
                sync(reply.body["now"])
            stale = epoch != self._login_epoch  # asked before this soft caller's login
            if not stale and self.staff is not None and reply.body.get("staff") != self.staff:
                # Logged out elsewhere (a manager's forced logout): back to the login.
                self.staff = None
                self.login_changed.emit(None)
                self.message_changed.emit(
                    QCoreApplication.translate("Counter", "本窗口已退出登录"), "error"
                )
            self.status_changed.emit(reply.body)
        elif reply.reached:
            self.message_changed.emit(reply.error_message, "error")
        if self._status_dirty:
            self.refresh()

    def _on_today_replied(self, reply: ApiReply) -> None:
        if reply.ok and isinstance(reply.body, dict):
            self.today_changed.emit(reply.body)

    # ----------------------------------------------------------------- commands

    def login(self, staff: str, pin: str) -> None:
        self._send("login", "POST", f"{self.base}/login", {"staff": staff, "pin": pin})

    def logout(self) -> None:
        self._send("logout", "POST", f"{self.base}/logout", {})

    def call_next(self) -> None:
        self._send("call-next", "POST", f"{self.base}/call-next", {})

    def recall(self) -> None:
        self._send("recall", "POST", f"{self.base}/recall", {})

    def no_show(self) -> None:
        self._send("no-show", "POST", f"{self.base}/no-show", {})

    def start_service(self) -> None:
        self._send("start", "POST", f"{self.base}/start", {})

    def done(self) -> None:
        self._send("done", "POST", f"{self.base}/done", {})

    def transfer(
        self, *, service: str | None = None, counter: int | None = None, reason: str = ""
    ) -> None:
        body: dict[str, Any] = {"reason": reason or None}
        if service is not None:
            body["service"] = service
        if counter is not None:
            body["counter"] = counter
        self._send("transfer", "POST", f"{self.base}/transfer", body)

    def toggle_pause(self) -> None:
        paused = (self.status or {}).get("state") == "paused"
        action = "resume" if paused else "pause"
        self._send(action, "POST", f"{self.base}/{action}", {})

    def request_evaluation(self) -> None:
        self._send("evaluate", "POST", f"{self.base}/evaluate", {})

    def reinstate(self, ticket_id: str) -> None:
        self._send("reinstate", "POST", f"/tickets/{ticket_id}/reinstate", None)

    def rate(self, ticket_id: str, score: int) -> None:
        """The customer's touch rating; 0 when the prompt timed out (not rated)."""
        self.client.post(
            f"{self.base}/evaluation",
            {"ticket": ticket_id, "score": score},
            lambda reply: self._on_rated(reply, ticket_id),
        )

    def _send(self, action: str, method: str, path: str, body: Any) -> None:
        if self._action_in_flight is not None:
            return
        self._action_in_flight = action
        self.client.request(
            method, path, json=body, on_reply=lambda reply: self._on_action(action, reply)
        )

    def _on_action(self, action: str, reply: ApiReply) -> None:
        self._action_in_flight = None
        if not reply.reached:
            self.message_changed.emit(
                QCoreApplication.translate("Counter", "连接不上营业厅服务器，请稍后再试"),
                "error",
            )
            return
        if not reply.ok:
            self.message_changed.emit(reply.error_message or str(reply.error_code), "error")
            return
        body = reply.body if isinstance(reply.body, dict) else {}
        if action == "login":
            self._login_epoch += 1
            self.staff = body.get("staff")
            self.login_changed.emit(self.staff)
            self.refresh_today()
        elif action == "logout":
            self._login_epoch += 1
            self.staff = None
            self.login_changed.emit(None)
        elif action == "call-next" and reply.status == 204:
            self.message_changed.emit(
                QCoreApplication.translate("Counter", "没有等候本窗口的客户"), "info"
            )
        elif action == "call-next":
            self.message_changed.emit(
                QCoreApplication.translate("Counter", "已呼叫 {number}").format(
                    number=body.get("number", "")
                ),
                "info",
            )
        elif action == "done" and self.evaluate_after_done:
            self.message_changed.emit("", "info")
            self.request_evaluation()
        elif action == "transfer":
            ticket = body.get("ticket") or {}
            self.message_changed.emit(
                QCoreApplication.translate("Counter", "{number} 已转出").format(
                    number=ticket.get("number", "")
                ),
                "info",
            )
        elif action == "reinstate":
            self.message_changed.emit(
                QCoreApplication.translate("Counter", "{number} 已重新排队").format(
                    number=body.get("number", "")
                ),
                "info",
            )
        else:
            self.message_changed.emit("", "info")
        self.refresh()

    def _on_rated(self, reply: ApiReply, ticket_id: str) -> None:
        if not reply.ok and reply.error_code != "already_evaluated":
            self.message_changed.emit(reply.error_message or str(reply.error_code), "error")

    # ------------------------------------------------------------------- events

    @Slot(dict)
    def _on_message_received(self, msg: dict[str, Any]) -> None:
        kind = msg.get("type", "")
        self._sync_clock(msg)
        if kind in ("hello", "queue.changed"):
            self._on_queue_message(kind, msg)
            return
        if msg.get("counter") == self.counter:
            self._on_counter_event(kind, msg)
        if kind in ("ticket.reinstated", "ticket.expired", "ticket.cancelled"):
            self._forget_no_show(msg.get("ticket", ""))

    def _sync_clock(self, msg: dict[str, Any]) -> None:
        """The hall's time, from every message that carries it (a ServerClock follows it)."""
        sync = getattr(self.clock, "sync", None)
        if sync is not None and msg.get("at"):
            sync(msg["at"])

    def _on_queue_message(self, kind: str, msg: dict[str, Any]) -> None:
        """``hello`` (after every connect) or ``queue.changed``: the whole queue."""
        if kind == "hello" and not self.online:
            self.online = True
            self.connection_changed.emit(True)
        queue = msg.get("queue", msg)
        self.queue = queue
        self.queue_changed.emit(queue)
        mine = next((c for c in queue.get("counters", []) if c["counter"] == self.counter), None)
        if kind == "hello" or mine != self._my_summary:
            self._my_summary = mine
            self.refresh()
        if kind == "hello":
            self.refresh_today()

    def _on_counter_event(self, kind: str, msg: dict[str, Any]) -> None:
        """An event at this counter."""
        if kind.startswith("staff."):
            self.refresh()  # somebody logged in or out here
        elif kind == "ticket.no_show":
            self.no_shows[msg["ticket"]] = msg.get("number", "")
            self.no_shows_changed.emit(sorted(self.no_shows.items()))
        elif kind == "evaluation.requested":
            self.evaluation_requested.emit(msg["ticket"], msg.get("number", ""))
        elif kind == "ticket.evaluated":
            self.evaluation_recorded.emit(
                msg["ticket"], msg.get("number", ""), int(msg.get("score", 0))
            )
        if kind in _FIGURE_EVENTS and self.staff is not None:
            self.refresh_today()

    def _forget_no_show(self, ticket: str) -> None:
        """A no-show back in the queue, expired or withdrawn leaves the recall list."""
        if self.no_shows.pop(ticket, None) is not None:
            self.no_shows_changed.emit(sorted(self.no_shows.items()))

    @Slot()
    def _on_connection_lost(self) -> None:
        self.online = False
        self.connection_changed.emit(False)
