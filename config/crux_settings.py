"""Crux's settings for live evaluation runs and for the conversation (comments, notifications,
email, accounts). config/settings.py imports every name here; each default lives here once."""

import os
from pathlib import Path

from config.env import VAR_DIR, env_bool, env_int

# --- Live evaluation runs (docs/live-runs.md) ----------------------------------------------
# Each attempt's inspect logs live under CRUX_LIVE_DIR/attempt-<id>/. Budgets cap what one
# spec may ask for; a spec may ask for less (budget_seconds, budget_tokens).
CRUX_LIVE_DIR = Path(os.environ.get("CRUX_LIVE_DIR", VAR_DIR / "live"))
CRUX_LIVE_MAX_SAMPLES = env_int("CRUX_LIVE_MAX_SAMPLES", 5000)
CRUX_LIVE_MAX_SECONDS = env_int("CRUX_LIVE_MAX_SECONDS", 3000)
CRUX_LIVE_MAX_TOKENS = env_int("CRUX_LIVE_MAX_TOKENS", 5_000_000)
CRUX_LIVE_MAX_SHARDS = env_int("CRUX_LIVE_MAX_SHARDS", 64)
CRUX_LIVE_MAX_CONNECTIONS = env_int("CRUX_LIVE_MAX_CONNECTIONS", 256)
# A running shard writes a heartbeat this often; one silent for CRUX_LIVE_STALE_SECONDS is
# taken to be dead and a redelivered task may take it over (and resume from its logs).
CRUX_LIVE_HEARTBEAT_SECONDS = env_int("CRUX_LIVE_HEARTBEAT_SECONDS", 2)
CRUX_LIVE_STALE_SECONDS = env_int("CRUX_LIVE_STALE_SECONDS", 30)
# Samples per log flush: what a killed worker can lose and has to run again.
CRUX_LIVE_LOG_BUFFER = env_int("CRUX_LIVE_LOG_BUFFER", 10)
# Transient endpoint errors: the provider retries each call with backoff; eval_set retries a
# failed task; an endpoint that does not answer at the start is tried again this many times.
CRUX_LIVE_REQUEST_TIMEOUT = env_int("CRUX_LIVE_REQUEST_TIMEOUT", 60)
CRUX_LIVE_REQUEST_RETRIES = env_int("CRUX_LIVE_REQUEST_RETRIES", 3)
CRUX_LIVE_TASK_RETRIES = env_int("CRUX_LIVE_TASK_RETRIES", 1)
CRUX_LIVE_TASK_RETRY_WAIT = env_int("CRUX_LIVE_TASK_RETRY_WAIT", 5)
CRUX_LIVE_ENDPOINT_RETRIES = env_int("CRUX_LIVE_ENDPOINT_RETRIES", 3)

# --- Conversation: comments, notifications, email, accounts ---------------------------------
# Email: the default writes each message to a file under var/emails (`make run` shows what
# would be sent); production sets EMAIL_BACKEND to ...smtp.EmailBackend and EMAIL_HOST*.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "emails"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Crux <crux@localhost>")
# Absolute links in emails (verification, unsubscribe, the notification itself).
CRUX_SITE_URL = os.environ.get("CRUX_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CRUX_SITE_NAME = os.environ.get("CRUX_SITE_NAME", "Crux")  # in email subjects and texts
CRUX_COMMENT_MAX_CHARS = env_int("CRUX_COMMENT_MAX_CHARS", 10_000)
CRUX_COMMENT_EDIT_SECONDS = env_int("CRUX_COMMENT_EDIT_SECONDS", 15 * 60)
# At most CRUX_COMMENT_RATE_LIMIT comments per participant in CRUX_COMMENT_RATE_WINDOW seconds.
CRUX_COMMENT_RATE_LIMIT = env_int("CRUX_COMMENT_RATE_LIMIT", 10)
CRUX_COMMENT_RATE_WINDOW = env_int("CRUX_COMMENT_RATE_WINDOW", 10 * 60)
# Emails: one task per batch of notifications; a failed send is retried after
# CRUX_EMAIL_RETRY_SECONDS * 2**(attempt-1), and recorded as failed after the last attempt.
CRUX_EMAIL_BATCH = env_int("CRUX_EMAIL_BATCH", 100)
CRUX_EMAIL_MAX_ATTEMPTS = env_int("CRUX_EMAIL_MAX_ATTEMPTS", 5)
CRUX_EMAIL_RETRY_SECONDS = env_int("CRUX_EMAIL_RETRY_SECONDS", 30)
# Reminder job: a claim closing within 24 h whose forecaster's standing forecast is older than
# CRUX_REMINDER_STALE_DAYS gets a reminder. The job runs every CRUX_REMINDER_SECONDS and is
# reported stale (staff page, /healthz) when it has not run for 3 periods.
CRUX_REMINDER_STALE_DAYS = env_int("CRUX_REMINDER_STALE_DAYS", 7)
CRUX_REMINDER_SECONDS = env_int("CRUX_REMINDER_SECONDS", 300)
# Events (resolutions, bets matched, comments, ...) are recorded in an outbox with the state
# change; one whose fan-out has not committed CRUX_EVENT_GRACE_SECONDS after its dispatch was
# lost, and the reminder job dispatches it again (at most CRUX_EVENT_REDISPATCH_BATCH a run).
CRUX_EVENT_GRACE_SECONDS = env_int("CRUX_EVENT_GRACE_SECONDS", 60)
CRUX_EVENT_REDISPATCH_BATCH = env_int("CRUX_EVENT_REDISPATCH_BATCH", 500)
CRUX_LOGIN_MAX_FAILURES = env_int("CRUX_LOGIN_MAX_FAILURES", 5)  # per (username, address)
CRUX_LOGIN_ADDRESS_MAX_FAILURES = env_int("CRUX_LOGIN_ADDRESS_MAX_FAILURES", 50)  # per address
CRUX_LOGIN_WINDOW_SECONDS = env_int("CRUX_LOGIN_WINDOW_SECONDS", 15 * 60)
CRUX_SIGNUPS_PER_ADDRESS_PER_DAY = env_int("CRUX_SIGNUPS_PER_ADDRESS_PER_DAY", 5)
