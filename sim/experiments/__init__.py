"""Experiments: many seeded runs over levers and uncertainties, and their analysis.

``config`` reads experiment files, ``design`` lays out design points and replicates,
``execution`` is the pure function ``run(params) -> outcomes`` every executor calls,
``sweep`` streams results to disk (process pool or Dask), ``commands`` wires the CLI.
"""
