"""The WebPlatform app: "/" says it is running, "/data" returns the database's SELECT NOW() as JSON.

Its database settings come from the JSON file named by WEBAPP_CONFIG (host, port, database, user,
sslmode, region, passwordSecretArn). The password itself is never on disk: it is read from the
RDS-managed secret in Secrets Manager with the instance role, at each new connection, so a rotated
password is picked up without a restart.
"""
import json
import os
import socket

import boto3
import psycopg2
from flask import Flask, jsonify

CONFIG_PATH = os.environ.get("WEBAPP_CONFIG", "/etc/webapp/db.json")

app = Flask(__name__)


def settings():
    with open(CONFIG_PATH, encoding="utf-8") as f:
        return json.load(f)


def password(cfg):
    client = boto3.client("secretsmanager", region_name=cfg["region"])
    secret = json.loads(client.get_secret_value(SecretId=cfg["passwordSecretArn"])["SecretString"])
    return secret["password"]


@app.route("/")
def index():
    return jsonify(status="running", instance=socket.gethostname())


@app.route("/data")
def data():
    cfg = settings()
    try:
        conn = psycopg2.connect(host=cfg["host"], port=cfg["port"], dbname=cfg["database"], user=cfg["user"],
                                password=password(cfg), sslmode=cfg.get("sslmode", "require"), connect_timeout=5)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT NOW()")
                (now,) = cur.fetchone()
        finally:
            conn.close()
    except Exception as e:  # the load balancer checks "/", so a database outage shows here, not as a dead target
        return jsonify(error="database unavailable", detail=type(e).__name__), 503
    return jsonify(now=now.isoformat())
