"""Named defaults: limits, timeouts, retries, rate limits, environment variables.

Every number that shapes how citelens reads files or talks to the APIs lives here.
"""

from __future__ import annotations

# --- input ----------------------------------------------------------------------------
MAX_ARTICLE_BYTES = 20 * 10**6  # larger files are refused with a clear message
DEFAULT_DB = "citelens.db"

# --- API endpoints (overridable by environment) ----------------------------------------
ENV_CROSSREF_URL = "CITELENS_CROSSREF_URL"
ENV_EUTILS_URL = "CITELENS_EUTILS_URL"
ENV_MAILTO = "CITELENS_MAILTO"
ENV_NCBI_API_KEY = "NCBI_API_KEY"
ENV_CROSSREF_PLUS_TOKEN = "CITELENS_CROSSREF_PLUS_TOKEN"
ENV_CROSSREF_RPS = "CITELENS_CROSSREF_RPS"
ENV_EUTILS_RPS = "CITELENS_EUTILS_RPS"
ENV_CACHE_DIR = "CITELENS_CACHE_DIR"

DEFAULT_CROSSREF_URL = "https://api.crossref.org"
DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
NCBI_TOOL = "citelens"
