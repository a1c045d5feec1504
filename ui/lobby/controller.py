"""What happens when the customer taps: the lobby's navigation and its calls to the daemon.

The controller keeps no queue state of its own: the tiles show the last queue the daemon
pushed, a ticket is whatever ``POST /tickets`` answered, and whether it printed is the
daemon's ``ticket.printed`` / ``ticket.print_failed`` event. What it does keep is the
current :class:`~ui.lobby.flow.Flow` (the customer's data, dropped when the screen goes
home) and where the customer is.
"""

from __future__ import annotations

import logging
import math
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from drivers.pii import mask_account
from ui.common.client import ApiReply, HallClient
from ui.common.events import EventStream
from ui.common.i18n import Languages
from ui.common.idle import IdleWatch
from ui.lobby import text as tx
from ui.lobby.flow import Flow, IdCardRead
from ui.lobby.window import LobbyWindow
from ui.qt.core import QObject, Signal, Slot

log = logging.getLogger("ui.lobby")

# How long the ticket screen waits for the printer's outcome before treating it as failed.
PRINT_TIMEOUT_S = 12.0
STATEMENT_TIMEOUT_S = 25.0


class LobbyController(QObject):
    """Connects the screens, the LAN API and the event stream.

    Signals:
        ticket_shown(dict): a ticket was issued and is on screen (number, service…).
        print_outcome_shown(str): printed | failed | no_printer, as the customer sees it.
        flow_reset(): the screen went home and the flow's data was dropped.
        settings_loaded(dict): the lobby's settings arrived from the daemon.
    """

    ticket_shown = Signal(dict)
    print_outcome_shown = Signal(str)
    flow_reset = Signal()
    settings_loaded = Signal(dict)

    def __init__(
        self,
        window: LobbyWindow,
        client: HallClient,
        events: EventStream,
        languages: Languages,
        idle: IdleWatch,
    ) -> None:
        super().__init__()
        self.window = window
        self.client = client
        self.events = events
        self.languages = languages
        self.idle = idle
        self.flow = Flow()
        self.settings: dict[str, Any] | None = None
        self.queue_services: list[dict[str, Any]] = []
        self.notices: dict[str, str] = {}
        self.voice_on = False
        self.issuing = False
        self.print_outcomes: OrderedDict[str, str] = OrderedDict()
        self.print_deadline: float | None = None
        self.home_deadline: float | None = None
        self._notices_fetched = False
        self._settings_pending = False
        self._message_handlers = self._hall_message_handlers()
        self._wire()

    # ------------------------------------------------------------------ wiring
    def _wire(self) -> None:
        w = self.window
        self.events.message_received.connect(self._on_message_received)
        self.events.connection_lost.connect(self._on_connection_lost)
        self.events.connection_restored.connect(self._on_connection_restored)
        self.idle.timed_out.connect(self._on_idle_timed_out)
        w.ticked.connect(self._on_ticked)
        w.admin_requested.connect(self._on_admin_requested)
        w.screen_changed.connect(self._on_screen_changed)
        h = w.header
        h.lang_toggle.clicked.connect(self._on_language_toggled)
        h.large_toggle.toggled.connect(self._on_large_type_toggled)
        h.voice_toggle.toggled.connect(self._on_voice_toggled)
        w.home.service_chosen.connect(self._on_service_chosen)
        w.home.bills_requested.connect(self._on_bills_requested)
        w.home.green_requested.connect(self._on_green_requested)
        w.home.card_forgotten.connect(self._on_card_forgotten)
        w.identify.account_requested.connect(self._on_account_requested)
        w.identify.skip_requested.connect(self._on_skip_requested)
        w.account.submitted.connect(self._on_account_submitted)
        w.pin.submitted.connect(self._on_pin_submitted)
        w.green.category_chosen.connect(self._on_green_category_chosen)
        w.services.service_chosen.connect(self._on_green_service_chosen)
        w.offer.accepted.connect(self._on_offer_accepted)
        w.offer.declined.connect(self._on_offer_declined)
        w.ticket.done_button.clicked.connect(self.go_home)
        w.accounts.account_chosen.connect(self._on_account_chosen)
        w.bill.print_requested.connect(self._on_print_requested)
        w.bill.pay_requested.connect(self._on_pay_requested)
        w.message.action_requested.connect(self._on_message_action)
        w.admin.refresh_requested.connect(self._on_admin_refresh)
        w.admin.exit_requested.connect(self._on_admin_exit)
        for screen in w.screens.values():
            if screen.home_button is not None:
                screen.home_button.clicked.connect(self.go_home)
            if screen.back_button is not None:
                screen.back_button.clicked.connect(
                    lambda _=False, name=screen.NAME: self._on_back(name)
                )

    def start(self) -> None:
        self.window.show_screen("home")
        self.events.start()
        self._fetch_settings()

    def stop(self) -> None:
        self.events.stop()
        self.client.close()

    # ------------------------------------------------------------------ daemon
    def _fetch_settings(self) -> None:
        if not self._settings_pending:
            self._settings_pending = True
            self.client.request("GET", "/lobby", on_reply=self._on_settings_reply, keep=True)

    def _on_settings_reply(self, reply: ApiReply) -> None:
        self._settings_pending = False
        if not reply.ok:
            log.warning("lobby settings not available (%s)", reply.error_code)
            return
        first = self.settings is None
        self.settings = reply.body
        s = reply.body
        self.window.set_hall_names(s["hall"]["name"], s["hall"]["name_en"])
        self.idle.timeout_s = float(s["idle_timeout_s"])
        self.window.green.elderly_age = int(s["elderly_age"])
        self.window.green.retranslate()
        if self.window.orientation != s["orientation"] and s["orientation"] != "auto":
            self.window.set_orientation(s["orientation"])
        if first:
            self._apply_defaults()
        self.settings_loaded.emit(s)

    def _apply_defaults(self) -> None:
        """The look a new customer finds: Chinese, and the configured type size and voice."""
        s = self.settings or {}
        self.set_language("zh_CN")
        self.window.set_large_type(bool(s.get("large_type", False)))
        self.window.header.voice_toggle.setChecked(bool(s.get("voice_guidance", False)))

    def _fetch_notices(self) -> None:
        self.client.request("GET", "/notices", on_reply=self._on_notices_reply, keep=True)

    def _on_notices_reply(self, reply: ApiReply) -> None:
        if reply.status == 404:
            return  # no notices route in this daemon: notice.changed events only
        if not reply.ok:
            return
        body = reply.body
        items = body.get("notices", []) if isinstance(body, dict) else body
        notices: dict[str, str] = {}
        for n in items or []:
            if isinstance(n, dict) and not n.get("withdrawn"):
                key = str(n.get("id") or n.get("notice") or n.get("title"))
                notices[key] = self._notice_title(n)
        self.notices = notices
        self._show_notices()

    @staticmethod
    def _notice_title(n: dict[str, Any]) -> str:
        title = str(n.get("title", "")).strip()
        area = str(n.get("area", "")).strip()
        return f"{title}（{area}）" if area else title

    def _show_notices(self) -> None:
        self.window.home.set_notices([t for t in self.notices.values() if t])

    @Slot(dict)
    def _on_message_received(self, msg: dict[str, Any]) -> None:
        handler = self._message_handlers.get(msg.get("type", ""))
        if handler is not None:
            handler(msg)

    def _hall_message_handlers(self) -> dict[str, Callable[[dict[str, Any]], None]]:
        """What the lobby does with each message the hall daemon pushes (others: nothing)."""
        return {
            "hello": self._on_hello,
            "queue.changed": self._on_queue_changed,
            "ticket.printed": self._on_print_event,
            "ticket.print_failed": self._on_print_event,
            "id_card.read": self._on_card_read,
            "id_card.error": self._on_card_error,
            "notice.changed": self._on_notice_changed,
            "device.fault": self._on_device_changed,
            "device.recovered": self._on_device_changed,
            "hall.reconfigured": self._on_hall_reconfigured,
        }

    def _on_hello(self, msg: dict[str, Any]) -> None:
        """Connected (again): the whole queue, and what the lobby still lacks."""
        self._on_queue_changed(msg)
        if self.settings is None:
            self._fetch_settings()
        if not self._notices_fetched:
            self._notices_fetched = True
            self._fetch_notices()

    def _on_queue_changed(self, msg: dict[str, Any]) -> None:
        queue = msg.get("queue", msg)
        self._set_queue(queue.get("services", []))

    def _on_card_read(self, msg: dict[str, Any]) -> None:
        self._on_card(IdCardRead.from_message(msg))

    def _on_card_error(self, msg: dict[str, Any]) -> None:
        if self.window.current == "identify":
            self.window.identify.set_status("read_failed")

    def _on_notice_changed(self, msg: dict[str, Any]) -> None:
        key = str(msg.get("notice", ""))
        if msg.get("withdrawn"):
            self.notices.pop(key, None)
        else:
            self.notices[key] = self._notice_title(msg)
        self._show_notices()
        self._fetch_notices()  # the whole list (areas, end times) where the daemon has it

    def _on_device_changed(self, msg: dict[str, Any]) -> None:
        if self.window.current == "admin":
            self._on_admin_refresh()

    def _on_hall_reconfigured(self, msg: dict[str, Any]) -> None:
        self._fetch_settings()

    def _set_queue(self, services: list[dict[str, Any]]) -> None:
        self.queue_services = services
        self.window.home.set_services(services)
        self.window.services.set_services(services)

    @Slot()
    def _on_connection_lost(self) -> None:
        log.warning("hall daemon unreachable: showing maintenance")
        self.window.set_maintenance(True)

    @Slot()
    def _on_connection_restored(self) -> None:
        log.info("hall daemon back")
        self.window.set_maintenance(False)
        self._notices_fetched = False
        self._fetch_settings()

    # -------------------------------------------------------------- navigation
    def show(self, name: str) -> None:
        self.window.show_screen(name)

    @Slot()
    def go_home(self) -> None:
        """Home, and every personal datum of the flow dropped (also what screens show)."""
        self.client.drop_pending()
        self.flow.clear()
        self.issuing = False
        self.print_deadline = self.home_deadline = None
        for screen in self.window.screens.values():
            screen.clear()
        self.show("home")
        self.flow_reset.emit()

    @Slot()
    def _on_idle_timed_out(self) -> None:
        untouched = (
            self.window.current == "home"
            and not self.flow.has_personal_data()
            and self.languages.current == "zh_CN"
            and self.window.large_type == bool((self.settings or {}).get("large_type"))
        )
        if untouched:
            return  # nothing to clear: leave the home screen as it is
        log.info("idle: back home, customer data cleared")
        self.go_home()
        self._apply_defaults()

    def _on_back(self, name: str) -> None:
        f = self.flow
        if name == "identify":
            if f.purpose == "green":
                self.show("services")
            else:
                self.go_home()
        elif name == "account":
            self._show_identify()
        elif name == "pin":
            self.go_home()
        elif name == "services":
            self.show("green")
        elif name == "accounts":
            self._show_identify()
        elif name == "bill":
            self.window.bill.set_status("")
            if len(f.accounts) > 1:
                self.show("accounts")
            else:
                self._show_identify()
        elif name == "pay":
            self.show("bill")
        else:
            self.go_home()

    @Slot(str)
    def _on_screen_changed(self, name: str) -> None:
        if name != "ticket":
            self.speak_guidance()

    # -------------------------------------------------------------- the header
    @Slot()
    def _on_language_toggled(self) -> None:
        self.set_language("en" if self.languages.current == "zh_CN" else "zh_CN")
        self.speak_guidance()

    def set_language(self, lang: str) -> None:
        self.languages.set_language(lang)
        self.client.set_language(lang)
        self.window.set_language(self.languages.current)
        if self.window.current == "admin":
            self._on_admin_refresh()  # the devices' words come from the daemon, in a language

    @Slot(bool)
    def _on_large_type_toggled(self, on: bool) -> None:
        if on != self.window.large_type:
            self.window.set_large_type(on)

    @Slot(bool)
    def _on_voice_toggled(self, on: bool) -> None:
        self.voice_on = on
        if on:
            self.speak_guidance()

    def speak_guidance(self, key: str | None = None) -> None:
        """Read the current screen's instruction aloud through the hall's voice."""
        if not self.voice_on:
            return
        screen = self.window.screens.get(self.window.current)
        if screen is None:
            return
        lang = "en" if tx.is_english(self.languages.current) else "zh"
        key = key or screen.GUIDANCE_KEY
        if key is not None:
            body: dict[str, Any] = {"key": key, "lang": lang}
        else:
            text = screen.guidance_text().strip()
            if not text:
                return
            body = {"text": text[:300], "lang": lang}
        self.client.post("/voice/guidance", body)

    # ------------------------------------------------------------------ ticket
    def _service(self, code: str | None) -> dict[str, Any]:
        return next((s for s in self.queue_services if s["service"] == code), {})

    def _service_title(self) -> str:
        s = self._service(self.flow.service)
        return f"{s['service']}  {tx.service_name(s, self.languages.current)}" if s else ""

    def _ask_identification(self) -> bool:
        return bool((self.settings or {}).get("ask_identification", True))

    def _elderly_offer(self) -> bool:
        return bool((self.settings or {}).get("elderly_offer", True))

    def _elderly_age(self) -> int:
        return int((self.settings or {}).get("elderly_age", 70))

    @Slot(str)
    def _on_service_chosen(self, code: str) -> None:
        card = self.flow.id_card  # read on the home screen: this ticket is identified
        self.flow.start("ticket")
        self.flow.service = code
        self.flow.id_card = card
        if card is not None or not self._ask_identification():
            self.issue_ticket()
        else:
            self._show_identify()

    def _show_identify(self) -> None:
        f = self.flow
        w = self.window.identify
        if f.purpose == "bills":
            w.configure("bills", "", allow_account=True, allow_skip=False)
        elif f.purpose == "green" and f.priority == "elderly":
            w.configure("green", self._service_title(), allow_account=False, allow_skip=False)
        else:
            w.configure("ticket", self._service_title(), allow_account=True, allow_skip=True)
        self.show("identify")

    @Slot()
    def _on_skip_requested(self) -> None:
        self.issue_ticket()

    @Slot()
    def _on_account_requested(self) -> None:
        self.window.account.configure("bills" if self.flow.purpose == "bills" else "ticket")
        self.show("account")

    @Slot(str)
    def _on_account_submitted(self, digits: str) -> None:
        self.flow.account = digits
        if self.flow.purpose == "bills":
            self.flow.accounts = []
            self._fetch_bill(digits)
        else:
            self.issue_ticket()

    def issue_ticket(self) -> None:
        if self.issuing or not self.flow.service or self.flow.ticket is not None:
            return  # one ticket per flow, however many fingers
        self.issuing = True
        body = self.flow.ticket_request()
        # The ticket request carries the ID number once; the flow needs it no longer.
        self.flow.forget_personal()
        self.client.post("/tickets", body, on_reply=self._on_ticket_issued)

    def _on_ticket_issued(self, reply: ApiReply) -> None:
        self.issuing = False
        if not reply.ok:
            self._show_error(reply)
            return
        ticket = reply.body
        self.flow.ticket = ticket
        hall_id = (self.settings or {}).get("hall", {}).get("id", "")
        w = self.window.ticket
        w.show_ticket(ticket, f"{hall_id}/{ticket['id']}" if hall_id else ticket["id"])
        self.show("ticket")
        self.ticket_shown.emit(ticket)
        now = self.window.monotonic()
        if not (self.settings or {}).get("printer", True):
            self._print_outcome("no_printer")
            return
        outcome = self.print_outcomes.get(ticket["id"])
        if outcome is not None:
            self._print_outcome(outcome)
        else:
            self.print_deadline = now + PRINT_TIMEOUT_S

    def _on_print_event(self, msg: dict[str, Any]) -> None:
        ticket_id = str(msg.get("ticket", ""))
        outcome = "printed" if msg["type"] == "ticket.printed" else "failed"
        self.print_outcomes[ticket_id] = outcome
        while len(self.print_outcomes) > 50:
            self.print_outcomes.popitem(last=False)
        current = self.flow.ticket
        if current is not None and current["id"] == ticket_id and self.print_deadline is not None:
            self._print_outcome(outcome)

    def _print_outcome(self, outcome: str) -> None:
        self.print_deadline = None
        w = self.window.ticket
        w.set_print_state(outcome)
        seconds = float((self.settings or {}).get("ticket_screen_s", 10))
        if outcome != "printed":
            seconds *= 3  # time to note the number or take a photo
        self.home_deadline = self.window.monotonic() + seconds
        w.set_countdown(math.ceil(seconds))
        self.print_outcome_shown.emit(outcome)
        self.speak_guidance(w.guidance_key())

    @Slot()
    def _on_ticked(self) -> None:
        now = self.window.monotonic()
        self.idle.check()
        if self.print_deadline is not None and now >= self.print_deadline:
            log.warning(
                "no print outcome in %.0f s: the ticket is shown on screen", PRINT_TIMEOUT_S
            )
            self._print_outcome("failed")
        if self.home_deadline is not None and self.window.current == "ticket":
            left = self.home_deadline - now
            if left <= 0:
                self.go_home()
            else:
                self.window.ticket.set_countdown(math.ceil(left))

    # -------------------------------------------------------------- the ID card
    def _on_card(self, card: IdCardRead) -> None:
        current = self.window.current
        f = self.flow
        if current == "identify":
            if f.purpose == "bills":
                self._lookup_by_card(card)
            elif f.purpose == "green" and f.priority == "elderly":
                f.id_card = card
                if card.elderly:
                    self.issue_ticket()
                else:
                    self.window.message.show_message(
                        "not_elderly",
                        tx_not_elderly(self._elderly_age()),
                        "ordinary_ticket",
                    )
                    self.show("message")
            else:
                f.id_card = card
                if card.elderly and self._elderly_offer() and f.priority is None:
                    self._offer_green(card)
                else:
                    self.issue_ticket()
        elif current == "home":
            f.start("ticket")
            f.id_card = card
            if card.elderly and self._elderly_offer():
                self._offer_green(card)
            else:
                self.window.home.show_card(card.name_masked)
        # Anywhere else the card is not needed: it is not kept.

    def _offer_green(self, card: IdCardRead) -> None:
        self.window.offer.set_customer(card.name_masked, self._elderly_age())
        self.show("offer")

    @Slot()
    def _on_offer_accepted(self) -> None:
        self.flow.priority = "elderly"
        if self.flow.service:
            self.issue_ticket()
        else:
            self.flow.purpose = "green"
            self.show("services")

    @Slot()
    def _on_offer_declined(self) -> None:
        if self.flow.service:
            self.issue_ticket()
        else:
            card = self.flow.id_card
            self.show("home")
            if card is not None:
                self.window.home.show_card(card.name_masked)

    @Slot()
    def _on_card_forgotten(self) -> None:
        self.go_home()

    # ----------------------------------------------------------- green channel
    @Slot()
    def _on_green_requested(self) -> None:
        card = self.flow.id_card
        self.flow.start("green")
        self.flow.id_card = card
        self.show("green")

    @Slot(str)
    def _on_green_category_chosen(self, category: str) -> None:
        self.flow.purpose = "green"
        self.flow.priority = category
        self.show("services")

    @Slot(str)
    def _on_green_service_chosen(self, code: str) -> None:
        f = self.flow
        f.service = code
        if f.priority is None:
            f.priority = "elderly"
        card = f.id_card
        if f.priority == "elderly":
            if card is not None and card.elderly:
                self.issue_ticket()
            else:
                f.id_card = None
                self._show_identify()
        elif card is not None or not self._ask_identification():
            self.issue_ticket()
        else:
            f.purpose = "ticket"  # identification optional, as for any ticket
            self._show_identify()

    # ------------------------------------------------------------------- bills
    @Slot()
    def _on_bills_requested(self) -> None:
        card = self.flow.id_card
        self.flow.start("bills")
        if card is not None:
            self._lookup_by_card(card)
        else:
            self._show_identify()

    def _lookup_by_card(self, card: IdCardRead) -> None:
        self.flow.id_card = None  # sent once, then dropped
        self.show("wait")
        self.client.post(
            "/bills/lookup", {"id_number": card.id_number}, on_reply=self._on_accounts_found
        )

    def _on_accounts_found(self, reply: ApiReply) -> None:
        if not reply.ok:
            self._show_error(reply, action="enter_account")
            return
        accounts = reply.body["accounts"]
        self.flow.accounts = accounts
        if not accounts:
            self.window.message.show_message("no_accounts", "no_accounts", "enter_account")
            self.show("message")
        elif len(accounts) == 1:
            self._fetch_bill(accounts[0]["account"])
        else:
            self.window.accounts.set_accounts(accounts)
            self.show("accounts")

    @Slot(str)
    def _on_account_chosen(self, account: str) -> None:
        self._fetch_bill(account)

    def _fetch_bill(self, account: str) -> None:
        self.flow.account = account
        self.show("wait")
        self.client.get(f"/bills/{account}", on_reply=self._on_bill)

    def _on_bill(self, reply: ApiReply) -> None:
        if not reply.ok:
            self._show_error(reply, action="retry_account")
            return
        bill = dict(reply.body)
        match = next((a for a in self.flow.accounts if a["account"] == bill["account"]), None)
        bill["account_masked"] = match["account_masked"] if match else mask_account(bill["account"])
        self.flow.bill = bill
        self.window.bill.set_bill(bill)
        self.show("bill")

    @Slot()
    def _on_print_requested(self) -> None:
        bill = self.flow.bill
        if bill is None:
            return
        self.window.bill.set_status("printing")
        self.client.post(
            f"/bills/{bill['account']}/print",
            on_reply=self._on_statement_printed,
            timeout_s=STATEMENT_TIMEOUT_S,
        )

    def _on_statement_printed(self, reply: ApiReply) -> None:
        if reply.ok and reply.body.get("printed"):
            self.window.bill.set_status("printed")
        elif reply.ok:
            self.window.bill.set_status(
                "print_failed",
                _reason(reply.body.get("reason") or "", tx.is_english(self.languages.current)),
            )
        else:
            self.window.bill.set_status("print_failed", reply.error_message or tx_unreachable())

    @Slot()
    def _on_pay_requested(self) -> None:
        bill = self.flow.bill
        if bill is None or not bill.get("pay_url"):
            return
        self.window.pay.show_payment(bill["pay_url"], float(bill["balance"]))
        self.show("pay")

    # ------------------------------------------------------------------ errors
    def _show_error(self, reply: ApiReply, action: str = "") -> None:
        m = self.window.message
        if not reply.reached:
            m.show_message("unreachable", "unreachable")
        elif reply.error_code in ("unknown_account", "invalid_account"):
            m.show_message("not_found", reply.error_message, action or "retry_account")
        else:
            m.show_message("error", reply.error_message, action)
        self.show("message")

    @Slot()
    def _on_message_action(self) -> None:
        action = self.window.message._action
        if action in ("retry_account", "enter_account"):
            self.flow.purpose = self.flow.purpose or "bills"
            self.window.account.configure("bills" if self.flow.purpose == "bills" else "ticket")
            self.show("account")
        elif action == "ordinary_ticket":
            self.flow.priority = None
            self.issue_ticket()

    # ------------------------------------------------------------------- admin
    @Slot()
    def _on_admin_requested(self) -> None:
        self.go_home()
        self.flow.start("admin")
        self.window.pin.configure("admin")
        self.show("pin")

    @Slot(str)
    def _on_pin_submitted(self, pin: str) -> None:
        self.window.pin.clear()
        self.client.post("/lobby/admin/unlock", {"pin": pin}, on_reply=self._on_unlock_reply)

    def _on_unlock_reply(self, reply: ApiReply) -> None:
        if reply.ok:
            self.show("admin")
            self._on_admin_refresh()
        elif not reply.reached:
            self.window.pin.set_status(tx_unreachable())
        else:
            self.window.pin.set_status(reply.error_message)

    @Slot()
    def _on_admin_refresh(self) -> None:
        self.client.request("GET", "/devices", on_reply=self._on_devices, keep=True)

    def _on_devices(self, reply: ApiReply) -> None:
        if reply.ok and self.window.current == "admin":
            self.window.admin.set_devices(reply.body, self.client.base_url)

    @Slot()
    def _on_admin_exit(self) -> None:
        log.info("admin panel: exit")
        self.window.allow_exit()
        self.window.exit_requested.emit()


def tx_not_elderly(age: int) -> str:
    from ui.qt.core import QCoreApplication

    return QCoreApplication.translate(
        "Lobby", "绿色通道（老年人）需年满%1岁。您可以普通取号，也可以到服务台咨询"
    ).replace("%1", str(age))


def tx_unreachable() -> str:
    from ui.qt.core import QCoreApplication

    return QCoreApplication.translate("Lobby", "系统暂时无法连接，请稍后再试，或到服务台咨询")


def _reason(reason: str, english: bool) -> str:
    """The printer's reason is ``中文 (english: what to do)``: the customer gets the part in
    their language, without the technician's instructions."""
    zh, _, en = reason.partition(" (")
    en = en.rstrip(")").split(":")[0].strip()
    return (en or zh) if english else zh
