"""The DynamoDB ledger against moto: conditional writes decide every race."""

from datetime import UTC, datetime

import pytest

from handlers.ledger import Ledger
from handlers.runtime import dynamodb_client

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
def ledger(world) -> Ledger:
    return Ledger(world.ledger_table)


def test_the_semaphore_never_hands_out_more_slots_than_its_limit(ledger):
    assert [ledger.acquire(f"job-{i}", 2, NOW) for i in range(3)] == [True, True, False]
    assert set(ledger.holders()) == {"job-0", "job-1"}
    assert ledger.release("job-0")
    assert ledger.acquire("job-2", 2, NOW)
    assert set(ledger.holders()) == {"job-1", "job-2"}


def test_asking_again_for_a_held_slot_takes_no_second_one(ledger):
    assert ledger.acquire("job-a", 2, NOW)
    assert ledger.acquire("job-a", 2, NOW)  # a retried step, or a restarted execution
    assert ledger.acquire("job-b", 2, NOW)  # so one slot is still free
    assert not ledger.acquire("job-c", 2, NOW)


def test_releasing_twice_gives_back_one_slot(ledger):
    ledger.acquire("job-a", 1, NOW)
    assert ledger.release("job-a")
    assert not ledger.release("job-a")
    assert ledger.acquire("job-b", 1, NOW)
    assert not ledger.acquire("job-c", 1, NOW)  # the count did not go below zero


def test_a_parse_marker_is_written_once(ledger):
    assert ledger.parsed_summary_key("job-a") is None
    assert ledger.mark_parsed("job-a", "reports/s/job-a/summary.json", NOW)
    assert not ledger.mark_parsed("job-a", "reports/s/job-a/other.json", NOW)
    assert ledger.parsed_summary_key("job-a") == "reports/s/job-a/summary.json"


def test_the_latest_pointer_only_moves_forward(ledger):
    assert ledger.advance_latest("s", "faq", "2026-11-27T09:00:00|job-b", "b.json")
    assert not ledger.advance_latest("s", "faq", "2026-11-27T08:00:00|job-a", "a.json")
    assert ledger.latest("s", "faq") == {
        "runOrder": "2026-11-27T09:00:00|job-b",
        "summaryKey": "b.json",
    }
    assert ledger.advance_latest("s", "faq", "2026-11-27T09:00:00|job-b", "b.json")  # same run
    assert ledger.advance_latest("s", "other", "2026-11-27T08:00:00|job-a", "a.json")
    assert ledger.latest("s", "faq")["summaryKey"] == "b.json"


def test_each_ask_for_a_slot_is_one_dynamodb_request(ledger):
    requests: list[str] = []
    events = dynamodb_client().meta.events

    def record(model, **_):
        requests.append(model.name)

    events.register("before-call.dynamodb", record, unique_id="count-slot-requests")
    try:
        assert ledger.acquire("job-a", 1, NOW)  # the first ask ever creates the semaphore
        assert requests == ["UpdateItem", "PutItem", "UpdateItem"]
        requests.clear()
        assert ledger.acquire("job-a", 1, NOW)  # a retried run keeps the slot it holds
        assert not ledger.acquire("job-b", 1, NOW)  # and the next run waits
        assert requests == ["UpdateItem", "UpdateItem"]
    finally:
        events.unregister("before-call.dynamodb", unique_id="count-slot-requests")
    assert ledger.holders() == {"job-a": NOW.isoformat(timespec="seconds")}
