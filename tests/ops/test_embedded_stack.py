"""`make run`'s embedded default (SQLite, filesystem broker) as a person runs it.

The stack is scripts/run.py itself, not a test settings file. Under concurrent writers the web
server takes writes from several people at once while the worker fans out their notifications
into the same SQLite file: every write must be answered without a server error, and every one
kept. A fresh stack must be healthy for a monitor at once, and show the site's own pages.
"""

import json
import threading
import time
import urllib.error
import urllib.request

import pytest

from bets.demo.data import SHOWCASE
from tests.celery_worker import wait_for

pytestmark = pytest.mark.worker

WRITERS = 8
WRITES_EACH = 50  # half comments, half forecasts: 400 writes in all
READERS = 2

SETUP = f"""
import json
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token
from bets.models import Claim
now = timezone.now()
claim = Claim.objects.filter(status="open", open_time__lte=now, close_time__gt=now).first()
tokens = {{}}
for i in range({WRITERS}):
    user = get_user_model().objects.create_user(username=f"writer{{i}}", password="not-used-1")
    tokens[user.username] = Token.objects.create(user=user).key
print(json.dumps({{"claim": claim.pk, "tokens": tokens}}))
"""

COUNTS = f"""
import json
from bets.models import Comment, Forecast, Notification
writers = [f"writer{{i}}" for i in range({WRITERS})]
print(json.dumps({{
    "comments": Comment.objects.filter(author__username__in=writers).count(),
    "forecasts": Forecast.objects.filter(participant__username__in=writers).count(),
    "standing": Forecast.objects.filter(participant__username__in=writers,
                                        end_time__isnull=True).count(),
    "mentions": Notification.objects.filter(kind="comment_mention",
                                            recipient__username__in=writers).count(),
}}))
"""


def post(url: str, token: str, body: dict) -> int:
    request = urllib.request.Request(  # noqa: S310 (our own stack's http URL)
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (our stack)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0  # no answer at all (connection refused or reset, timeout)


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (our stack)
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def test_eight_concurrent_api_writers_and_page_readers_on_the_embedded_stack_lose_nothing(
    run_script,
):
    # Each writer comments 25 times in a few seconds: far past the default per-person rate
    # limit, which would answer 429 and is not what this test is about.
    script = run_script(prepared=True, extra_env={"CRUX_COMMENT_RATE_LIMIT": "100000"})
    script.wait_until_running()
    setup = script.manage_json(SETUP)
    claim, tokens = setup["claim"], setup["tokens"]
    names = sorted(tokens)
    statuses: list[int] = []
    reads: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(WRITERS + READERS)
    writing = threading.Event()
    writing.set()

    def write(index: int) -> None:
        name = names[index]
        mentioned = names[(index + 1) % WRITERS]
        start.wait()
        for n in range(WRITES_EACH):
            if n % 2:
                status = post(f"{script.url}api/claims/{claim}/forecasts/", tokens[name],
                              {"probability": round(0.05 + (index * 7 + n) % 90 / 100, 2)})
            else:
                status = post(f"{script.url}api/claims/{claim}/comments/", tokens[name],
                              {"body": f"Comment {n} by {name}; what do you think, @{mentioned}?"})
            with lock:
                statuses.append(status)

    def read() -> None:
        # People reading the claim's page meanwhile: a page view must neither fail nor hold
        # up the writers (config/wsgi.py).
        start.wait()
        while writing.is_set():
            status = get(f"{script.url}claims/{claim}/")
            with lock:
                reads.append(status)

    writers = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    readers = [threading.Thread(target=read) for _ in range(READERS)]
    for thread in writers + readers:
        thread.start()
    for thread in writers:
        thread.join()
    writing.clear()
    for thread in readers:
        thread.join()

    refused = sorted(s for s in statuses if s != 201)
    assert (len(statuses), refused) == (WRITERS * WRITES_EACH, []), (
        f"{len(refused)} of {len(statuses)} writes were refused: {refused}\n"
        f"{script.log()[-5000:]}")
    assert reads and set(reads) == {200}, f"page views answered {sorted(set(reads))}"
    half = WRITERS * WRITES_EACH // 2
    # Every comment mentions another writer: the worker writes one notification for each.
    counts = wait_for(
        lambda: (c := script.manage_json(COUNTS))["mentions"] >= half and c,
        timeout=120, interval=1,
        message=f"the worker never wrote every mention's notification (log: {script.log_path})")
    assert counts == {"comments": half, "forecasts": half, "standing": WRITERS,
                      "mentions": half}


HEALTHY_WITHIN_SECONDS = 90


def test_a_fresh_embedded_stack_is_healthy_within_90_seconds_and_shows_the_sites_own_404(
    run_script,
):
    script = run_script()
    script.wait_until_started("beat")
    started = time.monotonic()
    answer = None
    while time.monotonic() - started < HEALTHY_WITHIN_SECONDS:
        answer = script.get("/healthz")
        if answer and answer[0] == 200:
            break
        time.sleep(1)
    assert answer and answer[0] == 200, (
        f"/healthz was not 200 within {HEALTHY_WITHIN_SECONDS} s of starting web, worker "
        f"and beat; it last answered {answer}")
    assert json.loads(answer[1])["jobs"][0] == {
        "name": "forecast_reminders", "stale": False, "last_run_at": None}

    # The first start loaded the demo (the other SQLite stacks start from a var/ prepared
    # the same way, tests/conftest.py's prepared_var).
    status, home = script.get("/")
    assert status == 200 and SHOWCASE[0].title in home
    status, page = script.get("/no/such/page/")
    assert status == 404
    assert "Page not found" in page and "Browse the claims" in page
    # Django's debug page names the URLconf and lists every pattern it tried, by name.
    assert "URLconf" not in page and "[name='login']" not in page
