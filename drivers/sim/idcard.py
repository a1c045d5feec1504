"""A GA 467 SAM ID-card reader, simulated from the device side of a :class:`PtyLink`.

It answers exactly the frames of ``shared/protocols/idcard.md``, keeps the SAM's rule that a
card just read is not found again until it is lifted and presented again, records every
request it received, and injects the faults a real reader shows: garbage on the line, a
corrupt checksum, silence, a card whose number fails its check digit, another card type.
Requests the protocol page gives no answer for (the appended address, unknown commands) are
recorded and left unanswered.

The sample cards are invented people with valid GB 11643 check digits.
"""

from __future__ import annotations

import dataclasses
import random
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from drivers.errors import ProtocolError
from drivers.idcard.card import (
    CARD_TYPE_OFFSET,
    TEXT_FIELDS,
    IdCard,
    id_check_digit,
)
from drivers.idcard.codec import (
    PHOTO_SIZE,
    TEXT_SIZE,
    Command,
    Request,
    RequestParser,
    ResultCode,
    build_card_data,
    build_response,
)
from drivers.sim.link import PtyLink

SAMPLE_PHOTO = (b"WLT-SIMULATED-PHOTO-" * 52)[:PHOTO_SIZE]
"""Stands in for the 1024-byte WLT photo; nothing decodes it, nothing may store it."""
SAMPLE_FINGERPRINT = bytes(1024)
SAMPLE_SAM_ID = bytes.fromhex("0501000020101012000000000012345f")


def make_text_block(
    *,
    name: str,
    sex_code: str,
    nation_code: str,
    birth: str,
    address: str,
    id_number: str,
    authority: str,
    valid_from: str,
    valid_to: str,
    card_type_flag: str = "",
) -> bytes:
    """The 256-byte UCS-2 LE text block, each field right-padded with spaces.

    Values are written as given, unchecked, so a test can build broken cards too; a value
    longer than its field raises :class:`ValueError`.
    """
    values = {
        "name": name,
        "sex": sex_code,
        "nation": nation_code,
        "birth": birth,
        "address": address,
        "id_number": id_number,
        "authority": authority,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }
    block = bytearray(" ".encode("utf-16-le") * (TEXT_SIZE // 2))
    for field, value in values.items():
        offset, size = TEXT_FIELDS[field]
        encoded = value.encode("utf-16-le")
        if len(encoded) > size:
            raise ValueError(f"{field} is longer than its {size}-byte field")
        block[offset : offset + len(encoded)] = encoded
    if card_type_flag:
        block[CARD_TYPE_OFFSET : CARD_TYPE_OFFSET + 2] = card_type_flag[:1].encode("utf-16-le")
    return bytes(block)


def with_check_digit(first17: str) -> str:
    """Complete 17 digits into a valid 18-character ID number."""
    return first17 + id_check_digit(first17)


@dataclass(frozen=True)
class SimCard:
    """The raw fields of a card as the chip holds them (strings, unchecked)."""

    name: str
    sex_code: str
    nation_code: str
    birth: str
    address: str
    id_number: str
    authority: str
    valid_from: str
    valid_to: str
    card_type_flag: str = ""

    def text_block(self) -> bytes:
        return make_text_block(**dataclasses.asdict(self))

    def replace(self, **changes: str) -> SimCard:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_card(cls, card: IdCard) -> SimCard:
        """The chip contents that decode to ``card``."""
        return cls(
            name=card.name,
            sex_code=str(card.sex.value),
            nation_code=card.nation_code,
            birth=card.birth_date.strftime("%Y%m%d"),
            address=card.address,
            id_number=card.id_number,
            authority=card.authority,
            valid_from=card.valid_from.strftime("%Y%m%d"),
            valid_to=card.valid_to.strftime("%Y%m%d") if card.valid_to else "长期",
        )


ADULT_CARD = SimCard(
    name="张伟",
    sex_code="1",
    nation_code="01",
    birth="19900307",
    address="广东省广州市天河区天河路385号",
    id_number=with_check_digit("44010619900307123"),
    authority="广州市公安局天河分局",
    valid_from="20160410",
    valid_to="20360410",
)
"""The default card: 35 years old on 2025-12-01, valid until 2036."""

ELDERLY_CARD = SimCard(
    name="李秀英",
    sex_code="2",
    nation_code="03",
    birth="19500815",
    address="北京市朝阳区建国路88号院3号楼2单元501室",
    id_number=with_check_digit("11010519500815024"),
    authority="北京市公安局朝阳分局",
    valid_from="20100112",
    valid_to="长期",
)
"""Born 1950 (75 on 2025-12-01): the green channel's customer; valid for life."""

EXPIRED_CARD = SimCard(
    name="王磊",
    sex_code="1",
    nation_code="01",
    birth="19850612",
    address="上海市徐汇区漕溪北路201号",
    id_number=with_check_digit("31010419850612345"),
    authority="上海市公安局徐汇分局",
    valid_from="20050701",
    valid_to="20150701",
)
"""A ten-year card that expired on 2015-07-01."""

LONG_TERM_CARD = SimCard(
    name="韦秀兰",
    sex_code="2",
    nation_code="08",
    birth="19680920",
    address="广西壮族自治区南宁市兴宁区民主路12号",
    id_number=with_check_digit("45010219680920038"),
    authority="南宁市公安局兴宁分局",
    valid_from="20160305",
    valid_to="长期",
)
"""Issued at 47, so valid for life (长期)."""

BAD_CHECK_DIGIT_CARD = ADULT_CARD.replace(id_number=ADULT_CARD.id_number[:17] + "5")
"""The adult card with a wrong last character: a read error, never a customer."""

FOREIGN_PERMANENT_RESIDENT_CARD = ADULT_CARD.replace(card_type_flag="I")
HK_MACAU_TAIWAN_PERMIT_CARD = ADULT_CARD.replace(card_type_flag="J")

SAMPLE_CARDS = {
    "adult": ADULT_CARD,
    "elderly": ELDERLY_CARD,
    "expired": EXPIRED_CARD,
    "long_term": LONG_TERM_CARD,
}


class IdCardReaderSim:
    """The device side of an ID-card reader on a :class:`PtyLink`, in its own thread."""

    def __init__(
        self,
        link: PtyLink,
        card: SimCard | bytes | None = None,
        *,
        photo: bytes = SAMPLE_PHOTO,
        sam_id: bytes = SAMPLE_SAM_ID,
        read_once: bool = True,
    ) -> None:
        """``read_once=False`` makes a SAM that keeps finding a card it has already read."""
        self.link = link
        self.photo = photo
        self.sam_id = sam_id
        self.read_once = read_once
        self.requests: deque[Request] = deque(maxlen=10_000)  # the latest, for assertions
        self._counts: Counter[Command | None] = Counter()
        self.bad_requests = 0
        self._parser = RequestParser()
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._text: bytes | None = None
        self._found = self._selected = self._read = False
        self._answering = True
        self._failing_reads = 0
        # Pending faults: (the command whose response they hit, or None for any; garbage).
        self._garbage: list[tuple[Command | None, bytes]] = []
        self._corrupt: list[tuple[Command | None, bytes]] = []
        if card is not None:
            self.present_card(card)

    # --- the card ------------------------------------------------------------------------

    def present_card(self, card: SimCard | bytes = ADULT_CARD) -> None:
        """Put a card on the reader (a card already there is lifted first)."""
        text = card.text_block() if isinstance(card, SimCard) else bytes(card)
        if len(text) != TEXT_SIZE:
            raise ValueError(f"a text block is {TEXT_SIZE} bytes")
        with self._changed:
            self._text = text
            self._found = self._selected = self._read = False

    def remove_card(self) -> None:
        with self._changed:
            self._text = None
            self._found = self._selected = self._read = False

    @property
    def card_present(self) -> bool:
        return self._text is not None

    # --- faults --------------------------------------------------------------------------

    def inject_garbage(self, data: bytes, before: Command | None = None) -> None:
        """Send ``data`` just ahead of the next response (to ``before``, when given)."""
        with self._changed:
            self._garbage.append((before, data))

    def corrupt_next_checksum(self, of: Command | None = None) -> None:
        """Flip the CHK of the next response (to ``of``, when given)."""
        with self._changed:
            self._corrupt.append((of, b""))

    def fail_next_reads(self, count: int) -> None:
        """Answer the next ``count`` reads with 0x41 (a card slid off mid-read), card kept."""
        with self._changed:
            self._failing_reads = count

    def set_answering(self, answering: bool) -> None:
        """``False``: keep reading and recording requests, answer none (a hung SAM)."""
        with self._changed:
            self._answering = answering

    # --- recording -----------------------------------------------------------------------

    def count(self, command: Command | None = None) -> int:
        """Requests received so far (of ``command``, when given; ``None``: all of them)."""
        with self._changed:
            return self._counts[command] if command is not None else self._counts.total()

    def wait_until(self, condition: Callable[[], bool], timeout_s: float) -> bool:
        """Wait until ``condition()`` holds, re-checked after every request handled."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(min(remaining, 0.05))
            return True

    # --- thread --------------------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name="idcard-sim", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(5.0)

    def __enter__(self) -> IdCardReaderSim:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _serve(self) -> None:
        while not self._stop.is_set():
            if not self.link.plugged:
                self._stop.wait(0.02)
                continue
            chunk = self.link.read(4096, 0.05)
            if not chunk:
                continue
            self._parser.feed(chunk)
            while True:
                try:
                    request = self._parser.next_request()
                except ProtocolError:
                    with self._changed:
                        self.bad_requests += 1
                    continue
                if request is None:
                    break
                self._handle(request)

    def _handle(self, request: Request) -> None:
        with self._changed:
            self.requests.append(request)
            self._counts[request.command] += 1
            frame = self._answer(request.command) if self._answering else None
            if frame is not None:
                frame = self._apply_faults(request.command, frame)
            self._changed.notify_all()
        if frame is not None:
            self.link.write(frame)

    def _answer(self, command: Command | None) -> bytes | None:
        """The doc's response to ``command`` in the current state (lock held)."""
        text = self._text
        card_ready = text is not None and not (self._read and self.read_once)
        if command is Command.SAM_STATUS:
            return build_response(ResultCode.OK)
        if command is Command.SAM_ID:
            return build_response(ResultCode.OK, self.sam_id)
        if command is Command.FIND:
            self._found = card_ready
            if not card_ready:
                return build_response(ResultCode.NO_CARD)
            return build_response(ResultCode.FIND_OK, bytes(4))
        if command is Command.SELECT:
            self._selected = card_ready and self._found
            if not self._selected:
                return build_response(ResultCode.SELECT_FAILED)
            return build_response(ResultCode.OK, bytes(8))
        if command in (Command.READ_TEXT_PHOTO, Command.READ_TEXT_PHOTO_FINGERPRINT):
            if text is None or not (card_ready and self._selected) or self._failing_reads:
                self._failing_reads = max(0, self._failing_reads - 1)
                return build_response(ResultCode.READ_FAILED)
            self._read = True
            self._found = self._selected = False
            fingerprint = (
                SAMPLE_FINGERPRINT if command is Command.READ_TEXT_PHOTO_FINGERPRINT else None
            )
            return build_response(ResultCode.OK, build_card_data(text, self.photo, fingerprint))
        return None

    def _apply_faults(self, command: Command | None, frame: bytes) -> bytes:
        if _take(self._corrupt, command) is not None:
            frame = frame[:-1] + bytes([frame[-1] ^ 0xFF])
        garbage = _take(self._garbage, command)
        if garbage is not None:
            frame = garbage + frame
        return frame


def _take(faults: list[tuple[Command | None, bytes]], command: Command | None) -> bytes | None:
    """Remove the first fault aimed at ``command`` (or at any response); its bytes."""
    for i, (target, data) in enumerate(faults):
        if target is None or target is command:
            del faults[i]
            return data
    return None


def measure_card_latency(
    samples: int = 20,
    *,
    directory: str | Path | None = None,
    poll_interval_s: float = 0.3,
    timeout_s: float = 5.0,
    seed: int = 467,
) -> list[float]:
    """Seconds from :meth:`IdCardReaderSim.present_card` to the driver's ``on_card``, per card.

    For ``bench/devices.py``: runs the real driver against the simulator over a pty. Each
    card is lifted and the driver's next failed find awaited; the next card then comes at a
    random point of the poll period, as a customer's would, so the figures include the wait
    for the next poll (median about half the poll interval plus one find-select-read).
    """
    from drivers.idcard.reader import IdCardReader, IdCardSettings

    jitter = random.Random(seed)
    latencies: list[float] = []
    arrived = threading.Event()
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        link = PtyLink(Path(tmp) / "idcard")
        settings = IdCardSettings(link.url, poll_interval_s=poll_interval_s)
        reader = IdCardReader(settings, on_card=lambda _card: arrived.set())
        try:
            with IdCardReaderSim(link) as sim:
                reader.start()
                for _ in range(samples):
                    time.sleep(jitter.uniform(0.0, poll_interval_s))
                    arrived.clear()
                    started = time.perf_counter()
                    sim.present_card(ADULT_CARD)
                    if not arrived.wait(timeout_s):
                        raise TimeoutError(f"no card reported within {timeout_s} s")
                    latencies.append(time.perf_counter() - started)
                    sim.remove_card()
                    finds = sim.count(Command.FIND)
                    if not sim.wait_until(partial(_more_finds, sim, finds), timeout_s):
                        raise TimeoutError("the driver stopped polling")
        finally:
            reader.stop()
            link.close()
    return latencies


def _more_finds(sim: IdCardReaderSim, than: int) -> bool:
    return sim.count(Command.FIND) > than
