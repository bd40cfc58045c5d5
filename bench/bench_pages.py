"""Server time of every page: p95 <= 50 ms on the demo data, and <= 150 ms for the page of a
claim with 10,000 forecasters.

Serves Crux from gunicorn on 127.0.0.1 against PostgreSQL (production settings: DEBUG=0,
persistent connections), loaded with the demo data plus one claim that 10,000 participants
forecast (each forecast a step of the community history). Each page is asked by one client
at a time (wrk, bench/wrk/page.lua) after a warm-up, so a request never waits behind
another and its latency is the server's time for the page plus the loopback.
"""

import http.client
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import (  # noqa: E402
    ROOT,
    copy_rows,
    django_on_fresh_database,
    report,
    reset_sequence,
)
from httpload import gunicorn_serving, wrk  # noqa: E402

FORECASTERS = 10_000
TARGET = 0.050
BIG_TARGET = 0.150
READER_PASSWORD = "bench-reader-password"
WARMUP_SECONDS = 2
SECONDS = 6


def load() -> dict:
    """The demo data, a claim with FORECASTERS standing forecasts, and a session cookie of
    a demo participant who forecast on it."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bets.claims.community import community_rebuild
    from bets.claims.services import claim_feature
    from bets.models import Claim
    from tests.factories import make_open_claim

    call_command("load_demo", verbosity=0)
    User = get_user_model()
    staff = User.objects.filter(is_staff=True).first()
    reader = User.objects.filter(is_staff=False, forecasts__isnull=False).first()
    demo_claim = Claim.objects.filter(status="open", forecasts__isnull=False).first()
    claim_feature(claim_id=demo_claim.pk, moderator=staff, featured=True)
    big = make_open_claim(author=staff, moderator=staff, title="A claim 10,000 people forecast",
                          opened_ago=timedelta(days=60), days_open=60)
    first_id = User.objects.order_by("-id").values_list("id", flat=True)[0] + 1
    copy_rows(
        "auth_user",
        ["id", "password", "username", "first_name", "last_name", "email", "is_superuser",
         "is_staff", "is_active", "date_joined"],
        ((first_id + i, "!", f"crowd{i:05d}", "", "", "", False, False, True,
          "2025-01-01T00:00:00Z") for i in range(FORECASTERS)),
    )
    reset_sequence("auth_user")
    rng = random.Random(12)
    start = timezone.now() - timedelta(days=59)
    copy_rows(
        "bets_forecast",
        ["claim_id", "participant_id", "probability", "start_time", "end_time"],
        ((big.pk, first_id + i, round(rng.betavariate(3, 4) * 0.98 + 0.01, 3),
          start + timedelta(seconds=500 * i), None) for i in range(FORECASTERS)),
    )
    Claim.objects.filter(pk=big.pk).update(criteria_frozen_at=start)
    community_rebuild(claim_id=big.pk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    reader.set_password(READER_PASSWORD)
    reader.save(update_fields=["password"])
    return {
        "demo_claim": demo_claim.pk,
        "resolved_claim": Claim.objects.filter(status="resolved").values_list("pk", flat=True)[0],
        "big_claim": big.pk,
        "reader": reader.username,
        "when": datetime.now(UTC),
    }


def session_cookie(base: str, username: str) -> str:
    """Log in through the login form, as a browser does; returns the Cookie header. (By
    hand: production cookies are Secure, which a cookie jar would not send over http.)"""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")

    def call(method: str, body: str = "", cookie: str = "") -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        headers = {"Cookie": cookie} if cookie else {}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, "/login/", body=body or None, headers=headers)
        response = conn.getresponse()
        cookies = {}
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookies[name] = rest.split(";", 1)[0]
        return response.status, cookies, response.read().decode()

    _status, cookies, page = call("GET")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token and "csrftoken" in cookies, "no CSRF token on the login page"
    body = urllib.parse.urlencode({"username": username, "password": READER_PASSWORD,
                                   "csrfmiddlewaretoken": token.group(1)})
    status, after, _page = call("POST", body, f"csrftoken={cookies['csrftoken']}")
    assert status == 302 and "sessionid" in after, f"the reader could not log in ({status})"
    csrf = after.get("csrftoken", cookies["csrftoken"])
    return f"sessionid={after['sessionid']}; csrftoken={csrf}"


def collect_static() -> None:
    """Production settings serve hashed static files from a manifest: build it once, in a
    directory gunicorn's environment names (STATIC_ROOT)."""
    root = tempfile.mkdtemp(prefix="crux-bench-static-")
    os.environ["STATIC_ROOT"] = root
    env = os.environ | {"DEBUG": "0", "CRUX_PRODUCTION": "1",
                        "SECRET_KEY": secrets.token_urlsafe(50)}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=env, check=True)


def rows_rendered_afresh(username: str, repeats: int = 200) -> None:
    """The claim lists keep each rendered row per process (bets.web.claims.rows), so the
    served figures above are for rows seen before. This is the home page when no row can
    be reused (as if every claim had changed since the last view), in this process through
    Django's test client, with the served pages' settings."""
    import time

    from django.contrib.auth import get_user_model
    from django.test import Client

    from bets.web.claims import rows as claim_rows
    client = Client(HTTP_HOST="127.0.0.1")
    signed_in = Client(HTTP_HOST="127.0.0.1")
    signed_in.force_login(get_user_model().objects.get(username=username))
    for name, who, path in (("home", client, "/"), ("mine (logged in)", signed_in,
                                                     "/?mine=forecast")):
        times = []
        for i in range(repeats + 10):
            claim_rows._rendered.clear()
            started = time.perf_counter()
            response = who.get(path)
            if i >= 10:  # the first views warm the process
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        times.sort()
        report(f"page p95, {name}, every claim row rendered afresh (in-process)",
               times[int(len(times) * 0.95)], TARGET,
               note=f"{path}; {repeats} requests, median {times[len(times) // 2] * 1000:.1f} ms")


def main() -> None:
    # The in-process measurement runs with the settings gunicorn gets (bench/httpload.py).
    collect_static()
    os.environ.update(DEBUG="0", CRUX_PRODUCTION="1", SECRET_KEY=secrets.token_urlsafe(50),
                      ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0", DB_CONN_MAX_AGE="600")
    database_url = django_on_fresh_database("pages")
    data = load()
    c, r, big = data["demo_claim"], data["resolved_claim"], data["big_claim"]
    pages = [
        ("home", "/", False, TARGET),
        ("claim list, search", "/?q=chain+of+thought", False, TARGET),
        ("claim list, sorted by 7-day move", "/?sort=move&status=open", False, TARGET),
        ("claim list, mine (logged in)", "/?mine=forecast", True, TARGET),
        ("API claim list, search and sort", "/api/claims/?search=gap&ordering=closing", False,
         TARGET),
        ("claim page", f"/claims/{c}/", False, TARGET),
        ("claim page (logged in forecaster)", f"/claims/{c}/", True, TARGET),
        ("resolved claim page", f"/claims/{r}/", False, TARGET),
        ("propose form (logged in)", "/claims/new/", True, TARGET),
        ("leaderboard", "/leaderboard/", False, TARGET),
        ("methodology", "/methodology/", False, TARGET),
        ("participant page", f"/u/{data['reader']}/", False, TARGET),
        ("claim page, 10,000 forecasters", f"/claims/{big}/", False, BIG_TARGET),
        ("claim page, 10,000 forecasters (logged in)", f"/claims/{big}/", True, BIG_TARGET),
    ]
    with gunicorn_serving(database_url, ready_path="/") as base:
        cookie = session_cookie(base, data["reader"])
        for name, path, logged_in, target in pages:
            cookie_header = cookie if logged_in else ""
            env = {"CRUX_WRK_PATH": path, "CRUX_WRK_COOKIE": cookie_header}
            wrk(base, "page.lua", connections=1, seconds=WARMUP_SECONDS, threads=1, env=env)
            run = wrk(base, "page.lua", connections=1, seconds=SECONDS, threads=1, env=env)
            report(
                f"page p95, {name}", run["p95_ms"] / 1000, target,
                note=f"{path}; {run['requests']} requests, median {run['p50_ms']:.1f} ms, "
                f"p99 {run['p99_ms']:.1f} ms",
            )
    rows_rendered_afresh(data["reader"])


if __name__ == "__main__":
    main()
