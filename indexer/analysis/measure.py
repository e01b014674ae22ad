import json, statistics, time
"""Throughput and query latency of the analyzer: python -m indexer.analysis.measure"""
from indexer.analysis import get_analyzer
t = time.perf_counter(); a = get_analyzer(); load = time.perf_counter() - t
text = open("/work/shared/seeds/001_91b0f96cfdc7bc3f.txt", encoding="utf-8").read()
words = len(a.tokens(text))
t = time.perf_counter(); a.index_terms(text); cold = time.perf_counter() - t
t = time.perf_counter(); a.index_terms(text); warm = time.perf_counter() - t
qs = [json.loads(l)["query"] for l in open("/work/shared/eval/dev_queries.jsonl")]
a.query_terms("warm-up")
lat = []
for q in qs:
    t = time.perf_counter(); a.query_terms(q); lat.append((time.perf_counter() - t) * 1000)
print(f"load {load:.2f}s; magazine seed {words} words: cold {words/cold:,.0f} words/s, warm {words/warm:,.0f} words/s; "
      f"query_terms median {statistics.median(lat):.3f} ms, max {max(lat):.3f} ms over {len(qs)} dev queries (first call per query, word cache cold)")
