"""Train the entity tagger (a CRF per language) on the gold sets' train parts and write the package's model file.

    python scripts/train_entity_tagger.py [--data ../shared/data/ner] [--out marsad/analyse/data/entity_tagger.npz]
        [--languages ar en] [--corpora ...] [--c1 0.01] [--c2 0.01] [--iterations 150] [--seed 13] [--with-dev]
        [--clusters K ...] [--groups oc cj] [--set LANGUAGE "OPTIONS"]

Needs the ``train`` extra (python-crfsuite). Reads the train parts that
``marsad/analyse/ner_data.py`` fixes (``--with-dev`` adds the dev parts: the shipped model is
trained so, after the settings were chosen on dev); never the test parts. Arabic sentences are
used twice: as the gold sets write them (clitics split off: "و قال") and with the one-letter
clitics joined to their word again ("وقال"), as news text writes them; the second copy is drawn
with ``--seed``. Without ``--with-dev`` it ends with the dev scores (bench/entities.py's
scoring). L-BFGS is deterministic: the same data, settings and seed give the same file.
"""

from __future__ import annotations

import argparse
import copy
import random
import shlex
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from marsad.analyse.entities import EntityFinder
from marsad.analyse.gazetteer import Gazetteer
from marsad.analyse.linking import rule_tags
from marsad.analyse.ner_data import CORPORA, GoldSentence, load_part
from marsad.analyse.sentences import split_sentences
from marsad.analyse.tagger import FORMAT_VERSION, GROUPS, Features

VERSION = "entity-tagger-1"
# One language's own options over the command line's (``--set``). None by default: the candidate
# "en": "--groups oc cj --clusters 256 --c1 0.03" scored higher on the English dev parts but not on
# test, and lost a unit-tested name (bench/ENTITIES.md, "Word clusters, organisation cues, neighbour rarity").
DEFAULT_SETTINGS: dict[str, str] = {}
_CLITICS = {"و", "ف", "ب", "ل", "ك"}
_SUFFIXES = {"ه", "ها", "هم", "هما", "هن", "كم", "نا", "ي"}


def joined_clitics(sentence: GoldSentence) -> GoldSentence:
    """The sentence as news writes it: "و قال" → "وقال", "ان ه" → "انه"; a name keeps its tag."""
    tokens, tags = [], []
    i = 0
    source_tokens, source_tags = sentence.tokens, sentence.tags
    while i < len(source_tokens):
        token, tag = source_tokens[i], source_tags[i]
        if token in _CLITICS and i + 1 < len(source_tokens) and "\u0621" <= source_tokens[i + 1][:1] <= "\u064a":
            following, following_tag = source_tokens[i + 1], source_tags[i + 1]
            merged_tag = following_tag if tag == "O" else tag
            tokens.append(token + following)
            tags.append(merged_tag)
            i += 2
            continue
        if token in _SUFFIXES and tokens and "\u0621" <= tokens[-1][-1:] <= "\u064a":
            tokens[-1] += token
            i += 1
            continue
        tokens.append(token)
        tags.append(tag)
        i += 1
    return GoldSentence(sentence.corpus, sentence.index, tuple(tokens), tuple(tags))


def examples(sentences: list[GoldSentence], language: str, rules: EntityFinder, features: Features):
    for sentence in sentences:
        text = sentence.text
        found = rules.find([("p0", text)], tuple(split_sentences("p0", text)), language)
        tags = rule_tags(sentence.token_offsets, found)
        labels = [tag if tag[2:] in ("PER", "LOC", "ORG", "MISC") else "O" for tag in sentence.tags]
        yield features.sequence(list(sentence.tokens), tags), labels


def fit_clusters(args, parts: list[str]) -> list[np.ndarray]:
    """Centroid tables (one per ``--clusters`` size) over the words of wordfreq's lists and the training text."""
    from wordfreq import top_n_list

    from marsad.analyse.word_clusters import kmeans, word_vectors

    start = time.time()
    words = {word for language in args.languages for word in top_n_list(language, args.cluster_vocabulary)}
    words.update([word.title() for word in words if word.islower()])  # wordfreq's lists are lowercased; names are not
    words.update(token for name, corpus in CORPORA.items() if corpus.language in args.languages for part in parts for s in load_part(name, part, args.data) for token in s.tokens)
    words = sorted(words)
    vectors = word_vectors(words)
    vectors = vectors[np.linalg.norm(vectors, axis=1) > 0]
    tables = [kmeans(vectors, k, args.seed).astype(np.float16) for k in args.clusters]
    print(f"  clusters {args.clusters} over {len(vectors):,} words ({time.time() - start:.0f} s)", flush=True)
    return tables


def train_language(language: str, parts: list[str], args, gazetteer: Gazetteer, rules: EntityFinder, clusters=None) -> dict:
    import pycrfsuite

    names = [name for name, corpus in CORPORA.items() if corpus.language == language and (not args.corpora or name in args.corpora)]
    sentences = [s for name in names for part in parts for s in load_part(name, part, args.data)]
    if language == "ar":
        rng = random.Random(args.seed)
        sentences += [joined_clitics(s) for s in sentences if rng.random() < args.joined_share]
    features = Features(gazetteer, language, clusters, tuple(args.groups))
    trainer = pycrfsuite.Trainer(verbose=False)
    start = time.time()
    for count, (xseq, yseq) in enumerate(examples(sentences, language, rules, features), 1):
        trainer.append(xseq, yseq)
        if count % 1000 == 0:
            print(f"  {language}: features of {count}/{len(sentences)} sentences ({time.time() - start:.0f} s)", flush=True)
    trainer.set_params({"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations, "feature.possible_transitions": True, "feature.minfreq": args.min_freq})
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / f"{language}.crfsuite")
        print(f"  {language}: training on {len(sentences)} sentences ({args.iterations} iterations)", flush=True)
        trainer.train(path)
        tagger = pycrfsuite.Tagger()
        tagger.open(path)
        info = tagger.info()
        labels = sorted(tagger.labels(), key=lambda label: (label != "O", label[2:], label))
        tagger.close()
    column = {label: k for k, label in enumerate(labels)}
    names = sorted({attribute for attribute, _ in info.state_features})
    row = {name: k for k, name in enumerate(names)}
    weights = np.zeros((len(names), len(labels)), np.float32)
    for (attribute, label), weight in info.state_features.items():
        weights[row[attribute], column[label]] = weight
    transitions = np.zeros((len(labels), len(labels)), np.float32)
    for (before, after), weight in info.transitions.items():
        transitions[column[before], column[after]] = weight
    print(f"  {language}: {len(names):,} features kept, {time.time() - start:.0f} s", flush=True)
    return {
        f"{language}_labels": np.array(labels),
        f"{language}_features": np.frombuffer("\n".join(names).encode("utf-8"), np.uint8),
        f"{language}_weights": weights.astype(np.float16),
        f"{language}_transitions": transitions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ner")
    parser.add_argument("--out", type=Path, default=ROOT / "marsad" / "analyse" / "data" / "entity_tagger.npz")
    parser.add_argument("--languages", nargs="+", default=["ar", "en"])
    parser.add_argument("--c1", type=float, default=0.01, help="L1 weight (fewer features)")
    parser.add_argument("--c2", type=float, default=0.01, help="L2 weight")
    parser.add_argument("--iterations", type=int, default=150)
    parser.add_argument("--min-freq", type=int, default=1, help="drop features seen fewer times than this")
    parser.add_argument("--joined-share", type=float, default=1.0, help="share of Arabic sentences added again with clitics joined")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--corpora", nargs="+", choices=list(CORPORA), help="train on these sets only (default: all of each language)")
    parser.add_argument("--clusters", type=int, nargs="*", default=[], help="word-cluster features: k-means of e5 word vectors, one table per size (e.g. 64 512)")
    parser.add_argument("--cluster-vocabulary", type=int, default=50_000, help="wordfreq words per language the clusters are fitted on")
    parser.add_argument("--groups", nargs="*", default=[], choices=GROUPS, help="extra feature groups (tagger.GROUPS)")
    parser.add_argument("--set", nargs=2, action="append", metavar=("LANGUAGE", "OPTIONS"), help=f"one language's own options over the others (default {DEFAULT_SETTINGS}; --set en '' trains English as the rest)")
    parser.add_argument("--with-dev", action="store_true", help="train on train + dev (the shipped model)")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"{args.data}: not found (the gold entity sets; see ../shared/data/ner/README.md)")

    gazetteer = Gazetteer()
    rules = EntityFinder(gazetteer, tagger=None)
    parts = ["train", "dev"] if args.with_dev else ["train"]
    arrays: dict = {"format_version": np.array(FORMAT_VERSION), "version": np.array(VERSION), "languages": np.array(args.languages)}
    settings = dict(DEFAULT_SETTINGS)
    settings.update(dict(args.set or ()))
    for language in args.languages:
        # This language's settings: the command line's, then its own (--set, or DEFAULT_SETTINGS) over them.
        own = parser.parse_args(shlex.split(settings.get(language, "")), namespace=copy.copy(args))
        own.languages = [language]
        print(f"  {language}: c1 {own.c1}, c2 {own.c2}, groups {own.groups or '-'}, clusters {own.clusters or '-'}", flush=True)
        if own.groups:
            arrays[f"{language}_groups"] = np.array(own.groups)
        clusters = None
        if own.clusters:
            from marsad.analyse.word_clusters import WordClusters

            tables = fit_clusters(own, parts)
            arrays.update({f"{language}_clusters_{k}": table for k, table in enumerate(tables)})
            clusters = WordClusters(tables)
        arrays.update(train_language(language, parts, own, gazetteer, rules, clusters))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    temporary = args.out.with_suffix(".tmp.npz")
    np.savez_compressed(temporary, **arrays)
    temporary.replace(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    if not args.with_dev:
        from entities import Tally, match, predicted_spans

        from marsad.analyse.tagger import EntityTagger

        finder = EntityFinder(gazetteer, EntityTagger(gazetteer, args.out.read_bytes()))
        for name, corpus in CORPORA.items():
            if corpus.language not in args.languages:
                continue
            tally = Tally()
            for sentence in load_part(name, "dev", args.data):
                tally.add(*match(sentence.text, sentence.spans(), predicted_spans(finder, sentence.text, corpus.language)))
            scores = tally.scores()
            if scores["micro"]["gold"]:
                print(f"dev {name}: micro F1 {scores['micro']['f1']:.3f} (P {scores['micro']['p']:.3f} R {scores['micro']['r']:.3f}); " + ", ".join(f"{k} {scores[k]['f1']:.3f}" for k in ("PER", "LOC", "ORG")))


if __name__ == "__main__":
    main()
