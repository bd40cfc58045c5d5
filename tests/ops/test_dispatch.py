"""Publishing many messages over one broker connection (bets.common.dispatch.publish_all)."""

import logging
from queue import Empty

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


def test_the_embedded_broker_never_hands_the_worker_a_message_still_being_written(
    tmp_path, monkeypatch
):
    """kombu's own filesystem transport creates a message's file before writing it, and a
    worker that took it in between stopped on the empty file ("Unrecoverable error:
    JSONDecodeError"), losing the message. Here the worker looks while a message is being
    written: it finds nothing, and afterwards the whole message."""
    from kombu import Connection

    from config import broker

    queue, processed, control = (tmp_path / name for name in ("queue", "processed", "control"))
    for folder in (queue, processed, control):
        folder.mkdir()
    options = {"data_folder_in": str(queue), "data_folder_out": str(queue),
               "processed_folder": str(processed), "control_folder": str(control)}

    def connect():
        return Connection("filesystem://", transport="config.broker:Transport",
                          transport_options=options)

    with connect() as web, connect() as worker:
        seen_midway = []

        def worker_looks(queue):
            try:
                return worker.default_channel._get(queue)
            except Empty:
                return None

        real = broker.str_to_bytes

        def encode_while_the_worker_looks(text):
            seen_midway.append(worker_looks("default"))
            return real(text)

        monkeypatch.setattr(broker, "str_to_bytes", encode_while_the_worker_looks)
        web.default_channel._put("default", {"task": "n", "body": 1})
        assert seen_midway == [None]
        assert worker_looks("default") == {"task": "n", "body": 1}
