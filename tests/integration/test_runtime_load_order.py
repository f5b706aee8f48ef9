"""The store's ANN library and the pair encoder's runtime load in either order in one process.

onnxruntime 1.31.1 crashed the process (SIGSEGV) when loaded after usearch 2.26.6's compiled
module: `marsad ingest --workers 0` and the server open the store before they analyse. A fresh
process is needed to test it: within the test session either library may already be loaded.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_pair_encoder_loads_after_the_store_in_one_process():
    script = (
        "import marsad.store.vectors\n"
        "from marsad.encoders.news import bundled_pair_encoder\n"
        "print(bundled_pair_encoder().encode(['Helsinki meeting of the chiefs of staff']).shape)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.strip() == "(1, 384)"
