#!/usr/bin/env python3
"""CPU seconds per text report of each part of a batch, in one process: what a busy machine changes
least (wall time there says more about the other jobs than about xxgk).

    python bench/components.py [--copies 600]

The text reports of fixtures/ and the corpus (../shared/corpus or $XXGK_CORPUS), copied and made
unique as bench/throughput.py does, then, each timed by process_time:

- worker: the per-file function the workers run (read, parse, checks, word counts, the JSON);
- store: the parent storing what the workers send (Store.put);
- export: writing every output file from the store (write_range and keywords.csv), which the
  parent does after the last report with --jobs 1;
- start: a fresh interpreter importing the parser and loading the keyword segmenter.

Run it with another checkout's interpreter to compare (the same script works on both).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from throughput import make_copies, sources  # noqa: E402  (beside this script)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=600)
    args = parser.parse_args()
    texts = [(p.parent.name + p.suffix, p.read_text(encoding="utf-8", errors="replace")) for p in sources([])]

    from xxgk.output.export import write_range
    from xxgk.output.narrative import write_keywords
    from xxgk.output.store import Store
    from xxgk.tasks import parse_task, warm_up
    from xxgk.version import PARSER_VERSION

    warm_up()
    with tempfile.TemporaryDirectory(prefix="xxgk-components-") as tmp:
        folder = Path(tmp) / "in"
        make_copies(texts, args.copies, folder)
        files = sorted(folder.iterdir())
        parse_task(str(files[0]), str(files[0]))  # caches warm, as in a long batch
        start = time.process_time()
        parsed = [parse_task(str(path), str(path)) for path in files]
        worker = time.process_time() - start
        with Store(Path(tmp) / "xxgk.sqlite") as store:
            run_id = store.begin_run(PARSER_VERSION, len(files))
            start = time.process_time()
            for index, (path, result) in enumerate(zip(files, parsed)):
                store.put(run_id, index, str(path), None, *result)
            store.commit()
            storing = time.process_time() - start
            write_range(store.path, run_id, PARSER_VERSION, 0, 20, Path(tmp) / "warm", "utf-8-sig")  # imports
            shutil.rmtree(Path(tmp) / "warm")
            start = time.process_time()
            _, frequencies = write_range(store.path, run_id, PARSER_VERSION, 0, len(files), Path(tmp) / "out", "utf-8-sig")
            write_keywords(Path(tmp) / "out", "utf-8-sig", frequencies)
            export = time.process_time() - start
    probe = ("import resource\nfrom xxgk.tasks import warm_up\nwarm_up()\n"
             "u = resource.getrusage(resource.RUSAGE_SELF)\nprint(u.ru_utime + u.ru_stime)")
    # The interpreter's own xxgk (no PYTHONPATH: run by another checkout's interpreter, it measures that one).
    starts = sorted(float(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout)
                    for _ in range(3))
    n = len(files)
    print(f"{n} text reports; CPU ms per report: worker {worker / n * 1000:.2f}, store {storing / n * 1000:.2f}, "
          f"export {export / n * 1000:.2f}; worker start {starts[1]:.2f} s CPU (median of 3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
