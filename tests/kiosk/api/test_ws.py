"""The WebSocket hub: queue snapshots are taken off the event loop, on the hub's worker, and
each client still gets messages in the order they were published."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from kiosk.api.ws import Client, EventHub
from kiosk.hall.bus import Published


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A real event loop on a thread of its own, as uvicorn runs it."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="test-loop")
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    loop.close()


def on_loop(loop: asyncio.AbstractEventLoop, coro):  # type: ignore[no-untyped-def]
    return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=10)


def event(seq: int) -> Published:
    return Published("ticket.issued", {"type": "ticket.issued", "seq": seq})


def test_a_slow_snapshot_never_holds_up_the_loop_or_reorders_events(loop):
    """Given a queue snapshot that takes long (it waits for a commit), events published after
    it still reach the client at once, in order; the snapshot is taken on a thread that is
    not the loop's, arrives after the events that triggered it, and a burst of changes
    meanwhile costs one more snapshot, not one each."""
    hub = EventHub()
    hub.attach(loop)

    async def make_client() -> Client:
        return Client(role="display", name="hall-screen")

    client = on_loop(loop, make_client())
    hub.add(client)
    release = threading.Event()
    taken_on: list[str] = []

    def snapshot(tag: str):  # type: ignore[no-untyped-def]
        def take() -> dict[str, object]:
            taken_on.append(threading.current_thread().name)
            release.wait(timeout=10)
            return {"queue": tag}

        return take

    def changed(tag: str) -> Published:
        return Published("queue.changed", {"type": "queue.changed"}, snapshot=snapshot(tag))

    hub.publish(event(1))
    hub.publish(changed("after 1"))
    hub.publish(event(2))
    hub.publish(changed("after 2"))
    hub.publish(event(3))
    hub.publish(changed("after 3"))

    async def receive(n: int) -> list[dict[str, object]]:
        return [await asyncio.wait_for(client.queue.get(), 10) for _ in range(n)]  # type: ignore[misc]

    # The loop delivers the events while the first snapshot is still being taken.
    assert [m["seq"] for m in on_loop(loop, receive(3))] == [1, 2, 3]
    release.set()
    rest = on_loop(loop, receive(2))
    assert [m["queue"] for m in rest] == ["after 1", "after 3"]  # 2 and 3 coalesced
    assert len(taken_on) == 2 and "test-loop" not in taken_on
    hub.close_all()


def test_the_hello_snapshot_is_taken_off_the_loop_too(loop):
    hub = EventHub()
    hub.attach(loop)

    async def hello() -> str:
        return await hub.in_worker(lambda: threading.current_thread().name)

    assert on_loop(loop, hello()) not in ("test-loop", threading.current_thread().name)
    hub.close_all()
