"""The pipeline as a Spark job: the same Engine code, run over a corpus too big for one machine.

    inputs.py    the files to read, in ``read_paths`` order, local or through Hadoop URIs
    executor.py  what each executor loads once (the engine, the MinHash finder)
    clean.py     read + clean in mapPartitions, outlet templates replayed by outlet in input order
    dedupe.py    MinHash LSH as a join, groups as connected components by iterative joins
    stories.py   analysis in mapPartitions, the streaming clusterer per time block, stitched across edges
    agreement.py pairwise agreement of two story assignments
    export.py    a job's output folder into a marsad store (pyarrow, no Spark)
    job.py       the stages wired into ``clean``, ``dedupe`` and ``cluster``; submit.py: spark-submit's entry

Nothing here imports pyspark at import time: ``marsad spark export`` and the tests of the pure
parts run without it. The commands are in :mod:`marsad.cli.spark`.
"""

from marsad.spark.agreement import PairAgreement, pair_agreement
from marsad.spark.job import StageTimes, run_clean, run_cluster, run_dedupe
from marsad.spark.session import spark_session

__all__ = ["PairAgreement", "StageTimes", "pair_agreement", "run_clean", "run_cluster", "run_dedupe", "spark_session"]
