"""Lookups that start while the inputs are still being read.

Reading a long reference list is CPU work (the CRF labels about a thousand references a second)
and the lookups are rate-limited waiting: done one after the other, a 10,000-reference review spent
its first seconds parsing with both APIs idle. `Lookahead` takes each reference as the reader
parses it (`read.reading_references`), gathers them into chunks of distinct references and hands
them to `Resolver.resolve_chunks` in a thread of its own, so the first chunks are looked up while
the rest of the list is still being labelled. The verdicts come back chunk by chunk, in order
(`completed`), for the caller to save; nothing here touches the database. At most
`defaults.LOOKAHEAD_CHUNKS` chunks of verdicts wait to be taken: past that the lookups pause, so
that reading thousands of inputs does not pile up their verdicts in memory.

A reference is taken once (by its normalised string), and not at all when `skip(key)` says it
already has a verdict. A reference the readers did not parse (BibTeX, JATS with tagged fields, an
input unchanged in the database) is added by the caller with `add` before `close`.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator

from citelens import defaults
from citelens.records import ParsedReference, Resolution, raw_key
from citelens.resolve import Resolver

_DONE = None  # the end of the chunks (and of the results)


class Lookahead:
    """Distinct references in, their resolutions out, looked up in the background as they come."""

    def __init__(self, resolver: Resolver, *, skip: Callable[[str], bool] = lambda key: False,
                 progress: Callable[[float, int], None] | None = None) -> None:
        self.resolver = resolver
        self.skip = skip
        self.progress = progress
        self.keys: set[str] = set()  # every reference taken (normalised string)
        self._chunk: list[tuple[str, str, ParsedReference]] = []
        self._chunks: queue.SimpleQueue[list[tuple[str, str, ParsedReference]] | None] = queue.SimpleQueue()
        self._results: queue.Queue[tuple[list[str], list[Resolution]] | None] = queue.Queue(
            maxsize=defaults.LOOKAHEAD_CHUNKS)
        self._error: BaseException | None = None
        self._stopping = False
        self._closed = False
        self._thread: threading.Thread | None = None

    def add(self, raw: str, parsed: ParsedReference, *, checked: bool = False) -> None:
        """One reference to look up (ignored if already taken, or if already checked unless `checked`)."""
        key = raw_key(raw)
        if self._closed or key in self.keys or (not checked and self.skip(key)):
            return
        self.keys.add(key)
        self._chunk.append((key, raw, parsed))
        if len(self._chunk) >= defaults.RESOLVE_CHUNK:
            self._flush()

    def close(self) -> None:
        """No more references: the last partial chunk goes, then the end."""
        if self._closed:
            return
        self._flush()
        self._closed = True
        self._chunks.put(_DONE)
        if self._thread is None:
            self._results.put(_DONE)

    def stop(self) -> None:
        """Give up (the run was interrupted or failed): the chunks not started are dropped, the ones
        in flight are let finish, and the thread is waited for."""
        self._stopping = True
        self.close()
        while self._thread is not None and self._thread.is_alive():
            with contextlib.suppress(queue.Empty):  # the thread may wait for room for its results
                self._results.get(timeout=0.05)

    def completed(self) -> Iterator[tuple[list[str], list[Resolution]]]:
        """Each chunk's keys and resolutions, in order, as they are done (after `close`, until the last);
        a failure of the lookups is raised here."""
        while (item := self._results.get()) is not _DONE:
            yield item
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error

    # --- the background thread -------------------------------------------------------------------

    def _flush(self) -> None:
        if not self._chunk:
            return
        self._chunks.put(self._chunk)
        self._chunk = []
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="citelens-lookahead", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        order: deque[list[str]] = deque()

        def feed() -> Iterator[list[tuple[str, ParsedReference]]]:
            while (chunk := self._chunks.get()) is not _DONE:
                if self._stopping:
                    continue  # drain what is queued without starting it
                order.append([key for key, _, _ in chunk])
                yield [(raw, parsed) for _, raw, parsed in chunk]

        def moved(n: float) -> None:
            if self.progress:
                self.progress(n, len(self.keys))

        try:
            for resolutions in self.resolver.resolve_chunks(feed(), moved):
                keys = order.popleft()
                self._results.put((keys, resolutions))
        except BaseException as exc:  # handed to the reader of the results
            self._error = exc
        finally:
            self._results.put(_DONE)
