"""Imported by the forkserver before it forks any worker, after the readers the batch needs: the
parser and the keyword segmenter's dictionary are loaded once there, and each worker (and export
process) forked from it starts with them and shares their memory, instead of loading its own copy
(two workers loading at once took the first second of a run on two cores, and each then kept its
own copy of jieba's dictionary). The export's own code is not loaded here: the few export processes
load it themselves, and a run of one file waits for this preload before it parses.

The loaded objects are frozen out of the garbage collector: a worker's collections then never walk
them (nor touch, and so copy, the pages it shares with the forkserver). And a worker collects its
youngest objects every YOUNG_COLLECTION allocations instead of Python's 700: a parse allocates
hundreds of thousands of short-lived containers (a PDF page's characters as dicts, the report's
models), which at 700 the collector walked again and again before they were freed (3.7% of the
parse of the corpus and fixture PDFs, 0.3% at 10000; the rare cycles wait a little longer).
"""

import gc

from xxgk import tasks

try:
    tasks.warm_up()
except Exception:  # a forkserver that failed here would start no worker: each worker tries again and says why
    pass
gc.freeze()
YOUNG_COLLECTION = 10_000
gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])
