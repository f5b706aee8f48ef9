"""Word-cluster and organisation-cue features of the entity tagger."""

from __future__ import annotations

import numpy as np

from marsad.analyse.tagger import Features
from marsad.analyse.word_clusters import WordClusters, kmeans, word_vectors


def test_kmeans_separates_two_groups_and_keeps_unit_centroids():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(50, 8)) * 0.05 + np.eye(8)[0]
    b = rng.normal(size=(50, 8)) * 0.05 + np.eye(8)[1]
    vectors = np.vstack([a, b])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    centroids = kmeans(vectors, 2, seed=13)
    assert np.allclose(np.linalg.norm(centroids, axis=1), 1, atol=1e-5)
    assign = (vectors @ centroids.T).argmax(axis=1)
    assert len(set(assign[:50])) == 1 and len(set(assign[50:])) == 1 and assign[0] != assign[50]


def test_a_word_gets_the_cluster_of_its_nearest_centroid_in_each_table():
    words = ["London", "لندن", "Ministry"]
    vectors = word_vectors(words)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]  # the pieces' vectors are multilingual
    coarse, fine = vectors[[0, 2]], np.vstack([vectors[[2, 0]], -vectors[0]])
    clusters = WordClusters([coarse, fine])
    assert clusters.clusters("London") == ("2:0", "3:1")
    assert clusters.clusters("Ministry") == ("2:1", "3:0")
    assert WordClusters([]).clusters("London") == ()


def test_features_carry_the_cluster_and_the_organisation_cue(engine):
    clusters = WordClusters([word_vectors(["London", "Ministry"])])
    english = Features(engine.gazetteer, "en", clusters, ("oc",))
    assert "wc=2:1" in english.at("Ministry", 0) and "oc=h" in english.at("Ministry", 0)
    assert "-1wc=2:0" in english.at("London", -1) and "2oc=h" in english.at("Bank", 2)
    assert "oc=c" in english.at("newspaper", 0)
    arabic = Features(engine.gazetteer, "ar", None, ("oc",))
    assert "oc=h" in arabic.at("وزارة", 0) and "oc=h" in arabic.at("والحزب", 0)
    plain = Features(engine.gazetteer, "en")
    assert not any(f.startswith(("wc=", "oc=")) for f in plain.at("Ministry", 0))


def test_a_model_file_gives_each_language_its_own_groups_and_cluster_tables(engine):
    import io

    from marsad.analyse.tagger import EntityTagger

    def language(code: str) -> dict:
        names = "bias\nw=x"
        return {
            f"{code}_labels": np.array(["O", "B-PER"]),
            f"{code}_features": np.frombuffer(names.encode(), np.uint8),
            f"{code}_weights": np.zeros((2, 2), np.float16),
            f"{code}_transitions": np.zeros((2, 2), np.float32),
        }

    buffer = io.BytesIO()
    tables = {f"en_clusters_{k}": np.eye(k + 2, 384, dtype=np.float16) for k in range(11)}
    np.savez(buffer, format_version=np.array(1), version=np.array("t"), languages=np.array(["ar", "en"]), en_groups=np.array(["oc", "cj"]), **tables, **language("ar"), **language("en"))
    tagger = EntityTagger(engine.gazetteer, buffer.getvalue())
    assert tagger.features["en"].groups == {"oc", "cj"} and tagger.features["ar"].groups == frozenset()
    assert [len(table) for table in tagger.features["en"].clusters.tables] == list(range(2, 13))  # clusters_10 after clusters_9
    assert tagger.features["ar"].clusters is None
    assert tagger.tag(["Bank", "of", "Greece"], ["O", "O", "O"], "en") == ["O", "O", "O"]


def test_a_word_pair_carries_how_rare_each_neighbour_is(engine):
    english = Features(engine.gazetteer, "en", None, ("cj",))
    to_right, to_left = english.pair("said", "Rumsfeld")
    rarity = english.at("Rumsfeld", 0)
    zipf = next(f for f in rarity if f.startswith("zf="))[3:]
    assert to_right == ("b-1=said|rumsfeld", f"j-1=said|{zipf}C")
    assert to_left[0] == "b1=said|rumsfeld" and to_left[1].startswith("j1=") and to_left[1].endswith("l|rumsfeld")
    assert Features(engine.gazetteer, "en").pair("said", "Rumsfeld") == (("b-1=said|rumsfeld",), ("b1=said|rumsfeld",))
