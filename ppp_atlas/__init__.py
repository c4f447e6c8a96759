"""Shared code for *PPP in Public Safety: a comparative atlas*.

``load`` a validated table from ``data/``; ``chart`` a plotly figure with the
house theme, caption, sources and downloadable data.
"""
from .charts import PALETTE, SEQUENTIAL, chart, stable_styler_ids
from .data import DataError, load

stable_styler_ids()

__all__ = ["PALETTE", "SEQUENTIAL", "DataError", "chart", "load"]
