"""The day's figures, computed from the event log (the manager's first look)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from kiosk.queue import QueueRules
from kiosk.queue import events as ev
from kiosk.store import EventStore


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def daily_report(store: EventStore, rules: QueueRules, day: date) -> dict[str, Any]:
    issued: dict[str, datetime] = {}
    service_of: dict[str, str] = {}
    first_call: dict[str, datetime] = {}
    began: dict[str, datetime] = {}
    per: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "issued": 0,
            "done": 0,
            "no_show": 0,
            "transferred": 0,
            "expired": 0,
            "waits": [],
            "services": [],
            "within": 0,
            "overdue": 0,
        }
    )
    scores: list[int] = []
    for s in store.events_of_days(day, day):
        e = s.event
        tid = e.ticket_id
        if isinstance(e, ev.TicketIssued):
            issued[e.ticket] = e.at
            service_of[e.ticket] = e.service
            per[e.service]["issued"] += 1
        elif tid is None or tid not in issued:
            continue
        elif isinstance(e, ev.TicketCalled):
            if tid not in first_call:
                first_call[tid] = e.at
                wait = (e.at - issued[tid]).total_seconds()
                svc = service_of[tid]
                per[svc]["waits"].append(wait)
                if wait <= rules.services[svc].target_wait_s:
                    per[svc]["within"] += 1
            began.setdefault(tid, e.at)
        elif isinstance(e, ev.TicketStarted):
            began[tid] = e.at
        elif isinstance(e, ev.TicketDone):
            per[service_of[tid]]["done"] += 1
            if tid in began:
                per[service_of[tid]]["services"].append((e.at - began.pop(tid)).total_seconds())
        elif isinstance(e, ev.TicketNoShow):
            per[service_of[tid]]["no_show"] += 1
        elif isinstance(e, ev.TicketTransferred):
            per[service_of[tid]]["transferred"] += 1
            began.pop(tid, None)
            if e.to_service:
                service_of[tid] = e.to_service
        elif isinstance(e, ev.TicketExpired):
            per[service_of[tid]]["expired"] += 1
        elif isinstance(e, ev.TicketOverdue):
            per[service_of[tid]]["overdue"] += 1
        elif isinstance(e, ev.TicketEvaluated):
            scores.append(e.score)
    services = []
    all_waits: list[float] = []
    for code in rules.services:
        p = per[code]
        all_waits += p["waits"]
        services.append(
            {
                "service": code,
                "issued": p["issued"],
                "done": p["done"],
                "no_show": p["no_show"],
                "transferred": p["transferred"],
                "expired": p["expired"],
                "mean_wait_s": _mean(p["waits"]),
                "mean_service_s": _mean(p["services"]),
                "within_target": round(p["within"] / len(p["waits"]), 3) if p["waits"] else None,
                "overdue": p["overdue"],
            }
        )
    rated = [x for x in scores if x > 0]
    return {
        "date": day.isoformat(),
        "issued": sum(s["issued"] for s in services),
        "done": sum(s["done"] for s in services),
        "no_show": sum(s["no_show"] for s in services),
        "mean_wait_s": _mean(all_waits),
        "satisfaction": round(sum(1 for x in rated if x <= 2) / len(rated), 3) if rated else None,
        "rated": len(rated),
        "not_rated": len(scores) - len(rated),
        "services": services,
    }
