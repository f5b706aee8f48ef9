"""The Spark session marsad's jobs run in: local mode for a laptop and CI, or whatever ``spark-submit`` gives.

Importing this module does not import pyspark; :func:`spark_session` does, and says how to get it
when it is missing (``pip install 'marsad[spark]'``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from marsad.errors import ConfigError

# Shuffle partitions when none are asked for: Spark's 200 are 200 tasks of scheduling overhead per
# shuffle on a small local run; a cluster job sets its own (``--partitions``).
LOCAL_SHUFFLE_PARTITIONS = 8


def require_pyspark():
    """The pyspark module, or a :class:`ConfigError` naming the extra that installs it."""
    try:
        import pyspark
    except ImportError:
        raise ConfigError("pyspark is not installed (pip install 'marsad[spark]'; it needs Java 17)") from None
    return pyspark


def spark_session(master: str | None = None, *, app_name: str = "marsad", shuffle_partitions: int | None = None,
                  config: dict[str, str] | None = None):
    """The active Spark session, or a new one.

    Args:
        master: ``local[2]``, ``spark://host:7077``, ``yarn``, ``k8s://…``; ``None`` keeps what
            ``spark-submit`` set (or ``local[*]`` when run outside it).
        app_name: the application name shown by the cluster manager.
        shuffle_partitions: ``spark.sql.shuffle.partitions`` (and the RDD shuffles' width).
        config: further Spark settings (``spark.eventLog.enabled`` …).

    Raises:
        ConfigError: pyspark is missing.
    """
    require_pyspark()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    running_locally = (master or "local").startswith("local")
    if running_locally:
        # Local executors are Python processes the JVM starts: they must run this interpreter and
        # import this copy of marsad (a cluster ships both with spark-submit, see the README).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        package_root = str(Path(__file__).resolve().parents[2])
        paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        if package_root not in paths:
            os.environ["PYTHONPATH"] = os.pathsep.join([package_root, *paths])
        builder = builder.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
        partitions = shuffle_partitions or LOCAL_SHUFFLE_PARTITIONS
    else:
        partitions = shuffle_partitions
    if partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions)).config("spark.default.parallelism", str(partitions))
    for key, value in (config or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
