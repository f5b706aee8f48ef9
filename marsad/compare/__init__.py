"""Compare: two :class:`~marsad.models.Analysed` articles in, a :class:`~marsad.models.Comparison` out."""

from marsad.compare.judge import compare_analysed

__all__ = ["compare_analysed"]
