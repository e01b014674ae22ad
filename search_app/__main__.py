"""Serve the Kennisbank with waitress: ``python -m search_app [--host H] [--port P]``.

The index comes from GKA_INDEX_DIR (Settings.from_env). When no index exists yet, the sample
corpus is indexed first, so a fresh checkout serves something useful.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from indexer.cli import ERROR, HINT
from indexer.config import Settings
from indexer.errors import GkaError, IndexNotFound


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from search_app import create_app

    app = create_app()
    try:
        ensure_index(app.config["GKA_SETTINGS"], Path(app.config["CORPUS_DIR"]))
    except GkaError as exc:
        print(f"{ERROR} {exc}", file=sys.stderr)
        if exc.hint:
            print(f"{HINT} {exc.hint}", file=sys.stderr)
        return 1
    warm_up(app)
    from waitress import serve

    print(f"Kennisbank Gelijke Kansen at http://{args.host}:{args.port}/", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="gka")
    return 0


def ensure_index(settings: Settings, corpus_dir: Path) -> None:
    """Build the index from ``corpus_dir`` when there is none yet, or it holds no documents (left
    by an older build of an empty folder). A corpus with nothing to index raises GkaError: the
    app does not start on an index that finds nothing."""
    from indexer.search import open_service

    try:
        service = open_service(settings)
    except IndexNotFound:
        print(f"No index found; indexing the sample corpus in {corpus_dir} first...", flush=True)
    else:
        try:  # not health(): that would load the query model, which warm_up loads once anyway
            documents = service.stats().documents
        except GkaError:  # an index that cannot be read now: warm_up says so
            return
        finally:
            service.close()
        if documents:
            return
        print(f"The index holds no documents; indexing the corpus in {corpus_dir} first...", flush=True)
    from indexer.build import build_index

    report = build_index([corpus_dir], settings, progress=True)
    print(f"Index ready: {report.documents} documents, {report.passages} passages, {len(report.errors)} errors.", flush=True)
    for error in report.errors[:20]:
        print(f"  - {error}", file=sys.stderr)


def warm_up(app) -> None:
    """Open the service and run one search so the first visitor doesn't wait for model loading."""
    from search_app.service import EXTENSION

    try:
        with app.app_context():
            service = app.extensions[EXTENSION].get()
            service.warm_up()
            built_with = service.stats().meta.embedder
            outdated = service.outdated_warning()
    except GkaError as exc:  # the app still starts; requests answer 503 until the backend works
        print(f"warning: the search index is not usable yet: {exc}", file=sys.stderr)
        return
    if outdated:
        print(outdated, file=sys.stderr)
    wanted = os.environ.get("GKA_EMBEDDER", "").strip()
    if wanted and wanted != built_with:  # searches use the model the index was built with
        print(f"note: GKA_EMBEDDER={wanted} applies to builds; this index was built with {built_with}, "
              "which its searches use", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m search_app", description="Serve the Kennisbank Gelijke Kansen.")
    parser.add_argument("--host", default=os.environ.get("GKA_HOST", "127.0.0.1"), help="address to listen on (GKA_HOST)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("GKA_PORT", "8000")), help="port (GKA_PORT)")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    return parser


if __name__ == "__main__":
    sys.exit(main())
