"""What the two encoder training scripts share: seeding, and a checkpoint a stopped run resumes from.

A run on this machine's CPUs can outlast a session, so each script saves its model, optimizer,
schedule and progress every few steps and at each epoch's end, and a second start with the same
settings goes on from there. The file is written beside itself and renamed into place: a run
killed while saving leaves the previous checkpoint whole.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np


def seed_everything(torch, seed: int) -> None:
    """Python's, numpy's and torch's generators from one seed (the runs' only randomness)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class Checkpoint:
    """One training run's resumable state in ``path``: the model, optimizer and schedule, and
    ``state`` (the script's own progress: step, per-epoch history, best epoch)."""

    def __init__(self, torch, path: Path, model, optimizer, schedule):
        self.torch, self.path, self.model, self.optimizer, self.schedule = torch, path, model, optimizer, schedule

    def resume(self, total_steps: int) -> dict:
        """The saved ``state``, the model, optimizer and schedule restored to it; a fresh state when none was saved."""
        if not self.path.exists():
            return {"step": 0, "history": [], "best": None}
        saved = self.torch.load(self.path, weights_only=False)
        self.model.load_state_dict(saved["model"])
        self.optimizer.load_state_dict(saved["optimizer"])
        self.schedule.load_state_dict(saved["schedule"])
        print(f"resumed at step {saved['state']['step']} of {total_steps}", flush=True)
        return saved["state"]

    def save(self, state: dict) -> None:
        temporary = self.path.with_suffix(".tmp")
        self.torch.save({"model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(), "schedule": self.schedule.state_dict(), "state": state}, temporary)
        temporary.replace(self.path)
