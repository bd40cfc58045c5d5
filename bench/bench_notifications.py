"""Notifications at scale. Targets: a claim with 10,000 followers resolves and all 10,000
in-app notifications are written <= 2 s after the resolution (so after the scoring task
starts at the latest), with the emails queued in batches; the inbox page of a participant
with 10,000 notifications answers with p95 <= 50 ms.

Part one runs a real Celery worker (2 processes, Redis) on a fresh `crux_bench_notifications`
database; the clock starts before `claim_resolve` is called and stops when the 10,000th
notification row is visible. Half the followers have verified addresses, so 5,000 emails go
out in batches of CRUX_EMAIL_BATCH through the file backend (their time is reported, not
targeted). Part two serves the inbox from gunicorn (production settings) to 2 concurrent
clients driven by wrk (bench/wrk/notifications.lua), logged in as the participant, asking for
random pages (keyset cursors) of the 10,000.
Run: `DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/bench_notifications.py`.
"""

import http.client
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import ROOT, copy_rows, django_on_fresh_database, report, users  # noqa: E402
from httpload import GUNICORN_WORKERS, gunicorn_serving, wrk  # noqa: E402

FOLLOWERS = 10_000
INBOX = 10_000
PAGE = 50
# One participant reads their own inbox: two clients, one per gunicorn worker of this 2-core
# machine, measure the page's own cost; more clients would measure queueing instead.
CLIENTS = 2
WARMUP_SECONDS = 5
SECONDS = 15
FANOUT_TARGET = 2.0
PAGE_TARGET = 0.050


def load_followers():
    from django.contrib.auth import get_user_model
    from django.db import connection

    from bets.models import Claim

    users(FOLLOWERS + 1)
    User = get_user_model()
    mod = User.objects.create(username="moderator", is_staff=True, is_superuser=True)
    now = datetime.now(UTC)
    claim = Claim.objects.create(
        title="Ten thousand followers", statement="s", resolution_criteria="c",
        status=Claim.Status.OPEN, open_time=now - timedelta(days=2),
        close_time=now + timedelta(days=1), resolve_after=now - timedelta(days=1))
    copy_rows("bets_claimfollow", ["claim_id", "user_id", "following", "updated_at"],
              ((claim.pk, u, True, now) for u in range(1, FOLLOWERS + 1)))
    verified = range(1, FOLLOWERS + 1, 2)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE auth_user SET email = username || '@example.org' "
                       "WHERE id <= %s AND id %% 2 = 1", [FOLLOWERS])
    copy_rows("bets_profile", ["user_id", "display_name", "bio", "verified_email", "digest"],
              ((u, "", "", f"p{u:05d}@example.org", False) for u in verified))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return claim, mod, len(verified)


def fanout() -> None:
    from bets.claims.resolution import claim_resolve
    from bets.models import Notification
    from tests.celery_worker import WorkerProcess

    claim, mod, emails = load_followers()
    outbox = Path(tempfile.mkdtemp(prefix="crux-bench-mail-"))
    worker = WorkerProcess(log_dir=outbox.parent, extra_env={
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox), "LOG_LEVEL": "WARNING"})
    worker.start()
    try:
        start = time.perf_counter()
        claim = claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
        key = f"resolution:{claim.pk}:{claim.resolution_seq}"
        rows = Notification.objects.filter(key=key)
        written = 0
        while time.perf_counter() - start < 60:
            written = rows.count()
            if written >= FOLLOWERS:
                break
            time.sleep(0.01)
        elapsed = time.perf_counter() - start
        sent_by = None
        while time.perf_counter() - start < 300:
            if not rows.filter(email_status__in=["pending", "sending"]).exists():
                sent_by = time.perf_counter() - start
                break
            time.sleep(0.2)
    finally:
        worker.stop()
    files = len(list(outbox.glob("*.log")))
    batches = -(-emails // 100)
    report("notifications of a resolution to 10,000 followers, written", elapsed,
           FANOUT_TARGET, note=f"{written} rows; {emails} emails in {batches} batches of 100, "
           f"all sent by {sent_by or float('nan'):.1f} s ({files} files), worker -c 2")
    if written < FOLLOWERS:
        raise SystemExit(f"only {written} notifications were written:\n{worker.log()[-2000:]}")


def log_in(base: str, username: str, password: str) -> str:
    """Log in through the real form; returns the Cookie header of the session. (http.client,
    because production cookies are Secure and a cookie jar would not send them over http.)"""
    host = urllib.parse.urlparse(base).netloc

    def cookies_of(response) -> dict[str, str]:
        found = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            found[name.strip()] = rest.split(";", 1)[0]
        return found

    conn = http.client.HTTPConnection(host, timeout=10)
    conn.request("GET", "/login/")
    response = conn.getresponse()
    page = response.read().decode()
    csrf = cookies_of(response)["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": token})
    conn.request("POST", "/login/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}",
        "Referer": f"{base}/login/", "Host": host})
    response = conn.getresponse()
    response.read()
    session = cookies_of(response).get("sessionid")
    if response.status != 302 or not session:
        raise SystemExit(f"could not log in to the benchmark server ({response.status})")
    return f"sessionid={session}"


def inbox(database_url: str) -> None:
    from django.contrib.auth import (
        get_user_model,
    )
    from django.db import connection

    reader = get_user_model().objects.create_user(username="reader", password="x-bench-x")
    now = datetime.now(UTC)
    copy_rows("bets_notification",
              ["recipient_id", "kind", "key", "title", "body", "url", "created_at",
               "email_status", "email_attempts", "email_error"],
              ((reader.pk, "claim_resolved", f"bench:{i}", f"“Claim {i}” resolved YES", "",
                f"/claims/{i}/", now - timedelta(minutes=i), "none", 0, "")
               for i in range(INBOX)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT MIN(id), MAX(id) FROM bets_notification WHERE recipient_id = %s",
                       [reader.pk])
        first, last = cursor.fetchone()
    # Pages (unlike the API) need the static manifest that production's collectstatic writes.
    static_root = tempfile.mkdtemp(prefix="crux-bench-static-")
    os.environ["STATIC_ROOT"] = static_root
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                   cwd=ROOT, check=True, env=os.environ | {
                       "DEBUG": "0", "CRUX_PRODUCTION": "1",
                       "SECRET_KEY": "bench-only-" + "x" * 50,
                       "DATABASE_URL": database_url})
    with gunicorn_serving(database_url, ready_path="/") as base:
        env = {"CRUX_WRK_COOKIE": log_in(base, "reader", "x-bench-x"),
               "CRUX_WRK_FIRST_ID": str(first), "CRUX_WRK_LAST_ID": str(last)}
        warm = wrk(base, "notifications.lua", connections=CLIENTS, seconds=WARMUP_SECONDS,
                   env=env)
        run = wrk(base, "notifications.lua", connections=CLIENTS, seconds=SECONDS, env=env)
    report(f"notifications page p95, {CLIENTS} concurrent clients, 10,000 notifications",
           run["p95_ms"] / 1000, PAGE_TARGET,
           note=f"{run['requests']} requests in {run['seconds']:.0f} s, {run['rate']:.0f} "
           f"req/s, median {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms, gunicorn "
           f"{GUNICORN_WORKERS} workers; warm-up p95 {warm['p95_ms']:.1f} ms")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    database_url = django_on_fresh_database("notifications")
    fanout()
    inbox(database_url)


if __name__ == "__main__":
    main()
