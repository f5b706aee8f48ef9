"""The file ``spark-submit`` runs: ``spark-submit [spark options] marsad/spark/submit.py clean|dedupe|cluster INPUT… OUTPUT``.

The master, executors and memory come from spark-submit; marsad must be importable on the
executors (``--py-files marsad.zip`` or marsad installed in their Python, see the README).
"""

from marsad.cli.spark import spark

if __name__ == "__main__":
    spark(prog_name="spark-submit marsad/spark/submit.py")
