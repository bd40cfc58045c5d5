"""Publishing many messages over one broker connection (bets.common.dispatch.publish_all)."""

import logging

from bets.common.dispatch import publish_all
from tests.celery_worker import dead_port, publishing_to


def test_with_the_broker_down_nothing_is_published_and_nothing_is_raised(caplog):
    messages = [("bets.tasks.claims_dry_run", ([i],)) for i in range(3)]
    with caplog.at_level(logging.WARNING), publishing_to(f"redis://127.0.0.1:{dead_port()}/0"):
        assert publish_all(messages, what="dry-run batches") == 0
    assert "Could not publish 3 of 3 dry-run batches" in caplog.text


def test_an_empty_sweep_with_the_broker_down_raises_no_false_alarm(caplog):
    with caplog.at_level(logging.WARNING), publishing_to(f"redis://127.0.0.1:{dead_port()}/0"):
        assert publish_all([], what="scheduled runs") == 0
    assert "Could not publish" not in caplog.text
