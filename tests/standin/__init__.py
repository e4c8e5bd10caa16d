"""Loopback stand-in for the Crossref REST API and NCBI E-utilities (tests and benchmarks only).

>>> with StandIn() as s:  # doctest: +SKIP
...     Crossref(base_url=s.crossref_url).works(ids="10.1073/pnas.1113079108")
"""

from .records import DEFAULT_RECORDS_PATH, load_records
from .server import CROSSREF, EUTILS, LogEntry, RequestRecord, StandIn

__all__ = ["CROSSREF", "DEFAULT_RECORDS_PATH", "EUTILS", "LogEntry", "RequestRecord", "StandIn", "load_records"]
