"""Cluster: articles into stories, incrementally, with wire copies and near-duplicates marked.

    copies.py    MinHash fingerprints and LSH band keys (datasketch): wire copies, near-duplicates
    stories.py   StoryClusterer: candidates (ANN + rare entities), scores, join / start / merge

Takes :class:`~marsad.models.Analysed` articles and writes them through a
:class:`~marsad.store.base.Store`, one batch per transaction.
"""

from marsad.cluster.copies import CopyFinder, CopySettings, Fingerprint
from marsad.cluster.stories import Assignment, ClusterSettings, StoryClusterer

__all__ = ["Assignment", "ClusterSettings", "CopyFinder", "CopySettings", "Fingerprint", "StoryClusterer"]
