"""The helpers of hack/bench.sh: the N copies, readiness, measurements and the table.
    python3 hack/bench.py manifests SB.json WP.json N KINDS NAMESPACES [rolled]
                                                                        a kubectl List of N copies of each sample
    python3 hack/bench.py ready < `kubectl get ... -o json`             "ready total" (Ready at the current generation)
    python3 hack/bench.py snapshot METRICS_URL OPERATOR_PID MOTO_PID    one JSON line: AWS call counters, CPU, memory
    python3 hack/bench.py sample OPERATOR_PID OUT                       VmRSS once a second until the operator ends
    python3 hack/bench.py table DIR                                     the markdown table from what bench.sh wrote in DIR
Calls are read from the operator's metric webplatform_aws_api_calls_total (aws/ApiCallMetrics), which counts
every SDK call by service, operation and outcome; a call is a read when its operation starts with Get,
Describe, List or Head (ApiCallMetrics.isReadOnly), otherwise a write.
"""
import copy
import json
import os
import re
import sys
import time
import urllib.request

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
KINDS = {"webplatform": "WebPlatform", "securebucket": "SecureBucket"}


def kinds_of(arg):
    return ["securebucket", "webplatform"] if arg == "both" else [arg]


def manifests(sb_file, wp_file, n, kinds, namespaces, rolled=False):
    """N copies of each sample, named sb-<i> and wp-<i>, spread over bench-1..bench-<namespaces>.
    WebPlatform wp-<i> sends its flow logs to SecureBucket sb-<i> (as the samples pair them); alone,
    it makes its own flow-log bucket. Bucket names default to <namespace>-<name>-<hash>: distinct.
    rolled: with the rolling change (ROLLOUT) applied."""
    samples = {"securebucket": json.load(open(sb_file)), "webplatform": json.load(open(wp_file))}
    items = []
    for ns in range(1, namespaces + 1):
        items.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"bench-{ns}", "labels": {"bench": "true"}}})
    for i in range(1, n + 1):
        ns = f"bench-{(i - 1) % namespaces + 1}"
        for kind in kinds_of(kinds):
            obj = copy.deepcopy(samples[kind])
            obj["metadata"] = {"name": f"{'sb' if kind == 'securebucket' else 'wp'}-{i}", "namespace": ns,
                               "labels": {"bench": "true"}}
            if kind == "webplatform":
                if kinds == "both":
                    obj["spec"]["network"]["flowLogs"] = {"bucketRef": f"sb-{i}"}
                else:
                    obj["spec"]["network"].pop("flowLogs", None)
            if rolled:
                ROLLOUT[kind](obj["spec"])
            items.append(obj)
    json.dump({"apiVersion": "v1", "kind": "List", "items": items}, sys.stdout)


# The rolling change: a spec change that makes a real, cheap AWS change on every object: on a WebPlatform
# the CPU alarms' threshold (PutMetricAlarm; the default is 80), on a SecureBucket one more tag (tagging
# calls on the bucket, backup bucket, key, role, trail and its bucket).
ROLLOUT = {"webplatform": lambda spec: spec.setdefault("monitoring", {}).update(cpuPercent=81),
           "securebucket": lambda spec: spec.setdefault("tags", {}).update({"bench-rollout": "1"})}
ROLLOUT_TEXT = {"webplatform": "WebPlatform monitoring.cpuPercent 80 → 81", "securebucket": "SecureBucket one more tag"}


def ready():
    """Objects whose Ready condition is True for their current generation: a change not yet reconciled
    does not count, even while the old generation's Ready stays True."""
    counts = {}
    for obj in json.load(sys.stdin)["items"]:
        kind = obj["kind"]
        status = obj.get("status") or {}
        generation = obj["metadata"].get("generation")
        cond = next((c for c in status.get("conditions") or [] if c["type"] == "Ready"), None)
        ok = (cond is not None and cond["status"] == "True" and status.get("observedGeneration") == generation
              and cond.get("observedGeneration", generation) == generation)
        r, t = counts.get(kind, (0, 0))
        counts[kind] = (r + ok, t + 1)
    total_ready = sum(r for r, _ in counts.values())
    total = sum(t for _, t in counts.values())
    detail = " ".join(f"{k}={r}/{t}" for k, (r, t) in sorted(counts.items()))
    print(total_ready, total, detail)


def cpu_seconds(pid):
    """utime + stime of the process (fields 14 and 15 of /proc/<pid>/stat), in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return None


def memory_kib(pid):
    """VmRSS and VmHWM (the peak since start) of the process, in KiB."""
    found = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, value = line.split(":")
                    found[key] = int(value.split()[0])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found.get("VmRSS"), found.get("VmHWM")


METRIC_LINE = re.compile(r'^webplatform_aws_api_calls_total\{([^}]*)\}\s+([0-9.eE+-]+)')


def aws_calls(url):
    """The counters as {"Service:Operation:outcome": count}."""
    calls = {}
    with urllib.request.urlopen(url, timeout=30) as response:
        for line in response.read().decode().splitlines():
            m = METRIC_LINE.match(line)
            if m:
                labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
                key = f"{labels.get('service')}:{labels.get('operation')}:{labels.get('outcome')}"
                calls[key] = calls.get(key, 0) + float(m.group(2))
    return calls


PASS_LINE = re.compile(r'^webplatform_reconcile_duration_seconds_(count|sum)\{([^}]*)\}\s+([0-9.eE+-]+)')


def passes(url):
    """Reconcile and cleanup passes (engine/ReconcileTimer) as {"Kind:action": [count, seconds]}."""
    found = {}
    with urllib.request.urlopen(url, timeout=30) as response:
        for line in response.read().decode().splitlines():
            m = PASS_LINE.match(line)
            if m:
                labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
                entry = found.setdefault(f"{labels.get('kind')}:{labels.get('action')}", [0, 0.0])
                entry[0 if m.group(1) == "count" else 1] += float(m.group(3))
    return found


def snapshot(url, operator_pid, moto_pid):
    rss, hwm = memory_kib(operator_pid)
    print(json.dumps({"t": time.time(), "calls": aws_calls(url), "passes": passes(url), "operator_cpu": cpu_seconds(operator_pid),
                      "moto_cpu": cpu_seconds(moto_pid), "rss_kib": rss, "hwm_kib": hwm,
                      "load": open("/proc/loadavg").read().split()[:3]}))


def sample(operator_pid, out):
    with open(out, "a") as f:
        while True:
            rss, _ = memory_kib(operator_pid)
            if rss is None:
                return
            f.write(f"{time.time():.1f} {rss}\n")
            f.flush()
            time.sleep(1)


def is_read(operation):
    return operation.startswith(("Get", "Describe", "List", "Head"))


def delta(before, after):
    """Calls made between two snapshots: {"Service:Operation:outcome": count}, zero counts dropped."""
    return {k: v - before["calls"].get(k, 0) for k, v in after["calls"].items() if v - before["calls"].get(k, 0) > 0}


def split(calls):
    reads = sum(v for k, v in calls.items() if is_read(k.split(":")[1]))
    return reads, sum(calls.values()) - reads


def peak_rss_mib(samples, t0, t1):
    within = [rss for t, rss in samples if t0 <= t <= t1]
    return max(within) / 1024 if within else None


def kind_calls(log_file, start, end):
    """Per kind, from the operator's DEBUG lines (ManagedReconciler) between the log's byte offsets start and
    end: "<Kind> ns/name: <n> AWS calls: {...}" ends each full pass, "<Kind> ns/name: idle: ..." is a pass the
    idle gate skipped (no call of its own). Returns kind -> (calls, full passes, reads, skipped passes)."""
    per_kind = {}
    line_re = re.compile(r'(WebPlatform|SecureBucket) \S+: (\d+) AWS calls: \{(.*)\}')
    idle_re = re.compile(r'(WebPlatform|SecureBucket) \S+: idle: ')
    for line in read_log(log_file, start, end).splitlines():
        calls, passes, reads, skipped = (0, 0, 0, 0)
        m = line_re.search(line)
        if m:
            calls, passes, reads, skipped = per_kind.get(m.group(1), (0, 0, 0, 0))
            ops = dict((k.strip(), int(v)) for k, v in (p.rsplit("=", 1) for p in m.group(3).split(", ") if "=" in p))
            per_kind[m.group(1)] = (calls + int(m.group(2)), passes + 1,
                                    reads + sum(v for k, v in ops.items() if is_read(k.split(":", 1)[1])), skipped)
        elif (m := idle_re.search(line)):
            calls, passes, reads, skipped = per_kind.get(m.group(1), (0, 0, 0, 0))
            per_kind[m.group(1)] = (calls, passes, reads, skipped + 1)
    return per_kind


def read_log(log_file, start, end):
    with open(log_file, "rb") as f:
        f.seek(start)
        return f.read(max(0, end - start)).decode(errors="replace")


def fmt(x, digits=0):
    if x is None:
        return "—"
    return f"{x:.{digits}f}"


def table(directory):
    meta = dict(line.rstrip("\n").split("=", 1) for line in open(os.path.join(directory, "meta")) if "=" in line)
    snaps = {}
    for name in os.listdir(directory):
        if name.startswith("snap-") and name.endswith(".json"):
            snaps[name[5:-5]] = json.load(open(os.path.join(directory, name)))
    samples = []
    if os.path.exists(os.path.join(directory, "rss.samples")):
        for line in open(os.path.join(directory, "rss.samples")):
            t, rss = line.split()
            samples.append((float(t), int(rss)))
    n = int(meta["n"])
    kinds = meta["kinds"]
    log = meta.get("log")
    windows = int(meta["windows"])
    per_kind_text = {"both": f"{n} WebPlatforms + {n} SecureBuckets", "webplatform": f"{n} WebPlatforms",
                     "securebucket": f"{n} SecureBuckets"}[kinds]
    unit = "platform (a WebPlatform and its SecureBucket)" if kinds == "both" else KINDS[kinds]
    print(f"### hack/bench.sh {n}: {per_kind_text}, resync {meta['resync']}, JVM {meta['jvm']}")
    print()
    print(f"Calls are per {unit}: reads / writes. Load average (1 min) at the start and end of each phase: "
          f"{meta['cpus']} CPUs, shared with whatever else runs.")
    print()
    print("| phase | seconds | done | peak RSS MiB | operator CPU s (% of a core) | emulator CPU s (% of a core) | AWS calls per " +
          ("platform" if kinds == "both" else KINDS[kinds]) + " | load |")
    print("|---|---|---|---|---|---|---|---|")
    notes = []

    def row(label, start, end, seconds_text, done, calls_text=None, rss_text=None):
        a, b = snaps.get(start), snaps.get(end)
        if not a or not b:
            print(f"| {label} | {seconds_text} | {done} | — | — | — | — | — |")
            return None
        calls = delta(a, b)
        reads, writes = split(calls)
        peak = peak_rss_mib(samples, a["t"], b["t"])
        op_cpu = b["operator_cpu"] - a["operator_cpu"] if a["operator_cpu"] is not None and b["operator_cpu"] is not None else None
        moto_cpu = b["moto_cpu"] - a["moto_cpu"] if a["moto_cpu"] is not None and b["moto_cpu"] is not None else None
        if calls_text is None:
            calls_text = f"{fmt(reads / n)} / {fmt(writes / n)}"
        wall = b["t"] - a["t"]

        def share(cpu):  # CPU seconds, and the share of one core over the phase
            return "—" if cpu is None else f"{fmt(cpu)} ({fmt(100 * cpu / wall)} %)" if wall > 0 else fmt(cpu)
        print(f"| {label} | {seconds_text} | {done} | {rss_text or fmt(peak)} | {share(op_cpu)} | {share(moto_cpu)} | "
              f"{calls_text} | {a['load'][0]} → {b['load'][0]} |")
        made = []
        for key, (count, seconds) in sorted(b.get("passes", {}).items()):
            count0, seconds0 = a.get("passes", {}).get(key, [0, 0.0])
            if count - count0 > 0:
                made.append(f"{key.replace(':', ' ')} {int(count - count0)} (mean {fmt((seconds - seconds0) / (count - count0), 1)} s)")
        if made:
            notes.append(f"Passes while {label.split(':')[0].split(',')[0]}: " + ", ".join(made) + ".")
        return calls

    converge = row("converge", "apply", "converged", meta.get("converge_seconds", "—"), meta.get("converge_done", "—"))
    firsts = [f"every {kind} at {meta[f'converge_all_{kind}']} s" for kind in KINDS.values() if f"converge_all_{kind}" in meta]
    if firsts and kinds == "both":
        notes.append("Converge, all Ready of one kind: " + ", ".join(firsts) + ".")
    if converge:
        top = sorted(converge.items(), key=lambda kv: -kv[1])[:12]
        notes.append("Converge, the most frequent calls (all objects): " +
                     ", ".join(f"{k.rsplit(':', 1)[0]}{'' if k.endswith(':success') else ' (' + k.rsplit(':', 1)[1] + ')'} {int(v)}"
                               for k, v in top))
        failed = {k: v for k, v in converge.items() if not k.endswith(":success")}
        if failed:
            notes.append("Converge, calls that failed: " + ", ".join(f"{k} {int(v)}" for k, v in sorted(failed.items())))
    if "idle-start" in snaps and "idle-end" in snaps:
        a, b = snaps["idle-start"], snaps["idle-end"]
        calls = delta(a, b)
        reads, writes = split(calls)
        per_window = reads / n / windows
        split_text = ""
        if log and "idle_log_start" in meta:
            per_kind = kind_calls(log, int(meta["idle_log_start"]), int(meta["idle_log_end"]))
            parts = []
            for kind in kinds_of(kinds):
                calls_k, passes, reads_k, skipped = per_kind.get(KINDS[kind], (0, 0, 0, 0))
                if passes or skipped:
                    parts.append(f"{KINDS[kind]}: {fmt(passes / n / windows, 2)} full passes of {fmt(reads_k / passes) if passes else '—'} reads"
                                 f" and {fmt(skipped / n / windows, 2)} skipped by the idle gate per object per window")
            split_text = " (" + "; ".join(parts) + ")" if parts else ""
            # Only full passes cost reads: a kind whose passes the gate skipped cannot be behind on them.
            behind = [KINDS[k] for k in kinds_of(kinds) if per_kind.get(KINDS[k], (0, 0, 0, 0))[1]
                      and sum(per_kind.get(KINDS[k], (0, 0, 0, 0))[i] for i in (1, 3)) < 0.9 * n * windows]
            if behind:
                notes.append(f"IDLE PASSES BEHIND: fewer than one pass per object per window for {', '.join(behind)}: the resync "
                             "could not keep up, so the idle reads per window measure the throughput, not the demand "
                             "(which is the reads per pass).")
        idle_rss = b["rss_kib"] / 1024 if b["rss_kib"] else None
        row(f"idle, {windows} × {meta['resync']}", "idle-start", "idle-end", fmt(b["t"] - a["t"]), "—",
            calls_text=f"{fmt(per_window, 1)} reads per window{split_text}; {fmt(writes)} writes",
            rss_text=f"{fmt(peak_rss_mib(samples, a['t'], b['t']))} (idle {fmt(idle_rss)})")
        if writes:
            notes.append("WRITES WHILE IDLE (must be 0): " + ", ".join(
                f"{k} {int(v)}" for k, v in sorted(calls.items()) if not is_read(k.split(":")[1])))
        top = sorted(calls.items(), key=lambda kv: -kv[1])[:10]
        notes.append("Idle, the most frequent reads: " + ", ".join(f"{k.rsplit(':', 1)[0]} {fmt(v / n / windows, 1)}"
                                                                  for k, v in top) + " per platform per window")
    else:
        print(f"| idle | — | not measured: {meta.get('idle_skipped', 'not converged')} | — | — | — | — | — |")
    if "rollout-start" in snaps:
        rolled = row(f"rolling change: {', '.join(ROLLOUT_TEXT[k] for k in kinds_of(kinds))}", "rollout-start", "rolled-out", meta.get("rollout_seconds", "—"),
                     meta.get("rollout_done", "—"))
        if rolled:
            writes = {k: v for k, v in rolled.items() if not is_read(k.split(":")[1])}
            notes.append("Rolling change, the writes: " + ", ".join(f"{k.rsplit(':', 1)[0]} {int(v)}"
                                                                    for k, v in sorted(writes.items(), key=lambda kv: -kv[1])))
    else:
        print(f"| rolling change | — | not measured: {meta.get('rollout_skipped', 'not converged')} | — | — | — | — | — |")
    row("delete", "delete-start", "deleted", meta.get("delete_seconds", "—"), meta.get("delete_done", "—"))
    hwm = max((s.get("hwm_kib") or 0) for s in snaps.values()) / 1024 if snaps else None
    print()
    verdict = "under" if hwm is not None and hwm < 512 else "ABOVE"
    print(f"Peak RSS of the operator over the run (VmHWM): {fmt(hwm)} MiB, {verdict} the chart's 512 MiB container limit"
          + ("" if verdict == "under" else " (a pod would be OOM-killed)") + ".")
    for note in notes:
        print()
        print(note)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "manifests":
        manifests(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], int(sys.argv[6]),
                  len(sys.argv) > 7 and sys.argv[7] == "rolled")
    elif command == "ready":
        ready()
    elif command == "snapshot":
        snapshot(sys.argv[2], sys.argv[3], sys.argv[4])
    elif command == "sample":
        sample(sys.argv[2], sys.argv[3])
    elif command == "table":
        table(sys.argv[2])
    else:
        sys.exit(__doc__)
