"""Do facet counts say what choosing a value gives? (not a test)

    python bench/result_set.py --index DIR [--modes hybrid,keyword,semantic]

For each query, every facet value offered with the collapsed (one passage per document) search is
chosen as a filter, and the filtered search's total compared with the count the value showed.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUERIES = ["ouders betrekken", "thuiszitters", "zomerschool", "taalachterstand kleuters",
           "how do schools involve low-income parents", "mbo stage discriminatie", "huiswerkbegeleiding",
           "kansengelijkheid", "ouderbetrokkenheid", "brede brugklas", "schoolkosten", "armoede", "onderwijs",
           "vve", "rotterdam", "leesbevordering", "loopbaanoriëntatie", "gemeente",
           '"brede brugklas"', "coaching leerlingen -mbo", "monitoring -nieuws", '"voorschoolse educatie" peuters']


def compare(service, mode: str, queries=QUERIES) -> tuple[int, int, list[tuple]]:
    from indexer.model import SearchRequest

    same = offered = 0
    off = []
    for query in queries:
        response = service.search(SearchRequest(query, mode=mode, k=10, collapse=True))
        for field, values in response.facets.items():
            for value, count in values.items():
                if not count:
                    continue
                chosen = service.search(SearchRequest(query, mode=mode, k=10, collapse=True, filters={field: [value]}))
                offered += 1
                same += chosen.total == count
                if chosen.total != count:
                    off.append((query, field, value, count, chosen.total))
    return same, offered, off


def main(argv: list[str] | None = None) -> None:
    from indexer.config import Settings
    from indexer.search import open_service

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", required=True, type=Path)
    ap.add_argument("--modes", default="hybrid,keyword,semantic")
    args = ap.parse_args(argv)
    service = open_service(Settings.from_env(index_dir=args.index))
    try:
        for mode in args.modes.split(","):
            same, offered, off = compare(service, mode)
            print(f"{mode}: {same} of {offered} facet values give the count they show")
            for query, field, value, count, got in sorted(off, key=lambda o: -abs(o[4] - o[3]))[:5]:
                print(f"  {query!r} {field}={value}: shows {count}, gives {got}")
    finally:
        service.close()


if __name__ == "__main__":
    main()
