"""Helpers for the accounts tests: a password hasher that counts its checks and takes the
time a real one does, so races between parallel log-ins and sign-ups open as they do in
production (the suite's MD5 hasher answers in microseconds and hides them)."""

import threading
import time

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection


class CountingSlowHasher(MD5PasswordHasher):
    """MD5 (the suite's hasher) plus the ~0.2 s a production hasher spends on each password;
    `checks` counts every password verified."""

    algorithm = "counting_slow_md5"
    delay = 0.2
    checks = 0
    lock = threading.Lock()

    def encode(self, password, salt):
        time.sleep(self.delay)  # verify() encodes too, so each check takes this long
        return super().encode(password, salt)

    def verify(self, password, encoded):
        with CountingSlowHasher.lock:
            CountingSlowHasher.checks += 1
        return super().verify(password, encoded)


@pytest.fixture
def slow_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.conftest.CountingSlowHasher"]
    CountingSlowHasher.checks = 0
    return CountingSlowHasher


def run_together(calls):
    """Run each callable in its own thread (its own database connection), all released at
    once; returns each one's result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # collected and asserted on by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
