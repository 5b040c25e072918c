"""The garbage collector and a long-running bot: the heap built at start-up is kept out of its full passes.

By the first event every module, the SQLAlchemy mappers, the catalogs and the zone tables are loaded:
~105,000 objects that live as long as the process. CPython's full collection walks all of them each time
(50–100 ms with the event loop held, measured in bench/commands.py), though next to none is garbage (a
collection at that point finds ~500). `gc.freeze()` moves them to a generation no collection walks; what
is made afterwards is collected as usual.
"""

from __future__ import annotations

import gc

_settled = False


def settle() -> None:
    """Freeze the heap as it is now, once per process (later calls do nothing).

    No collection first: it would hold the loop for as long as the passes this saves, to free a few hundred
    objects of start-up once.
    """
    global _settled
    if _settled:
        return
    _settled = True
    gc.freeze()
