"""Named defaults: limits, timeouts, retries, rate limits, environment variables.

Every number that shapes how citelens reads files or talks to the APIs lives here.
"""

from __future__ import annotations

# --- input ----------------------------------------------------------------------------
MAX_ARTICLE_BYTES = 20 * 10**6  # larger files are refused with a clear message
DEFAULT_DB = "citelens.db"
ENV_DB = "CITELENS_DB"  # the database when --db is not given

# --- API endpoints (overridable by environment) ----------------------------------------
ENV_CROSSREF_URL = "CITELENS_CROSSREF_URL"
ENV_EUTILS_URL = "CITELENS_EUTILS_URL"
ENV_MAILTO = "CITELENS_MAILTO"
ENV_NCBI_API_KEY = "NCBI_API_KEY"
ENV_CROSSREF_PLUS_TOKEN = "CITELENS_CROSSREF_PLUS_TOKEN"
ENV_CROSSREF_RPS = "CITELENS_CROSSREF_RPS"
ENV_EUTILS_RPS = "CITELENS_EUTILS_RPS"
ENV_CACHE_DIR = "CITELENS_CACHE_DIR"
ENV_HTTP_TIMEOUT = "CITELENS_HTTP_TIMEOUT"  # seconds per request
ENV_BACKOFF_BASE = "CITELENS_BACKOFF_BASE"  # seconds before the first retry (tests shorten it)
ENV_RATE_SCALE = "CITELENS_RATE_SCALE"  # multiplies every default rate limit (benchmarks against a fast stand-in)

DEFAULT_CROSSREF_URL = "https://api.crossref.org"
DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
NCBI_TOOL = "citelens"

# --- rate limits (requests per second, requests in flight) ------------------------------
# Crossref since December 2025: polite pool (with mailto) 10/s x3 for single-DOI lookups,
# 3/s x3 for searches and lists; public pool 5/s x1 and 1/s x1.
CROSSREF_SINGLE_POLITE = (10.0, 3)
CROSSREF_LIST_POLITE = (3.0, 3)
CROSSREF_SINGLE_PUBLIC = (5.0, 1)
CROSSREF_LIST_PUBLIC = (1.0, 1)
# NCBI E-utilities: 3/s without an API key, 10/s with one.
EUTILS_DEFAULT = (3.0, 3)
EUTILS_WITH_KEY = (10.0, 3)

# Spacing and slowing: requests are spaced one interval apart, each gap jittered by up to RATE_JITTER
# of the interval either way (on average the interval: so they do not all fall on the edge of the
# server's window, and the jitter costs no throughput); no RATE_WINDOW_S (plus RATE_WINDOW_MARGIN_S,
# for the way to the server) ever holds more requests than the limit allows in it. A 429
# multiplies the rate by RATE_SLOWDOWN (not below RATE_SLOWDOWN_FLOOR of the ceiling), each
# answer after it moves RATE_RECOVERY of the way back. NCBI counts per one-second window.
RATE_JITTER = 0.04
RATE_WINDOW_S = 1.0
RATE_WINDOW_MARGIN_S = 0.01
RATE_SLOWDOWN = 0.75
RATE_SLOWDOWN_FLOOR = 0.2
RATE_RECOVERY = 0.05
NCBI_WINDOW_S = 1.0

# --- timeouts and retries ---------------------------------------------------------------
HTTP_TIMEOUT_S = 20.0
MAX_ATTEMPTS = 5  # first try plus four retries (a 429 does not count)
MAX_RATE_LIMITED = 30  # 429s one request may meet before they count as failed attempts
BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 30.0
RETRY_AFTER_CAP_S = 120.0
# A source is given up for the rest of a run after this many lookups failed in a row (after their
# retries), or this many connection errors in a row (no route, no DNS: the network is gone).
GIVE_UP_AFTER_FAILURES = 3
GIVE_UP_AFTER_CONNECTION_ERRORS = 6  # a Retry-After longer than this fails the lookup instead of waiting

# --- batching ---------------------------------------------------------------------------
EFETCH_BATCH = 200  # ids per EFetch request
ECITMATCH_BATCH = 100  # citations per ECitMatch request
CROSSREF_DOI_FILTER_BATCH = 20  # DOIs per /works?filter=doi:... request
CROSSREF_DOI_BATCH_MIN = 4  # fewer missing DOIs than this are looked up one by one (the faster bucket)
ESEARCH_DOI_BATCH = 40  # DOIs per cross-walk ESearch ("a[doi] OR b[doi] ...")
SEARCH_ROWS = 5  # candidates per bibliographic search

# --- fetching an article from a URL -------------------------------------------------------
ENV_DOI_RESOLVER = "CITELENS_DOI_RESOLVER"  # where a DOI is resolved to its landing page
DEFAULT_DOI_RESOLVER = "https://doi.org"
URL_TOTAL_TIMEOUT_S = 60.0  # a download that is still streaming after this is stopped (an endless stream)
URL_ATTEMPTS = 3  # first try plus two retries on 429, 5xx and timeouts

# --- matching from the printed string -----------------------------------------------------
BIBLIOGRAPHIC_QUERY_MAX_CHARS = 600  # the printed reference sent as Crossref's query.bibliographic, at most
# DOI prefixes registered with DataCite, not Crossref (datasets, software, preprints): Crossref and PubMed
# do not index them, so a reference citing one is skipped with the reason, never `not_found`
DATACITE_PREFIXES = {
    "10.5281": "Zenodo", "10.6084": "figshare", "10.5061": "Dryad", "10.48550": "arXiv", "10.7910": "Dataverse",
    "10.17632": "Mendeley Data", "10.1594": "PANGAEA", "10.17605": "OSF", "10.15468": "GBIF",
    "10.5066": "USGS ScienceBase", "10.25740": "Stanford Digital Repository", "10.4121": "4TU.ResearchData",
}
# a reference the parser could not read is still searched by its printed string if it has this many words
MIN_SEARCHABLE_WORDS = 4

# lookups: distinct references resolved together, and how many such chunks are looked up at a time (one
# chunk's DOI and PubMed stages overlap another's Crossref searches)
RESOLVE_CHUNK = 100
CHUNKS_IN_FLIGHT = 3
LOOKAHEAD_SWITCH_S = 0.001  # the interpreter's switch interval while lookups run beside the reading (5 ms)
GC_FULL_EVERY = 100  # younger collections between two full ones during lookups (Python's default: 10)
LOOKAHEAD_CHUNKS = 20  # chunks of verdicts looked up ahead of the reading that may wait to be saved
