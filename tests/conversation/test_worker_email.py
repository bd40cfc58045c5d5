"""A real worker on Redis sends the notifications of a resolution to every follower exactly
once, through a real SMTP server on 127.0.0.1 that refuses the first attempt, also when the
events and the email batches are delivered twice."""

import socket
import threading
import time
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from bets.claims.resolution import claim_resolve
from bets.conversation import comments as svc
from bets.models import Notification
from config.celery import app
from tests.celery_worker import WorkerProcess, wait_for
from tests.conversation.conftest import verify_email
from tests.factories import make_open_claim, make_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class FlakyMailServer:
    """Accepts mail but answers the first `refuse` messages that contain `pattern` with a
    temporary failure."""

    def __init__(self, refuse: int = 1, pattern: bytes = b""):
        self.refuse, self.pattern = refuse, pattern
        self.refused = 0
        self.received: list[tuple[list[str], bytes]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self._lock:
            if self.refused < self.refuse and self.pattern in (envelope.content or b""):
                self.refused += 1
                return "451 4.3.0 Try again later"
            self.received.append((list(envelope.rcpt_tos), envelope.content or b""))
        return "250 OK"

    def recipients(self, containing: bytes) -> Counter:
        with self._lock:
            return Counter(r for rcpts, body in self.received if containing in body
                           for r in rcpts)


@pytest.fixture
def smtp_server():
    handler = FlakyMailServer(refuse=1, pattern=b"resolved YES")
    with socket.socket() as probe:  # a free port (the controller needs a real one)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_every_follower_gets_one_email_despite_a_refusal_and_duplicate_deliveries(
    smtp_server, tmp_path
):
    handler, port = smtp_server
    worker = WorkerProcess(log_dir=tmp_path, extra_env={
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "0",
        "CRUX_EMAIL_RETRY_SECONDS": "1", "CRUX_EMAIL_BATCH": "3",
    })
    worker.start()
    try:
        mod, author = make_user("mod", staff=True), make_user("author")
        claim = make_open_claim(author=author, moderator=mod, title="Seven followers")
        followers = [make_user(f"f{i}") for i in range(6)]
        for person in [author, *followers]:
            verify_email(person)
            if person is not author:
                svc.claim_follow_set(claim_id=claim.pk, user=person, following=True)
        claim = claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
        # The same event delivered twice more, as a redelivered or duplicated message would.
        for _ in range(2):
            app.send_task("bets.tasks.notify_event", args=("claim.resolution", claim.pk,
                                                            claim.resolution_seq))

        def all_settled():
            rows = Notification.objects.filter(claim=claim, kind="claim_resolved")
            states = set(rows.values_list("email_status", flat=True))
            return rows.count() == 7 and states == {"sent"}

        wait_for(all_settled, timeout=60, message=f"emails not all sent:\n{worker.log()[-3000:]}")
        # Every batch delivered once more: nothing may be sent twice.
        ids = list(Notification.objects.filter(claim=claim).values_list("pk", flat=True))
        app.send_task("bets.tasks.notifications_email_send", args=(ids,))
        time.sleep(3)
    finally:
        worker.stop()
    expected = {f"{p}@example.org" for p in ["author", *(f"f{i}" for i in range(6))]}
    assert handler.refused == 1
    # (The author also had an email when the claim was approved: only resolutions count.)
    assert handler.recipients(b"resolved YES") == Counter({a: 1 for a in expected})
    resolved = Notification.objects.filter(claim=claim, kind="claim_resolved")
    assert resolved.count() == 7
    retried = resolved.filter(email_attempts=2)
    assert retried.count() == 1 and "451" in retried.get().email_error
