"""Train the pair judge on the SemEval-2022 Task 8 ratings and write its model file into the package.

    python scripts/train_judge.py                      # the default encoder (use)
    python scripts/train_judge.py --encoder e5
    python scripts/train_judge.py --encoder hashing    # the unit tests' stand-in

Deterministic: one thread for the encoder and numpy, sorted inputs, fixed seeds, rounded
numbers in a fixed order, so running it twice writes the same bytes (``--check`` verifies that
the file in the package is what the script makes). Needs scikit-learn (``pip install -e '.[train]'``).
"""

from __future__ import annotations

import os

# One thread before numpy loads: multi-threaded sums round differently from run to run.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from marsad.analyse import Analyser  # noqa: E402
from marsad.analyse.gazetteer import Gazetteer  # noqa: E402
from marsad.analyse.language import LanguageIdentifier  # noqa: E402
from marsad.compare import learn  # noqa: E402
from marsad.compare.ratings import read_ratings, roles  # noqa: E402
from marsad.encoders import load_encoder, load_pair_encoder  # noqa: E402
from marsad.settings import PAIR_ENCODERS, Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "semeval2022"
RATING_FILES = ("hfl_texts_a.csv", "hfl_texts_b.csv")
# Rated pairs kept out of training so the integration test scores pairs the model has not seen.
HELD_OUT = ROOT / "tests" / "data" / "semeval" / "pairs.jsonl"


def held_out_articles(path: Path = HELD_OUT) -> set[str]:
    """Article ids of the held-out test pairs: no training pair may contain one of them."""
    if not path.exists():
        return set()
    ids: set[str] = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                ids.update(str(json.loads(line)["id"]).split("_"))
    return ids


def progress_bar(total: int, label: str):
    """A rich progress bar on a terminal, nothing otherwise; returns (advance, close)."""
    if not sys.stderr.isatty():
        return (lambda n: None), (lambda: None)
    from rich.progress import Progress

    progress = Progress(transient=True)
    task = progress.add_task(label, total=total)
    progress.start()
    return (lambda n: progress.advance(task, n)), progress.stop


def load_pairs(data: Path, encoder_name: str, cache: Path | None, pair_encoder: str = "auto"):
    """Ratings, their analysed pairs (with pair vectors), and the encoder (single-threaded)."""
    ratings = read_ratings([str(data / name) for name in RATING_FILES])
    encoder = load_encoder(encoder_name, threads=1)
    pair = load_pair_encoder(Settings(encoder=encoder_name, pair_encoder=pair_encoder).pair_encoder_name)
    analyser = Analyser(encoder, Gazetteer(), LanguageIdentifier(Settings().languages), pair)
    texts = len({learn.text_key(t, l) for r in ratings for t, l in ((r.text_a, r.language_a), (r.text_b, r.language_b))})
    advance, close = progress_bar(texts, f"analysing {texts} texts with {encoder_name}")
    try:
        analysed = learn.analyse_ratings(ratings, analyser, analyser.models, cache=cache, progress=advance)
    finally:
        close()
    return ratings, [learn.rating_pair(rating, analysed) for rating in ratings], encoder


def model_bytes(data: Path, encoder_name: str, cache: Path | None, pair_encoder: str = "auto") -> bytes:
    ratings, pairs, encoder = load_pairs(data, encoder_name, cache, pair_encoder)
    role = roles(ratings, held_out_articles())
    keep = [i for i, value in enumerate(role) if value in ("train", "dev")]
    ratings, pairs = [ratings[i] for i in keep], [pairs[i] for i in keep]
    provenance = {
        "data": {name: hashlib.sha256((data / name).read_bytes()).hexdigest()[:16] for name in RATING_FILES},
        "script": "scripts/train_judge.py",
        "held_out": "the frozen test split (marsad.compare.ratings.frozen_test) and pairs sharing an article with tests/data/semeval/pairs.jsonl",
    }
    model = learn.fit_judge(ratings, pairs, encoder, encoder.name, provenance, dev_fold=[role[i] == "dev" for i in keep])
    return (json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default="use", choices=["use", "e5", "hashing"])
    parser.add_argument("--pair-encoder", default="auto", choices=PAIR_ENCODERS)
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the SemEval-2022 Task 8 rating files")
    # "" is no cache: Path("") would be the working directory, and the caches landed in the repository.
    parser.add_argument("--cache", type=lambda value: Path(value) if value else None, default=Path.home() / ".cache" / "marsad",
                        help="where analyses are kept between runs ('' for none)")
    parser.add_argument("--out", type=Path, help="model file (default: the package's file for the encoder)")
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the packaged file differs from a fresh run")
    args = parser.parse_args()
    out = args.out or ROOT / "marsad" / "compare" / "data" / f"judge-{args.encoder}.json"
    content = model_bytes(args.data, args.encoder, args.cache, args.pair_encoder)
    if args.check:
        same = out.exists() and out.read_bytes() == content
        print(f"{out}: {'identical to' if same else 'DIFFERS from'} a fresh run ({len(content):,} bytes)")
        return 0 if same else 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    print(f"wrote {out} ({len(content):,} bytes, sha256 {hashlib.sha256(content).hexdigest()[:16]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
