#!/usr/bin/env bash
# Run Comptoir as in production, on this machine: PostgreSQL, gunicorn with
# several workers, the task worker, production settings from the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var

export DJANGO_SETTINGS_MODULE=comptoir.settings.prod
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/comptoir_prod}"
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  [ -s var/prod-secret-key ] || $PY -c "import secrets; print(secrets.token_urlsafe(50))" > var/prod-secret-key
  DJANGO_SECRET_KEY="$(cat var/prod-secret-key)"
  export DJANGO_SECRET_KEY
fi
if [ -z "${COMPTOIR_INTEGRITY_KEY:-}" ]; then
  [ -s var/prod-integrity-key ] || $PY -c "import secrets; print(secrets.token_urlsafe(48))" > var/prod-integrity-key
  COMPTOIR_INTEGRITY_KEY="$(cat var/prod-integrity-key)"
  export COMPTOIR_INTEGRITY_KEY
fi
export COMPTOIR_TRUSTED_PROXY_HEADER="${COMPTOIR_TRUSTED_PROXY_HEADER:-REMOTE_ADDR}"
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"
# Plain HTTP on the loopback: no TLS in front here (a proxy does it in production).
export DJANGO_SECURE_SSL_REDIRECT="${DJANGO_SECURE_SSL_REDIRECT:-0}"
export DJANGO_SECURE_COOKIES="${DJANGO_SECURE_COOKIES:-0}"
export DJANGO_HSTS_SECONDS="${DJANGO_HSTS_SECONDS:-0}"
export MEDIA_ROOT="${MEDIA_ROOT:-$PWD/var/prod-media}"
export DJANGO_EMAIL_BACKEND="${DJANGO_EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}"
export EMAIL_FILE_PATH="${EMAIL_FILE_PATH:-$PWD/var/prod-mail}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:8000}"
# This machine's stack (demo data, no Stripe keys) pays with the simulator,
# as a staging site would: explicitly allowed, with a secret of its own. A
# real deployment leaves COMPTOIR_ALLOW_PAYMENT_SIMULATOR unset and
# configures Stripe per organization (back office, "Paiement en ligne").
if [ -z "${COMPTOIR_ALLOW_PAYMENT_SIMULATOR+x}" ]; then
  export COMPTOIR_ALLOW_PAYMENT_SIMULATOR=1
  if [ -z "${PAYMENT_SIMULATOR_SECRET:-}" ]; then
    [ -s var/prod-simulator-secret ] || $PY -c "import secrets; print(secrets.token_urlsafe(40))" > var/prod-simulator-secret
    PAYMENT_SIMULATOR_SECRET="$(cat var/prod-simulator-secret)"
    export PAYMENT_SIMULATOR_SECRET
  fi
fi
WEB_WORKERS="${WEB_WORKERS:-4}"
TASK_WORKERS="${TASK_WORKERS:-1}"
BIND="${BIND:-127.0.0.1:8000}"

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
dbname="${DATABASE_URL##*/}"
psql "${DATABASE_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$dbname'" | grep -q 1 \
  || psql "${DATABASE_URL%/*}/postgres" -c "CREATE DATABASE \"$dbname\"" >/dev/null

$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
[ "${LOAD_DEMO:-1}" = 1 ] && $PY manage.py load_demo
$PY manage.py requeue_renders

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
for i in $(seq 1 "$TASK_WORKERS"); do
  $PY manage.py db_worker --no-reload --interval 0.5 &
  pids+=($!)
done
# The e-invoicing sweep (retries, statuses, e-reports): cron in a real deployment.
while true; do $PY manage.py einvoicing_sync >/dev/null || true; sleep 300; done &
pids+=($!)
.venv/bin/gunicorn comptoir.wsgi:application --bind "$BIND" --workers "$WEB_WORKERS" \
  --worker-class sync --max-requests 20000 --max-requests-jitter 2000 \
  --access-logfile - --graceful-timeout 10 &
pids+=($!)
echo "Comptoir (production settings) on http://$BIND — web workers: $WEB_WORKERS, task workers: $TASK_WORKERS"
wait -n "${pids[@]}"
