#!/usr/bin/env bash
# One command from a fresh clone to a running service with a demo organization and a token:
#   npm run demo
set -euo pipefail
cd "$(dirname "$0")/.."

export JWT_SECRET="${JWT_SECRET:-demo-jwt-secret-change-me-0123456789}"
export APP_SECRET="${APP_SECRET:-demo-app-secret-change-me-0123456789}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/scheduled_reports}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export PORT="${PORT:-3000}"
# Mail goes to the local catcher started below unless SMTP_URL points elsewhere.
export SMTP_URL="${SMTP_URL:-smtp://127.0.0.1:1025}"
export MAIL_FROM="${MAIL_FROM:-reports@demo.example}"
# Readable lines in the terminal; services write JSON (LOG_FORMAT=json) by default.
export LOG_FORMAT="${LOG_FORMAT:-text}"
OUTBOX=var/outbox
export PUPPETEER_SKIP_DOWNLOAD=true
DEMO_ORG="${DEMO_ORG:-00000000-0000-4000-8000-00000000d3e0}"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "checking PostgreSQL and Redis"
pg_isready -d "$DATABASE_URL" -q || { echo "PostgreSQL is not reachable at $DATABASE_URL"; exit 1; }
redis-cli -u "$REDIS_URL" ping >/dev/null || { echo "Redis is not reachable at $REDIS_URL"; exit 1; }

db_name="${DATABASE_URL##*/}"; db_name="${db_name%%\?*}"
admin_url="${DATABASE_URL%/*}/postgres"
if [ "$(psql "$admin_url" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db_name'")" != "1" ]; then
  say "creating database $db_name"
  psql "$admin_url" -qc "CREATE DATABASE \"$db_name\""
fi

say "checking Chromium (renders PDF reports)"
bash scripts/ensure-system-packages.sh

if [ ! -d node_modules ]; then say "installing dependencies"; npm ci --no-audit --no-fund; fi
say "building"
npm run build --silent

say "migrating"
npm run migration:run --silent >/dev/null

say "demo organization $DEMO_ORG"
psql "$DATABASE_URL" -qc "INSERT INTO organizations (id, name, brand_name, allowed_email_domains)
  VALUES ('$DEMO_ORG', 'Demo Org', 'Demo Billing', '{demo.example}') ON CONFLICT (id) DO NOTHING"
if [ -f scripts/seed.ts ] && [ "$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM invoices WHERE organization_id = '$DEMO_ORG'" 2>/dev/null || echo 0)" = "0" ]; then
  npm run seed --silent -- --org "$DEMO_ORG" --invoices 5000 --usage-events 20000
fi

TOKEN="$(npm run token --silent -- --org "$DEMO_ORG" --roles admin --permissions billing:read,usage:read,audit:read --sub demo-admin --email admin@demo.example --name 'Demo Admin' --ttl 24h)"
BASE="http://localhost:$PORT"

CATCHER=
if [ "$SMTP_URL" = "smtp://127.0.0.1:1025" ]; then
  say "starting the mail catcher on 127.0.0.1:1025 (messages saved under $OUTBOX/)"
  node -r ts-node/register/transpile-only scripts/mail-catcher.ts --host 127.0.0.1 --port 1025 --dir "$OUTBOX" &
  CATCHER=$!
  for _ in $(seq 1 30); do (exec 3<>/dev/tcp/127.0.0.1/1025) 2>/dev/null && break; sleep 0.5; done
  kill -0 "$CATCHER" 2>/dev/null || { echo "the mail catcher did not start (port 1025 taken?); mail goes to whatever listens there"; CATCHER=; }
fi
# Globs, not ls | wc: under `set -e -o pipefail` a failing ls would end the script.
outbox_count() { local n=0 f; for f in "$OUTBOX"/*.eml; do [ -e "$f" ] && n=$((n + 1)); done; echo "$n"; }
list_outbox() {
  say "messages in $OUTBOX/"
  ls -1 "$OUTBOX"/*.eml 2>/dev/null || echo "(none yet)"
}
SERVICE=
stop_all() {
  kill $SERVICE $CATCHER 2>/dev/null || true
  list_outbox
}
trap stop_all EXIT
trap 'exit 130' INT TERM

say "starting the service (APP_ROLE=all: API, scheduler and workers in one process)"
node dist/main.js &
SERVICE=$!
for _ in $(seq 1 60); do curl -sf "$BASE/health" >/dev/null && break; sleep 1; done

DEMO_NAME="Demo: invoices of the last 7 days"
# Re-running the demo reuses its schedule instead of adding another one each time.
SCHEDULE_ID="$(curl -sf "$BASE/api/scheduled-reports?q=Demo&limit=100" -H "Authorization: Bearer $TOKEN" |
  DEMO_NAME="$DEMO_NAME" node -pe 'JSON.parse(require("fs").readFileSync(0)).data.find((s) => s.name === process.env.DEMO_NAME)?.id ?? ""')"
if [ -n "$SCHEDULE_ID" ]; then
  say "reusing the demo schedule $SCHEDULE_ID (fires every 5 minutes)"
  curl -sf -X POST "$BASE/api/scheduled-reports/$SCHEDULE_ID/resume" -H "Authorization: Bearer $TOKEN" >/dev/null || true
else
  say "creating a demo schedule that fires every 5 minutes"
  SCHEDULE_ID="$(curl -sf -X POST "$BASE/api/scheduled-reports" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{
  "name": "'"$DEMO_NAME"'", "report_type": "invoice_summary", "output_format": "csv",
  "schedule_config": {"cadence": "cron", "timezone": "America/New_York", "cron_expression": "*/5 * * * *"},
  "recipients": [{"type": "email", "value": "finance@demo.example"}],
  "report_parameters": {"date_range": {"preset": "last_7_days"}}}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).id')"
fi

say "running it once now, so its email arrives without waiting for the next slot"
before="$(outbox_count)"
curl -sf -X POST "$BASE/api/scheduled-reports/$SCHEDULE_ID/run" -H "Authorization: Bearer $TOKEN" >/dev/null || true
if [ -n "$CATCHER" ]; then
  for _ in $(seq 1 60); do [ "$(outbox_count)" -gt "$before" ] && break; sleep 1; done
  list_outbox
fi

cat <<MSG

$(tput bold 2>/dev/null || true)The service runs on $BASE$(tput sgr0 2>/dev/null || true)   (Swagger UI: $BASE/docs — "Authorize" with the token)

Open the console, signed in as the demo admin (the page drops the token from the address at once):
  $BASE/app/#token=$TOKEN

Admin token for the demo organization (24 h):
  export TOKEN=$TOKEN

Schedule $SCHEDULE_ID fires by itself at the next multiple of 5 minutes. Then:
  curl -s $BASE/api/scheduled-reports/$SCHEDULE_ID/executions -H "Authorization: Bearer \$TOKEN"
  curl -s $BASE/api/report-executions/<execution id>/download -H "Authorization: Bearer \$TOKEN" -o report.csv
Or run it now:
  curl -s -X POST $BASE/api/scheduled-reports/$SCHEDULE_ID/run -H "Authorization: Bearer \$TOKEN"

Create a weekly report in New York time and see its next five runs (UTC and local):
  curl -s -X POST $BASE/api/scheduled-reports -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' -d '{
    "name": "Weekly invoices", "report_type": "invoice_summary", "output_format": "csv",
    "schedule_config": {"cadence": "weekly", "time": "09:00", "timezone": "America/New_York", "day_of_week": 1},
    "recipients": [{"type": "email", "value": "finance@demo.example"}],
    "report_parameters": {"date_range": {"preset": "previous_week"}}}'
  curl -s "$BASE/api/scheduled-reports/<id from above>/next-runs?count=5" -H "Authorization: Bearer \$TOKEN"

Every email the service sends lands in $OUTBOX/ as a .eml file (open it in any mail client);
the mail catcher logs one line per message here.

Stop with Ctrl-C.
MSG

wait $SERVICE
