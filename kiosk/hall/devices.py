"""The hall's devices, wired to the hall: part of the composition root.

Each configured device gets its driver (a worker thread of its own); the hall's committed
events drive the outputs (window screens, the voice, the printer) and the inputs (caller
pads, evaluators, the ID-card reader) call the hall like any API client. Nothing here blocks
the hall: drivers' public methods only queue work. A device that goes away is recorded as a
``device.fault`` event and comes back by itself (``device.recovered``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from drivers import device_states
from kiosk.config import HallConfig
from kiosk.hall.bus import Published
from kiosk.hall.service import Hall
from kiosk.hall.views import TicketView
from kiosk.queue import QueueError
from kiosk.queue import events as ev

log = logging.getLogger("kiosk.devices")


@dataclass
class DeviceState:
    name: str  # printer | idcard | hallbus | hallbus:3 | voice
    kind: str
    url: str
    ok: bool = True
    detail: str = ""
    state: str = "ok"  # a key of drivers.device_states.STATES for this kind of device


class HallDevices:
    """Builds, wires, starts and stops the configured devices of one hall."""

    def __init__(self, config: HallConfig, hall: Hall, *, voice_cache: Path | None = None) -> None:
        self.config = config
        self.hall = hall
        self.states: dict[str, DeviceState] = {}
        self._lock = threading.Lock()
        self._pending_evaluation: dict[int, str] = {}  # counter -> ticket being rated
        self._pad_states: dict[int, tuple[int, str]] = {}  # last PAD_STATE sent per counter
        # Pad states come from the durable queue snapshot, which may wait for a commit: taken
        # on a worker of their own, never in the hall's publishing thread; a burst of
        # changes coalesces into one snapshot.
        self._pads_worker: ThreadPoolExecutor | None = None
        self._pending_pads: Published | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.printer: Any = None
        self.idcard: Any = None
        self.hallbus: Any = None
        self.voice: Any = None
        self._voice_cache = voice_cache
        # Called with (number, counter) when the voice starts a call: for benches and tests.
        self.voice_started_listeners: list[Callable[[str, int], None]] = []
        self._services = list(hall.rules.services)

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> None:
        cfg = self.config
        if cfg.printer.url:
            self._start_printer()
        if cfg.idcard.url:
            self._start_idcard()
        if cfg.hallbus.url:
            self._start_hallbus()
            self._pads_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pad-states")
        if cfg.voice.enabled:
            self._start_voice()
        self._unsubscribe = self.hall.bus.subscribe(self._on_hall_event)

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._pads_worker is not None:
            self._pads_worker.shutdown(wait=True, cancel_futures=True)
            self._pads_worker = None
        for name, stop in (
            ("voice", lambda d: d.stop()),
            ("hallbus", lambda d: d.stop()),
            ("idcard", lambda d: d.stop()),
            ("printer", lambda d: d.close()),
        ):
            device = getattr(self, name)
            if device is not None:
                try:
                    stop(device)
                except Exception:
                    log.exception("stopping %s failed", name)
                setattr(self, name, None)

    def snapshot(self, *, english: bool = False) -> list[dict[str, Any]]:
        """One entry per device, in the words of the device-state table (Chinese, or
        English): each hall-bus address right after the bus (kiosk/hall/device_list.py)."""
        from kiosk.hall.device_list import device_entries

        with self._lock:
            states = [DeviceState(**vars(s)) for s in self.states.values()]
        return device_entries(self, states, english=english)

    # ---------------------------------------------------------- fault tracking

    def _register(self, name: str, kind: str, url: str) -> None:
        with self._lock:
            self.states[name] = DeviceState(name, kind, url)

    def _fault(self, name: str, message: str) -> None:
        with self._lock:
            state = self.states[name]
            was_ok = state.ok
            state.ok, state.detail = False, message
        if was_ok:
            log.warning("%s: %s", name, message)
            self._record(name, message)

    def _recovered(self, name: str) -> None:
        with self._lock:
            state = self.states[name]
            was_ok = state.ok
            state.ok, state.detail = True, ""
        if not was_ok:
            log.info("%s recovered", name)
            self._record(name, None)

    def _record(self, name: str, message: str | None) -> None:
        try:
            self.hall.record_device(name, message)
        except Exception:
            log.exception("could not record the state of %s", name)

    # ------------------------------------------------------------------ printer

    def _start_printer(self) -> None:
        from drivers.printer import PrinterSettings, TicketPrinter

        cfg = self.config.printer
        self._register("printer", "ESC/POS ticket printer", cfg.url)
        self.printer = TicketPrinter(
            PrinterSettings(url=cfg.url, baudrate=cfg.baudrate, dsrdtr=cfg.dsrdtr),
            on_status_changed=self._on_printer_changed,
            on_fault=self._on_printer_changed,
            on_recovered=self._on_printer_changed,
        )
        self.printer.start()

    def _on_printer_changed(self, *_: Any) -> None:
        """The printer has one state (its fault, else its paper: a roll running low still
        prints, but staff should change it): every change of it is an event, a fault or
        a warning (``device.fault``) or back to normal (``device.recovered``)."""
        from kiosk.hall.device_list import printer_state

        printer = self.printer
        key = printer_state(printer) if printer is not None else None
        if key is None:
            return  # not read yet
        ok, message = device_states.ok_and_message("printer", key)
        with self._lock:
            state = self.states["printer"]
            before, state.state = state.state, key
            state.ok, state.detail = ok, message
        if key != before:
            log.log(logging.INFO if key == "ok" else logging.WARNING, "printer: %s", key)
            self._record("printer", message or None)

    def ticket_content(self, view: TicketView) -> Any:
        from datetime import datetime

        from drivers.printer import TicketContent

        est = view.estimated_wait_s
        return TicketContent(
            hall_name=self.config.hall.name,
            service_name=view.service_name,
            number=view.number,
            ahead=view.ahead or 0,
            estimated_wait_min=None if est is None else max(1, round(est / 60)) if est else 0,
            counters_text="、".join(str(c) for c in view.counters) + "号窗口",
            qr_payload=f"{self.config.hall.id}/{view.id}",
            issued_at=datetime.fromisoformat(view.issued_at),
            paper_width=80 if self.config.printer.paper_width == 80 else 58,
        )

    def _print_ticket(self, ticket_id: str) -> None:
        view = self.hall.ticket_view(ticket_id)
        content = self.ticket_content(view)

        def done(result: Any) -> None:
            now = self.hall.clock.now()
            if result.ok:
                event: ev.Event = ev.TicketPrinted(
                    at=now, ticket=ticket_id, bytes=result.bytes_written
                )
            else:
                event = ev.TicketPrintFailed(
                    at=now, ticket=ticket_id, reason=result.reason or "打印失败"
                )
            try:
                self.hall.record([event])
            except Exception:
                log.exception("could not record the print outcome of %s", ticket_id)

        self.printer.submit(content, on_done=done)

    def print_sample(self, timeout_s: float = 15.0) -> dict[str, Any]:
        """A sample ticket, printed now: the technician's check of paper, cutter and QR."""
        result = self.printer.submit(sample_ticket(self.config)).result(timeout=timeout_s)
        return print_result_dict(result)

    # ------------------------------------------------------------------- ID card

    def _start_idcard(self) -> None:
        from drivers.idcard import IdCardReader, IdCardSettings

        cfg = self.config.idcard
        self._register("idcard", "GA 467 ID-card reader", cfg.url)
        self.idcard = IdCardReader(
            IdCardSettings(url=cfg.url, baudrate=cfg.baudrate),
            on_card=self._on_card,
            on_error=self._on_card_error,
            on_fault=lambda message: self._fault("idcard", message),
            on_recovered=lambda: self._recovered("idcard"),
        )
        self.idcard.start()

    def _kiosk_audience(self) -> frozenset[str]:
        return frozenset({f"kiosk:{self.config.idcard.kiosk}"})

    def _on_card(self, card: Any) -> None:
        """A card was read: only the kiosk the reader belongs to hears of it. Never stored."""
        today: date = self.hall.clock.now().date()
        age = card.age(today)
        message = {
            "type": "id_card.read",
            "at": self.hall.clock.now().isoformat(),
            "id_number": card.id_number,
            "name": card.name,
            "id_masked": card.masked_id(),
            "name_masked": card.masked_name(),
            "age": age,
            "elderly": age >= self.hall.rules.elderly_age,
            "expired": card.is_expired(today),
        }
        self.hall.bus.publish(Published("id_card.read", message, self._kiosk_audience()))

    def _on_card_error(self, message: str) -> None:
        self.hall.bus.publish(
            Published(
                "id_card.error",
                {
                    "type": "id_card.error",
                    "at": self.hall.clock.now().isoformat(),
                    "message": message,
                },
                self._kiosk_audience(),
            )
        )

    # ------------------------------------------------------------------ hall bus

    def _start_hallbus(self) -> None:
        from drivers.hallbus import BusDevice, DeviceRole, HallBusMaster
        from drivers.transport import PortSettings

        cfg = self.config.hallbus
        self._register("hallbus", "RS-485 hall bus", cfg.url)
        self.hallbus = HallBusMaster(
            PortSettings(url=cfg.url, baudrate=cfg.baudrate),
            [BusDevice(d.address, DeviceRole(d.role), d.counter) for d in cfg.devices],
            on_key=self._on_key,
            on_score=self._on_score,
            on_fault=self._on_bus_fault,
            on_recovered=self._on_bus_recovered,
            on_frame=self._on_frame,
        )
        self.hallbus.start()

    def _on_bus_fault(self, address: int, message: str) -> None:
        if address == 0:
            self._fault("hallbus", message)
        else:
            self._record(f"hallbus:{address}", message)

    def _on_bus_recovered(self, address: int) -> None:
        if address == 0:
            self._recovered("hallbus")
        else:
            self._record(f"hallbus:{address}", None)

    def _on_frame(self, direction: Any, address: int, frame: Any) -> None:
        self.hall.bus.publish(
            Published(
                "device.frame",
                {
                    "type": "device.frame",
                    "at": self.hall.clock.now().isoformat(),
                    "device": "hallbus",
                    "direction": str(direction),
                    "address": address,
                    "frame": repr(frame),
                },
                frozenset({"manager"}),
            )
        )

    # A caller-pad key → the hall operation the soft caller's button makes.
    _PAD_ACTIONS: ClassVar[dict[str, str]] = {
        "RECALL": "recall",
        "NO_SHOW": "no-show",
        "START": "start",
        "DONE": "done",
        "EVALUATE": "evaluate",
        "PAUSE_TOGGLE": "pause-toggle",
    }

    def _on_key(self, counter: int, address: int, event: Any) -> None:
        """A caller-pad key: the same operation the soft caller's button makes. A refusal
        (paused counter, nothing to finish) is logged and changes nothing."""
        from drivers.hallbus.codec import EventKind

        kind = event.kind
        try:
            if kind == EventKind.CALL_NEXT:
                self.hall.call_next(counter)
            elif kind == EventKind.TRANSFER:
                self._on_transfer_key(counter, address, event.transfer)
            elif kind.name in self._PAD_ACTIONS:
                self.hall.counter_action(counter, self._PAD_ACTIONS[kind.name])
            else:
                log.info("pad %d sent key kind %s, not a pad key", address, kind)
        except QueueError as exc:
            log.info("pad %d of counter %d: %s", address, counter, exc.message)

    def _on_transfer_key(self, counter: int, address: int, target: Any) -> None:
        from drivers.hallbus.codec import TransferTarget

        if target is None:
            log.info("pad %d: a transfer with an unreadable target, ignored", address)
        elif target.target != TransferTarget.SERVICE:
            self.hall.counter_action(counter, "transfer", to_counter=target.number)
        elif not 1 <= target.number <= len(self._services):
            # Services are numbered from 1 in the order of the config file.
            log.info("pad %d: transfer to service #%d, no such service", address, target.number)
        else:
            service = self._services[target.number - 1]
            self.hall.counter_action(counter, "transfer", to_service=service)

    def _on_score(self, counter: int, address: int, score: Any) -> None:
        with self._lock:
            ticket = self._pending_evaluation.pop(counter, None)
        if ticket is None:
            log.info("evaluator %d answered with no rating asked for", address)
            return
        try:
            self.hall.evaluate(ticket, int(score), source="evaluator")
        except QueueError as exc:
            log.info("evaluator %d: %s", address, exc.message)

    # --------------------------------------------------------------------- voice

    def _start_voice(self) -> None:
        from drivers.voice import Announcer, VoiceConfig

        v = self.config.voice
        kwargs: dict[str, Any] = {
            "enabled": True,
            "voice": v.voice or None,
            "english": v.english,
            "rate": v.rate,
            "repeat": v.repeat,
            "player": tuple(v.player),
        }
        if self._voice_cache is not None:
            kwargs["cache_dir"] = self._voice_cache
        self._register("voice", "Mandarin voice (pyttsx3 + espeak-ng)", " ".join(v.player))
        self.voice = Announcer(
            VoiceConfig(**kwargs),
            on_started=self._on_voice_started,
            on_fault=lambda message: self._fault("voice", message),
            on_recovered=lambda: self._recovered("voice"),
        )
        self.voice.start()

    def _on_voice_started(self, announcement: Any) -> None:
        number = getattr(announcement, "number", None)
        counter = getattr(announcement, "counter", None)
        for listener in list(self.voice_started_listeners):
            listener(str(number), int(counter or 0))

    def evaluator_online(self, counter: int) -> bool:
        """Whether a hall-bus evaluator of ``counter`` may answer a rating request. Unknown
        (not polled yet) counts as there; only an evaluator known to be offline hands the
        rating to the soft caller's touch prompt."""
        addresses = {
            d.address
            for d in self.config.hallbus.devices
            if d.role == "evaluator" and d.counter == counter
        }
        if not addresses or self.hallbus is None:
            return False
        states = {s["name"]: s for s in self.snapshot()}
        return any(
            states.get(f"hallbus:{a}", {}).get("detail", "offline") != "offline" for a in addresses
        )

    # ------------------------------------------------------ hall events → devices

    def _on_hall_event(self, item: Published) -> None:
        handler = self._EVENT_HANDLERS.get(item.type)
        if handler is not None:
            handler(self, item)

    def _on_issued(self, item: Published) -> None:
        m = item.message
        if self.printer is not None:
            self._print_ticket(m["ticket"])

    def _on_called(self, item: Published) -> None:
        m = item.message
        if self.hallbus is not None:
            self.hallbus.show_call(m["counter"], m["number"])
        if self.voice is not None:
            self.voice.announce_call(m["number"], m["counter"])

    def _on_paused(self, item: Published) -> None:
        m = item.message
        if self.hallbus is not None:
            self.hallbus.show_paused(m["counter"])

    def _on_resumed(self, item: Published) -> None:
        m = item.message
        if self.hallbus is not None:
            self.hallbus.clear(m["counter"])

    def _on_evaluation_requested(self, item: Published) -> None:
        m = item.message
        with self._lock:
            self._pending_evaluation[m["counter"]] = m["ticket"]
        if self.hallbus is not None:
            self.hallbus.eval_start(m["counter"], m["number"])

    def _on_queue_changed(self, item: Published) -> None:
        """Pad states come from the durable snapshot the hall attached to the message: taken
        on the pads' worker, a burst of changes coalesced into one."""
        if self._pads_worker is None:
            return
        with self._lock:
            first = self._pending_pads is None
            self._pending_pads = item
        if first:
            with contextlib.suppress(RuntimeError):  # stopping
                self._pads_worker.submit(self._refresh_pads)

    def _refresh_pads(self) -> None:
        """On the pads' worker: the durable queue snapshot (what leaves the process shows
        only what is on disk), then only what changed goes on the bus: every frame delays
        the next call's SHOW."""
        with self._lock:
            item, self._pending_pads = self._pending_pads, None
        hallbus = self.hallbus
        if item is None or hallbus is None:
            return
        view = item.snapshot() if item.snapshot is not None else self.hall.queue_view().to_dict()
        for c in view["counters"]:
            state = (c["waiting"], c["current"]["number"] if c["current"] else "")
            if self._pad_states.get(c["counter"]) != state:
                self._pad_states[c["counter"]] = state
                hallbus.pad_state(c["counter"], *state)

    _EVENT_HANDLERS: ClassVar[dict[str, Callable[[HallDevices, Published], None]]] = {
        ev.TicketIssued.TYPE: _on_issued,
        ev.TicketCalled.TYPE: _on_called,
        ev.TicketRecalled.TYPE: _on_called,
        ev.CounterPaused.TYPE: _on_paused,
        ev.CounterResumed.TYPE: _on_resumed,
        ev.EvaluationRequested.TYPE: _on_evaluation_requested,
        "queue.changed": _on_queue_changed,
    }


def sample_ticket(config: HallConfig) -> Any:
    """The ticket ``kiosk print-test`` prints: every element of a real one."""
    from datetime import datetime

    from drivers.printer import TicketContent

    return TicketContent(
        hall_name=config.hall.name,
        service_name="打印测试",
        number="T000",
        ahead=0,
        estimated_wait_min=0,
        counters_text="1号窗口",
        qr_payload=f"{config.hall.id}/print-test",
        issued_at=datetime.now(config.tz),
        paper_width=80 if config.printer.paper_width == 80 else 58,
    )


def print_result_dict(result: Any) -> dict[str, Any]:
    return {
        "printed": bool(result.ok),
        "bytes": result.bytes_written,
        "reason": result.reason,
        "warnings": list(result.warnings),
    }
