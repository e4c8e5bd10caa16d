"""Fetch an article from a URL and read it with the reader its content type names.

`https://...` is fetched with httpx (streamed, a size cap of `MAX_ARTICLE_BYTES`, a per-read
timeout and a total time cap, a User-Agent naming citelens and the mailto address, retries on
429/5xx/timeouts with backoff); `doi:10...` and `https://doi.org/10...` are resolved to the
landing page; an arXiv abstract page (`arxiv.org/abs/ID`) is swapped for its PDF. The content
type decides the reader (PDF, HTML, JATS XML, Word, text), the first bytes when it says nothing
useful. A failure is one line: no network, an HTTP error status, too large, too slow.
"""

from __future__ import annotations

import os
import re
import time
from urllib.parse import urlsplit

from citelens import __version__, defaults
from citelens.errors import ArticleError, InputError
from citelens.records import Article

_DOI_RE = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)(10\.\d{4,9}/\S+)$", re.I)
_ARXIV_ABS_RE = re.compile(r"^https?://(?:www\.)?(?:export\.)?arxiv\.org/abs/([\w./-]+?)(?:v(\d+))?/?$", re.I)
_TYPES = {
    "application/pdf": "pdf", "text/html": "html", "application/xhtml+xml": "html",
    "application/xml": "jats", "text/xml": "jats", "application/jats+xml": "jats",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "text", "text/markdown": "text",
}


def rewrite(url: str) -> str:
    """The URL to fetch: a DOI through the resolver, an arXiv abstract page as its PDF."""
    url = url.strip()
    m = _DOI_RE.match(url)
    if m:
        base = os.environ.get(defaults.ENV_DOI_RESOLVER) or defaults.DEFAULT_DOI_RESOLVER
        return f"{base.rstrip('/')}/{m.group(1)}"
    m = _ARXIV_ABS_RE.match(url)
    if m:
        return f"https://arxiv.org/pdf/{m.group(1)}" + (f"v{m.group(2)}" if m.group(2) else "")
    if url.lower().startswith("www."):
        return "https://" + url
    return url


def user_agent() -> str:
    mailto = os.environ.get(defaults.ENV_MAILTO)
    return f"citelens/{__version__} (mailto:{mailto})" if mailto \
        else f"citelens/{__version__}"


def fetch(url: str, *, timeout: float | None = None, max_bytes: int = defaults.MAX_ARTICLE_BYTES,
          total_timeout: float = defaults.URL_TOTAL_TIMEOUT_S) -> tuple[bytes, str, str]:
    """(body, content type, final URL) of a GET, streamed and capped. Failures raise InputError."""
    import httpx

    timeout = timeout or float(os.environ.get(defaults.ENV_HTTP_TIMEOUT) or defaults.HTTP_TIMEOUT_S)
    host = urlsplit(url).netloc or url
    headers = {"User-Agent": user_agent(),
               "Accept": "application/pdf, text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.5"}
    backoff = float(os.environ.get(defaults.ENV_BACKOFF_BASE) or defaults.BACKOFF_BASE_S)
    for attempt in range(1, defaults.URL_ATTEMPTS + 1):
        try:
            with httpx.Client(timeout=timeout, follow_redirects=True, headers=headers) as client, \
                    client.stream("GET", url) as response:
                if response.status_code in (429, 500, 502, 503, 504) and attempt < defaults.URL_ATTEMPTS:
                    time.sleep(backoff * 2 ** (attempt - 1))
                    continue
                if response.status_code >= 400:
                    raise InputError(f"{url}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise InputError(f"{url}: {int(declared) / 1e6:.1f} MB is too large for an article "
                                     f"(limit {max_bytes // 10**6} MB)")
                started = time.monotonic()
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    chunks.append(chunk)
                    if size > max_bytes:
                        raise InputError(f"{url}: the download passed {max_bytes // 10**6} MB and was stopped "
                                         "(not an article, or an endless stream)")
                    if time.monotonic() - started > total_timeout:
                        raise InputError(f"{url}: the download took longer than {total_timeout:.0f} s and was "
                                         "stopped (an endless stream?)")
                ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
                return b"".join(chunks), ctype, str(response.url)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            if attempt < defaults.URL_ATTEMPTS and isinstance(exc, httpx.ConnectTimeout):
                continue
            raise InputError(f"{url}: cannot reach {host}: no network connection, or the host is down") from None
        except httpx.TimeoutException:
            if attempt < defaults.URL_ATTEMPTS:
                time.sleep(backoff * 2 ** (attempt - 1))
                continue
            raise InputError(f"{url}: {host} did not answer within {timeout:.0f} s") from None
        except httpx.HTTPError as exc:
            raise InputError(f"{url}: download failed: {type(exc).__name__}: {exc}") from None
    raise InputError(f"{url}: the server kept failing (HTTP 429/5xx) after {defaults.URL_ATTEMPTS} tries")


def load_url(url: str, *, require_references: bool = True) -> Article:
    from citelens.read.formats import read_data, sniff

    target = rewrite(url)
    data, ctype, final = fetch(target)
    if not data.strip():
        raise ArticleError(f"{url}: the server sent an empty page")
    path = urlsplit(final).path
    suffix = os.path.splitext(path)[1].lower()
    kind = sniff(data, suffix)
    declared = _TYPES.get(ctype)
    if kind in ("text", "binary") and declared:
        kind = declared
    if kind == "binary":
        raise ArticleError(f"{url}: {ctype or 'unknown content type'}: not an article citelens can read")
    return read_data(data, kind, url, require_references=require_references)
