"""The fusion stage of a search over its two sides (``retrieval.Sides``): which fusion, with
which weights, over which band of each side. Pure functions over rankings and the config."""
from __future__ import annotations

from dataclasses import dataclass

from indexer.ranking import fusion


@dataclass
class RankingConfig:
    fusion: str = "convex"
    keyword_weight: float = 0.5
    glossary_discount: float = 1.0
    rrf_k: int = 60
    depth: int = 50
    keyword_scale: float | None = None
    time_budget_s: float = 5.0


def fusion_profile(embedder: str) -> dict[str, float]:
    """The measured fusion weights for an embedder (indexer/data/fusion.v1.yaml)."""
    import yaml

    from indexer.config import DATA_DIR

    profiles = yaml.safe_load((DATA_DIR / "fusion.v1.yaml").read_text(encoding="utf-8"))
    base = embedder.split(":", 1)[0] if not embedder.startswith("st:") else embedder
    return dict(profiles.get(embedder) or profiles.get(base) or profiles["default"])


def fuse_sides(sides, mode: str, weight: float, config: RankingConfig) -> list[tuple[str, float]]:
    """One ranking from the sides: keyword or semantic alone, or their fusion (``weight``: the
    keyword side's, from ``keyword_weight``)."""
    if mode == "keyword":
        return sides.keyword
    if mode == "semantic":
        return sides.semantic
    if config.fusion == "rrf":
        return fusion.rrf([sides.keyword, sides.semantic], k=config.rrf_k)
    # a filtered search normalises as the unfiltered one did, so the filter does not reorder
    low = high = None
    if sides.floor is not None and sides.nearest:
        low, high = sides.nearest[-1][1], sides.nearest[0][1]
    return fusion.convex(sides.keyword, sides.semantic, weight, config.keyword_scale or sides.keyword_scale, low, high)


def split_pool(pool: list[tuple[str, float]], deep: list[tuple[str, float]]):
    """(``pool``, the items of ``deep`` it lacks, in ``deep``'s order): a search's own fusion of its
    pool, and what a deeper fusion adds after it ("more passages of this document")."""
    seen = {pid for pid, _ in pool}
    return pool, [(pid, score) for pid, score in deep if pid not in seen]


def keyword_weight(analyzer, text: str, config: RankingConfig) -> float:
    """Words the keyword side only knows through the English glossary are weaker evidence than
    Dutch words, so the keyword weight shrinks with the share of translated words."""
    terms = analyzer.query_terms(text)
    groups = {t.group for t in terms}
    translated = {t.group for t in terms if t.origin == "glossary"}  # not "glossary-shared": matched as typed too
    share = len(translated) / len(groups) if groups else 0.0
    return config.keyword_weight * (1.0 - config.glossary_discount * share)
