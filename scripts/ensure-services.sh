#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1 for the test suite: start them if they
# are installed but stopped, install them from Debian's packages if they are missing.
# `ensure-services.sh bench` also installs wrk for `make bench`.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! pg_up; then
  if ! command -v pg_ctlcluster >/dev/null; then
    echo "Installing PostgreSQL..."; apt_install postgresql
  fi
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  # Tests connect as postgres over TCP without a password, as on the project's machines.
  if ! grep -q "crux-trust" "$hba"; then
    $SUDO sed -i '1i host all all 127.0.0.1/32 trust # crux-trust\nhost all all ::1/128 trust # crux-trust' "$hba"
  fi
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || $SUDO pg_ctlcluster "$version" main start
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
pg_up || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
# The database the test URL names: makemigrations --check reads its migration history (the
# suite itself runs in pytest-django's test_crux beside it).
if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'crux'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE crux"
fi

if ! redis_up; then
  if ! command -v redis-server >/dev/null; then
    echo "Installing Redis..."; apt_install redis-server
  fi
  mkdir -p /tmp/crux-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp/crux-redis --logfile /tmp/crux-redis/redis.log
  for _ in $(seq 1 30); do redis_up && break; sleep 0.5; done
fi
redis_up || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }

if ! command -v chromium >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."; apt_install chromium
fi
if ! command -v ssh-keygen >/dev/null; then
  # Agreements are signed with stock OpenSSH; Crux verifies ECDSA and sk- signatures with it.
  echo "Installing Debian's openssh-client (ssh-keygen) for signed agreements..."
  apt_install openssh-client
fi
if [ "${1:-}" = "bench" ] && ! command -v wrk >/dev/null; then
  echo "Installing Debian's wrk, the HTTP load generator of the benchmarks..."; apt_install wrk
fi
echo "PostgreSQL, Redis, chromium and ssh-keygen are ready."
