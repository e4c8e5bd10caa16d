"""The interpreter's settings for a long run of lookups (`citelens batch`, `citelens check`).

Two things stall the lookup threads of a large run, and with them the requests they would send:
- the reading holds the interpreter lock while the lookup threads need it only for moments between
  their waits: a shorter switch interval lets them answer (and send the next request) sooner;
- the cyclic garbage collector's full collections scan every object alive: with a 10,000-reference
  review read, each took 0.1-0.5 s, every few seconds (60 of them, 8 s of a cold run's 62 s of CPU;
  half of Crossref's lost turns fell in one). During the run they come only after
  `defaults.GC_FULL_EVERY` younger collections instead of 10, and what stays alive once an article is
  read and stored (`settle`) is frozen: later full collections do not scan it again. Reference
  counting frees everything as before; only garbage in reference cycles waits longer.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from citelens import defaults


@contextmanager
def tuned_for_lookups() -> Iterator[None]:
    """Shorter switch interval and rarer full collections for the lookups; restored on the way out."""
    switch = sys.getswitchinterval()
    thresholds = gc.get_threshold()
    sys.setswitchinterval(defaults.LOOKAHEAD_SWITCH_S)
    gc.set_threshold(thresholds[0], thresholds[1], max(thresholds[2], defaults.GC_FULL_EVERY))
    try:
        yield
    finally:
        sys.setswitchinterval(switch)
        gc.set_threshold(*thresholds)


def settle() -> None:
    """What is alive now stays alive for the run (an article read and stored, the loaded models):
    full collections need not scan it again."""
    gc.freeze()


def release() -> None:
    """The end of a run: frozen objects are collected again like any other."""
    gc.unfreeze()
