"""Shared code for *PPP in Public Safety: a comparative atlas*.

``load`` a validated table from ``data/``; ``chart`` a plotly figure with the
house theme, caption, sources and downloadable data; ``table_style`` a DataFrame as a
table of the book (pandas' Styler, reproducible and escaped); ``country_name`` and
``country_names`` name countries in English (default), Uzbek or Russian. Importing
the package changes nothing in any other library.
"""
from .charts import PALETTE, SEQUENTIAL, chart, table_style
from .countries import country_name, country_names
from .data import DataError, load

__all__ = ["PALETTE", "SEQUENTIAL", "DataError", "chart", "country_name", "country_names", "load", "table_style"]
