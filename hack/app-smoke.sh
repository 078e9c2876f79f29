#!/usr/bin/env bash
# Runs the app that the built-in user data installs, as its systemd unit would, against a local
# PostgreSQL and the emulator's Secrets Manager: the script must be valid shell, its files are
# extracted from its here-documents, the unit's ExecStart is started (paths moved under a temporary
# root, port moved off 80), and "/" and "/data" are asked. Then the database is stopped and "/data"
# must say so with a 503.
# Usage: hack/app-smoke.sh USER_DATA_FILE        (AWS_ENDPOINT_URL must point at the emulator)
set -euo pipefail
USER_DATA="$1"
VENV="${WEBAPP_VENV:-$HOME/.webplatform/app-venv}"
PG_PORT="${PG_PORT:-25432}"
APP_PORT="${APP_PORT:-28080}"
: "${AWS_ENDPOINT_URL:?the emulator endpoint (source the testbed env)}"
say() { printf '[app-smoke] %s\n' "$*"; }

bash -n "$USER_DATA"
say "user data is valid bash"
"$(dirname "$0")/testbed-build.sh" app >/dev/null
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"

WORK="$(mktemp -d)"
chmod 0755 "$WORK"
APP_PID=""
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
  as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The files the script writes: cat > PATH <<'WEBAPP_FILE' ... WEBAPP_FILE
awk -v root="$WORK/root" '
  /^cat > .* <<.WEBAPP_FILE.$/ { path = root $3; cmd = "mkdir -p \"$(dirname \"" path "\")\""; system(cmd); inside = 1; next }
  /^WEBAPP_FILE$/ { inside = 0; close(path); next }
  inside { print > path }
' "$USER_DATA"
for f in opt/webapp/app.py etc/webapp/db.json etc/systemd/system/webapp.service; do
  [ -s "$WORK/root/$f" ] || { say "the user data does not write /$f"; exit 1; }
done
say "extracted /opt/webapp/app.py, /etc/webapp/db.json, /etc/systemd/system/webapp.service"

# Database name and user as rendered; a local PostgreSQL with a password only Secrets Manager knows.
read -r DB_NAME DB_USER < <("$VENV/bin/python" -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["database"], c["user"])' "$WORK/root/etc/webapp/db.json")
PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
mkdir -p "$WORK/pg" && printf '%s\n' "$PASSWORD" > "$WORK/pwfile"
[ "$(id -u)" -eq 0 ] && chown postgres "$WORK/pg" "$WORK/pwfile"
as_pg "$PG_BIN/initdb" -D "$WORK/pg" -U "$DB_USER" --auth=scram-sha-256 --pwfile="$WORK/pwfile" >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/log" -w \
  -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1" start >/dev/null
PGPASSWORD="$PASSWORD" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" "$DB_NAME"
say "PostgreSQL on 127.0.0.1:$PG_PORT, database $DB_NAME, user $DB_USER"

SECRET_ARN="$("$VENV/bin/python" - "$DB_USER" "$PASSWORD" <<'PY'
import boto3, json, sys, uuid
sm = boto3.client("secretsmanager", region_name="eu-west-3")
print(sm.create_secret(Name="rds!db-smoke-" + uuid.uuid4().hex, SecretString=json.dumps({"username": sys.argv[1], "password": sys.argv[2]}))["ARN"])
PY
)"
# The rendered settings, pointed at the local database (no TLS here) and the emulator's secret.
"$VENV/bin/python" - "$WORK/root/etc/webapp/db.json" "$PG_PORT" "$SECRET_ARN" <<'PY'
import json, sys
path, port, arn = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cfg = json.load(open(path))
cfg.update(host="127.0.0.1", port=port, sslmode="disable", passwordSecretArn=arn)
json.dump(cfg, open(path, "w"))
PY

UNIT="$WORK/root/etc/systemd/system/webapp.service"
EXEC="$(sed -n 's/^ExecStart=//p' "$UNIT")"
CONFIG="$(sed -n 's/^Environment=WEBAPP_CONFIG=//p' "$UNIT")"
EXEC="${EXEC//\/opt\/webapp\/venv/$VENV}"
EXEC="${EXEC//--chdir \/opt\/webapp/--chdir $WORK/root/opt/webapp}"
EXEC="$(echo "$EXEC" | sed -E "s/--bind [0-9.]+:[0-9]+/--bind 127.0.0.1:$APP_PORT/")"
say "starting: $EXEC"
WEBAPP_CONFIG="$WORK/root$CONFIG" $EXEC >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$APP_PORT/" >/dev/null 2>&1 && break; sleep 0.2; done

ROOT_ANSWER="$(curl -fsS "http://127.0.0.1:$APP_PORT/")" || { cat "$WORK/app.log"; exit 1; }
say "GET / -> $ROOT_ANSWER"
DATA_ANSWER="$(curl -fsS "http://127.0.0.1:$APP_PORT/data")" || { cat "$WORK/app.log"; exit 1; }
say "GET /data -> $DATA_ANSWER"
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null
DOWN_CODE="$(curl -s -o "$WORK/down.json" -w '%{http_code}' "http://127.0.0.1:$APP_PORT/data")"
say "GET /data with the database stopped -> $DOWN_CODE $(cat "$WORK/down.json")"
