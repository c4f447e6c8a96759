"""Shared code for *PPP in Public Safety: a comparative atlas*.

``load`` a validated table from ``data/``; ``chart`` a plotly figure with the
house theme, caption, sources and downloadable data; ``country_name`` and
``country_names`` name countries in English (default), Uzbek or Russian.
"""
from .charts import PALETTE, SEQUENTIAL, chart, stable_styler_ids
from .countries import country_name, country_names
from .data import DataError, load

stable_styler_ids()

__all__ = ["PALETTE", "SEQUENTIAL", "DataError", "chart", "country_name", "country_names", "load"]
