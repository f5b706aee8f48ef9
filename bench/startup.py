"""Cold start of everyday commands beside ``python -c "import trafilatura"``, measured in the same run.

Each command runs in a fresh process (what a user waits for), ``--repeat`` times, interleaved with
the baseline so that a busy machine slows both alike; the medians are printed with their ratio to
the baseline. The first run of each command is left out of the medians when it had to build the
gazetteer cache and the word lists it reads (that happens once per install, and is printed separately).

Targets (issue 21): ``clean one-page.txt`` ≤ 5× the trafilatura import; ``compare a b`` ≤ 1.5 s
on an idle machine.

Usage:
    python bench/startup.py [--repeat 5] [--page FILE] [--other FILE]

Without ``--page``/``--other`` the two bundled Arabic sample pages are used (one event, two outlets),
plus an English page written here so that language identification runs too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "marsad" / "samples"
# An English page (written for this bench): long enough that lingua reads it by trigrams, as it
# reads any real article.
ENGLISH_PAGE = """Flooding closes main roads in the north of the country

Heavy rain overnight flooded several districts in the north, closing the main coastal road and
two bridges, the civil defence said on Tuesday. Rescue teams moved more than three hundred
families to schools and sports halls, and no one was reported hurt.

The meteorological office expects the rain to ease by Thursday but warned that rivers would stay
high for several days. Schools in the affected districts will remain closed until the weekend.
"""


def _run(arguments: list[str], environment: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(arguments, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--page", type=Path, help="the page `marsad clean` reads (default: an English page)")
    parser.add_argument("--other", type=Path, help="the second page of `marsad compare` (default: the bundled Arabic pair)")
    args = parser.parse_args()

    python = sys.executable
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    # As installed: Python keeps the compiled modules (.pyc). A sandbox that sets
    # PYTHONDONTWRITEBYTECODE would have every run compile marsad's source again (about 0.2 s).
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as folder:
        english = Path(folder) / "one-page.txt"
        english.write_text(ENGLISH_PAGE, encoding="utf-8")
        page = args.page or english
        pair = [args.page, args.other] if args.other else [SAMPLES / "000_ce9a9260fbf79b5c.txt", SAMPLES / "001_c27c747781909a83.txt"]
        commands = {
            "python -c 'import trafilatura'": [python, "-c", "import trafilatura"],
            "marsad clean one-page.txt": [python, "-m", "marsad", "clean", str(page)],
            "marsad clean arabic-page.txt": [python, "-m", "marsad", "clean", str(pair[0])],
            "marsad compare a b": [python, "-m", "marsad", "compare", str(pair[0]), str(pair[1])],
        }
        # A fresh cache folder: the first command builds the gazetteer (and the word lists it reads), as on a new install.
        environment["MARSAD_CACHE_DIR"] = str(Path(folder) / "cache")
        first_build = _run(commands["marsad clean one-page.txt"], environment)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, arguments in commands.items():
                times[name].append(_run(arguments, environment))

    baseline = statistics.median(times["python -c 'import trafilatura'"])
    rows = {name: {"median_s": round(statistics.median(values), 3), "min_s": round(min(values), 3),
                   "ratio_to_trafilatura_import": round(statistics.median(values) / baseline, 2)} for name, values in times.items()}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"cold starts, {args.repeat} runs each, interleaved (load average {load:.2f} on {os.cpu_count()} cores)")
    print(f"{'command':34} {'median s':>9} {'min s':>7} {'× trafilatura import':>21}")
    for name, row in rows.items():
        print(f"{name:34} {row['median_s']:9.3f} {row['min_s']:7.3f} {row['ratio_to_trafilatura_import']:21.2f}")
    print(f"first run on a fresh install (builds the gazetteer and word-list caches): {first_build:.2f} s")
    print(json.dumps({"rows": rows, "first_build_s": round(first_build, 3), "load_average": load}))


if __name__ == "__main__":
    main()
