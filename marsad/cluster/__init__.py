"""Cluster: articles into stories, incrementally, with wire copies and near-duplicates marked.

Not built yet (its own issue): this stage will take :class:`~marsad.models.Analysed` articles
and the pair signals of :mod:`marsad.compare`.
"""
