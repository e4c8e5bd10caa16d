"""citelens: a research-literature companion and citation checker."""

__version__ = "0.1.0"
