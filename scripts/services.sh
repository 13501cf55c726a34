#!/usr/bin/env bash
# Make sure the local PostgreSQL (127.0.0.1:5432, user postgres, trust) and Redis (127.0.0.1:6379) that the
# scale-out tests use are running; start them when they are not. Never skips: fails loudly instead.
set -euo pipefail
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }

if ! pg_up; then
  echo "==> starting PostgreSQL"
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  [[ -n $version ]] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
  for _ in $(seq 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL did not start" >&2; exit 1; }
fi
if ! redis_up; then
  echo "==> starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/scanflow-redis.log
  for _ in $(seq 30); do redis_up && break; sleep 1; done
  redis_up || { echo "Redis did not start" >&2; exit 1; }
fi
