"""What the two encoder training scripts share: seeding, the learning-rate schedule, one optimizer
step with its progress line, a checkpoint a stopped run resumes from, and the int8 ONNX export.

A run on this machine's CPUs can outlast a session, so each script saves its model, optimizer,
schedule and progress every few steps and at each epoch's end, and a second start with the same
settings goes on from there. The file is written beside itself and renamed into place: a run
killed while saving leaves the previous checkpoint whole.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from pathlib import Path

import numpy as np

from marsad.encoders.news import metadata_path


def seed_everything(torch, seed: int) -> None:
    """Python's, numpy's and torch's generators from one seed (the runs' only randomness)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def warmup_then_decay(torch, optimizer, total_steps: int):
    """Linear warm-up over the first tenth of the steps, then linear decay to 0 at the last."""
    warmup = max(1, total_steps // 10)
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total_steps - s) / (total_steps - warmup))))


class Steps:
    """One optimizer step at a time, from ``state["step"]`` to ``total_steps``, with a progress
    line (step, loss, rate, ETA) every ``every`` steps."""

    def __init__(self, torch, model, optimizer, schedule, state: dict, total_steps: int, every: int):
        self.torch, self.model, self.optimizer, self.schedule = torch, model, optimizer, schedule
        self.state, self.total_steps, self.every = state, total_steps, every
        self.started, self.first_step = time.perf_counter(), state["step"]

    def take(self, loss) -> None:
        """Back-propagates ``loss``, clips the gradients to norm 1, steps the optimizer and the schedule."""
        loss.backward()
        self.torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.optimizer.step()
        self.schedule.step()
        self.optimizer.zero_grad()
        state = self.state
        state["step"] += 1
        rate = (state["step"] - self.first_step) / (time.perf_counter() - self.started)
        if state["step"] % self.every == 0:
            print(f"step {state['step']}/{self.total_steps} loss {loss.item():.3f} {rate:.2f} steps/s, ETA {(self.total_steps - state['step']) / rate / 60:.1f} min", flush=True)


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


def export_int8(torch, model, run, out: Path, meta: dict, work: Path, stem: str, output: str, output_axes: dict) -> None:
    """``run(model, x)`` (``x``: one run's embedded pieces, no padding and so no mask) as ONNX,
    float32 then int8 weights per output channel, written to ``out`` with its sha256 in ``meta``,
    and ``meta`` beside it (each file atomically)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Core(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, x):
            return run(self.model, x)

    float_file, int8_file = work / f"{stem}.float32.onnx", work / f"{stem}.int8.onnx"
    example = (torch.randn(1, 16, 384),)
    axes = {"x": {0: "texts", 1: "tokens"}, output: output_axes}
    torch.onnx.export(Core().eval(), example, float_file, input_names=["x"], output_names=[output], dynamic_axes=axes, opset_version=17, dynamo=False)
    quantize_dynamic(float_file, int8_file, weight_type=QuantType.QInt8, per_channel=True)
    graph = int8_file.read_bytes()
    meta["sha256"] = hashlib.sha256(graph).hexdigest()
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + ".tmp")
    temporary.write_bytes(graph)
    write_metadata(out, meta)
    temporary.replace(out)


def write_metadata(out: Path, meta: dict) -> None:
    path = metadata_path(out)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    temporary.replace(path)
