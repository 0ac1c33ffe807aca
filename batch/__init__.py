"""Batch scoring of a folder (or zip, or Dask cluster) of resumes: ``rolefit batch``.

``runner.py`` walks the inputs, scores each file in isolated worker processes, and writes one
JSON line per input as it finishes (a resumable run skips what is already done); ``report.py``
turns those lines into the CSV and HTML reports. A shell over the ``matcher`` library: it uses
only its public names.
"""
