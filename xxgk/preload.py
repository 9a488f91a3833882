"""Imported by the forkserver before it forks any worker: the parser, every reader and jieba's
dictionary are loaded once there, and each worker (and export process) forked from it starts with
them, instead of loading them itself — on two cores, two workers loading at once took the first
second of a run.

The loaded objects are frozen out of the garbage collector: a worker's collections then never walk
them (nor touch, and so copy, the pages it shares with the forkserver).
"""

import gc

import output.export  # noqa: F401  (the export processes' code)
from xxgk import tasks

try:
    tasks.warm_up()
except Exception:  # noqa: BLE001  (a forkserver that fails here starts no worker: each worker tries again and says why)
    pass
gc.freeze()
