"""The templates' MinHash equals datasketch's bit for bit (it exists only to keep scipy out of `marsad clean`)."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash

from marsad.clean.templates import minhash


@pytest.mark.parametrize("num_perm, seed", [(64, 8), (128, 1)])
@pytest.mark.parametrize("values", [[], [b"one"], [f"word{i} next{i * 7}".encode() for i in range(300)], ["قال الرئيس".encode()]])
def test_minhash_equals_datasketch(values, num_perm, seed):
    reference = MinHash(num_perm=num_perm, seed=seed)
    reference.update_batch(values)
    assert np.array_equal(minhash(values, num_perm, seed), reference.hashvalues)
