"""Prints a custom resource's status.outputs and conditions from `kubectl get -o json` on stdin."""
import json
import sys

status = json.load(sys.stdin).get("status", {})
for key, value in status.get("outputs", {}).items():
    print(f"  {key}: {value}")
for c in status.get("conditions", []):
    print("  %s=%s (%s): %s" % (c["type"], c["status"], c["reason"], c["message"]))
