"""Exactly-once bookkeeping, without a bus: repeats, wrap, device restarts."""

from __future__ import annotations

from drivers.hallbus.codec import Event, EventKind
from drivers.hallbus.sequence import EventSequence, is_ahead


def press(*seqs: int) -> list[Event]:
    return [Event(seq, EventKind.CALL_NEXT) for seq in seqs]


def test_first_events_after_start_are_all_new_and_acked() -> None:
    sequence = EventSequence()
    assert sequence.ack_seq == 0
    assert sequence.accept(press(1, 2)) == press(1, 2)
    assert sequence.ack_seq == 2


def test_a_master_started_mid_life_takes_whatever_seq_the_device_is_at() -> None:
    sequence = EventSequence()
    assert sequence.accept(press(57)) == press(57)
    assert sequence.ack_seq == 57


def test_repeated_event_in_a_reply_is_applied_once() -> None:
    sequence = EventSequence()
    assert sequence.accept(press(1, 1)) == press(1)
    assert sequence.duplicates == 1


def test_new_events_after_an_ack_are_applied() -> None:
    sequence = EventSequence()
    sequence.accept(press(1))
    assert sequence.accept(press(2, 3)) == press(2, 3)
    assert sequence.applied == 3


def test_wrap_from_255_to_1() -> None:
    sequence = EventSequence()
    assert sequence.accept(press(254, 255)) == press(254, 255)
    assert sequence.accept(press(1, 2)) == press(1, 2)
    assert sequence.ack_seq == 2


def test_is_ahead_covers_half_the_cycle() -> None:
    assert is_ahead(1, 255)
    assert is_ahead(128, 1)
    assert not is_ahead(129, 1)
    assert not is_ahead(5, 5)
    assert not is_ahead(4, 5)


def test_one_reply_with_old_events_is_ignored_as_a_stray() -> None:
    sequence = EventSequence()
    sequence.accept(press(1, 2, 3))
    assert sequence.accept(press(3)) == []  # a late answer to an earlier poll, say
    assert sequence.restart_suspected
    assert sequence.accept(press(4)) == press(4)  # the device behaves: nothing happened
    assert not sequence.restart_suspected
    assert sequence.restarts == 0


def test_an_ack_reply_clears_a_suspected_restart() -> None:
    sequence = EventSequence()
    sequence.accept(press(1, 2, 3))
    sequence.accept(press(3))
    sequence.nothing_pending()
    assert not sequence.restart_suspected


def test_old_events_twice_in_a_row_mean_the_device_restarted() -> None:
    sequence = EventSequence()
    sequence.accept(press(*range(1, 11)))
    assert sequence.accept(press(1)) == []
    assert sequence.accept(press(1, 2)) == press(1, 2)
    assert sequence.restarts == 1
    assert sequence.ack_seq == 2


def test_after_reidentify_old_ack_is_sent_once_and_anything_is_new() -> None:
    sequence = EventSequence()
    sequence.accept(press(*range(1, 59)))
    sequence.device_reidentified()
    # A device that did not restart drops 58 on this ack; one that did has no event 58.
    assert sequence.ack_seq == 58
    assert sequence.accept(press(1)) == press(1)
    assert sequence.ack_seq == 1


def test_after_reidentify_an_ack_reply_forgets_the_old_ack() -> None:
    sequence = EventSequence()
    sequence.accept(press(5))
    sequence.device_reidentified()
    sequence.nothing_pending()
    assert sequence.ack_seq == 0


def test_a_gap_in_numbers_is_counted_as_skipped() -> None:
    sequence = EventSequence()
    sequence.accept(press(1))
    assert sequence.accept(press(5)) == press(5)
    assert sequence.skipped == 3
