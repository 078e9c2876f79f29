#!/bin/bash
# WebPlatform app instance: installs the app in a virtualenv and runs it as the systemd service webapp.
set -euo pipefail
exec > >(tee -a /var/log/webapp-bootstrap.log) 2>&1

dnf install -y python3 python3-pip
id webapp >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin webapp
install -d -m 0755 /opt/webapp /etc/webapp
python3 -m venv /opt/webapp/venv
/opt/webapp/venv/bin/pip install --quiet __PIP_PACKAGES__

cat > /opt/webapp/app.py <<'WEBAPP_FILE'
__APP_PY__
WEBAPP_FILE

cat > /etc/webapp/db.json <<'WEBAPP_FILE'
__DB_JSON__
WEBAPP_FILE

cat > /etc/systemd/system/webapp.service <<'WEBAPP_FILE'
[Unit]
Description=WebPlatform app
After=network-online.target
Wants=network-online.target

[Service]
User=webapp
Environment=WEBAPP_CONFIG=/etc/webapp/db.json
AmbientCapabilities=CAP_NET_BIND_SERVICE
ExecStart=/opt/webapp/venv/bin/gunicorn --bind 0.0.0.0:__PORT__ --workers 2 --chdir /opt/webapp app:app
Restart=always
RestartSec=2

[Install]
WantedBy=multi-user.target
WEBAPP_FILE

systemctl daemon-reload
systemctl enable --now webapp.service
