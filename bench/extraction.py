"""Main-text extraction benchmark: marsad's HTML cleaner against plain trafilatura, same run.

Data (read by path, never copied into the package; see ../shared/data/README.md):

    ../shared/data/extraction/scrapinghub_aeb/   99 English news pages + articleBody ground truth
    ../shared/data/extraction/trafilatura_eval/  76 multilingual pages + must-have / must-not snippets

Scores, each as its benchmark computes it:

* scrapinghub_aeb: the benchmark's own ``evaluate.py`` method: counts of shared 4-token shingles
  (``\\w+`` tokens) give per-page TP/FP/FN, normalised per page; precision and recall are means
  over pages and F1 is computed from the two means.
* trafilatura_eval: trafilatura's own evaluation: each "with" snippet found in the output is a true
  positive (else a false negative), each "without" snippet found is a false positive; counts are
  summed over all pages.

Throughput on one core: HTML pages/s for marsad (parse + extract + trim + fields) and for
trafilatura's ``extract()``, and text-dump pages/s over the shipped samples (marsad/samples/*.txt).

Usage:
    python bench/extraction.py [--data ../shared/data/extraction] [--dump-repeat 200] [--check]

Prints a table, then one JSON line. ``--check`` exits 1 when a Done-when target is missed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from marsad.clean.html import clean_html  # noqa: E402
from marsad.clean.text_dump import clean_text_dump  # noqa: E402
from marsad.errors import InputError  # noqa: E402
from marsad.ingest.sniff import decode_html  # noqa: E402
from marsad.models import RawPage  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "extraction"
# Done-when targets of issue 5.
MAX_TIME_RATIO = 1.3
MIN_DUMP_PAGES_PER_SECOND = 100

_TOKEN = re.compile(r"\w+", re.UNICODE)
_SHINGLE = 4


# -- data ---------------------------------------------------------------------------------------
def load_aeb(folder: Path) -> list[tuple[str, str, str]]:
    """(name, html, articleBody) for each scrapinghub page."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key, item in sorted(truth.items()):
        data = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
        pages.append((key, decode_html(data, key)[0], item.get("articleBody", "")))
    return pages


def load_eval(folder: Path) -> list[tuple[str, str, dict]]:
    """(url, html, item) for each trafilatura evaluation page."""
    items = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, item in sorted(items.items()):
        data = (folder / "html" / item["file"]).read_bytes()
        pages.append((url, decode_html(data, item["file"])[0], item))
    return pages


# -- extractors ---------------------------------------------------------------------------------
def run_marsad(html: str, source: str) -> str:
    try:
        article = clean_html(RawPage(source=source, text=html, format="html"))
    except InputError:
        return ""
    return article.text


def run_trafilatura(html: str, source: str) -> str:
    return trafilatura.extract(html) or ""


# -- scores -------------------------------------------------------------------------------------
def _shingles(text: str) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + _SHINGLE]) for i in range(max(1, len(tokens) - _SHINGLE + 1)) if tokens[i : i + _SHINGLE])


def shingle_counts(truth: str, predicted: str) -> tuple[float, float, float]:
    """Per-page (tp, fp, fn) over 4-token shingles, normalised to sum to 1 (scrapinghub's method)."""
    true, pred = _shingles(truth), _shingles(predicted)
    tp = fp = fn = 0
    for key in true.keys() | pred.keys():
        t, p = true.get(key, 0), pred.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def aeb_scores(rows: list[tuple[float, float, float]]) -> dict[str, float]:
    def precision(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    precisions = [precision(*row) for row in rows if row[0] + row[1] > 0]
    recalls = [recall(*row) for row in rows if row[0] + row[2] > 0]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def snippet_scores(results: list[tuple[str, dict]]) -> dict[str, float]:
    tp = fp = fn = 0
    for text, item in results:
        for snippet in item["with"]:
            if text and snippet in text:
                tp += 1
            else:
                fn += 1
        for snippet in item["without"]:
            if text and snippet in text:
                fp += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


# -- runs ---------------------------------------------------------------------------------------
def measure(extract: Callable[[str, str], str], aeb, evaluation) -> dict:
    start = time.process_time()
    aeb_out = [extract(html, name) for name, html, _ in aeb]
    eval_out = [extract(html, url) for url, html, _ in evaluation]
    seconds = time.process_time() - start
    return {
        "aeb": aeb_scores([shingle_counts(truth, out) for (_, _, truth), out in zip(aeb, aeb_out)]),
        "eval": snippet_scores([(out, item) for (_, _, item), out in zip(evaluation, eval_out)]),
        "seconds": seconds,
        "pages_per_second": (len(aeb) + len(evaluation)) / seconds,
    }


def measure_dumps(repeat: int) -> float:
    pages = [RawPage(source=str(path), text=path.read_text(encoding="utf-8")) for path in sorted((ROOT / "marsad" / "samples").glob("*.txt"))]
    start = time.process_time()
    for _ in range(repeat):
        for page in pages:
            clean_text_dump(page)
    return repeat * len(pages) / (time.process_time() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--dump-repeat", type=int, default=200)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # trafilatura logs every discarded page

    aeb = load_aeb(args.data / "scrapinghub_aeb")
    evaluation = load_eval(args.data / "trafilatura_eval")
    # Warm both up (imports, lazily compiled patterns) so neither pays for it in the timing.
    for extract in (run_trafilatura, run_marsad):
        extract(aeb[0][1], aeb[0][0])
    results = {"trafilatura": measure(run_trafilatura, aeb, evaluation), "marsad": measure(run_marsad, aeb, evaluation)}
    dumps = measure_dumps(args.dump_repeat)

    print(f"{'extractor':<12} {'set':<17} {'precision':>9} {'recall':>7} {'F1':>6}   pages/s")
    for name, result in results.items():
        for key, label in (("aeb", "scrapinghub_aeb"), ("eval", "trafilatura_eval")):
            s = result[key]
            print(f"{name:<12} {label:<17} {s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:6.3f}   {result['pages_per_second']:7.1f}")
    ratio = results["marsad"]["seconds"] / results["trafilatura"]["seconds"]
    print(f"HTML time marsad/trafilatura: {ratio:.2f}x (target <= {MAX_TIME_RATIO}); text dumps: {dumps:.0f} pages/s (target >= {MIN_DUMP_PAGES_PER_SECOND})")

    passed = (
        results["marsad"]["aeb"]["f1"] >= results["trafilatura"]["aeb"]["f1"]
        and results["marsad"]["eval"]["f1"] >= results["trafilatura"]["eval"]["f1"]
        and ratio <= MAX_TIME_RATIO
        and dumps >= MIN_DUMP_PAGES_PER_SECOND
    )
    rounded = {name: {k: ({m: round(v, 4) for m, v in val.items()} if isinstance(val, dict) else round(val, 3)) for k, val in r.items()} for name, r in results.items()}
    print(json.dumps({"bench": "extraction", "pages": {"aeb": len(aeb), "eval": len(evaluation)}, **rounded,
                      "time_ratio": round(ratio, 3), "dump_pages_per_second": round(dumps, 1), "passed": passed}))
    return 0 if passed or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
