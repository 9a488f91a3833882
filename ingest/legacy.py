"""Legacy Word (.doc) and WPS (.wps) reports, read by converting them to .docx with LibreOffice.

The Document is the DOCX reader's, for the original file: same source, and the report_id of the
original bytes, so the id does not depend on the converter's version.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from xxgk.errors import ConverterMissingError, CorruptFileError
from xxgk.ingest import docx
from xxgk.ingest.document import Document
from xxgk.ingest.reader import report_id

TIMEOUT_SECONDS = 120
MISSING = (
    "legacy Word .doc/.wps needs LibreOffice: install it (e.g. `apt-get install libreoffice-writer`) "
    "so that `soffice` is on PATH"
)


def _converter() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise ConverterMissingError(MISSING)
    return found


def _convert(soffice: str, data: bytes, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="xxgk-legacy-") as tmp:
        work = Path(tmp)
        source = work / f"input{suffix}"
        source.write_bytes(data)
        command = [
            soffice,
            # A private profile per conversion: parallel workers sharing the default profile block
            # each other or fail.
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        # Own session, so that a hung conversion can be killed with the soffice.bin it spawns.
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            message = f"LibreOffice did not convert the file within {TIMEOUT_SECONDS} s"
            raise CorruptFileError(message) from exc
        converted = work / "out" / "input.docx"
        if not converted.is_file():
            detail = stderr.decode("utf-8", errors="replace").strip()[-300:]
            detail = detail or f"exit status {process.returncode}"
            raise CorruptFileError(f"LibreOffice could not convert the file: {detail}")
        return converted.read_bytes()


class LegacyWordReader:
    format = "docx"
    extensions = (".doc", ".wps")

    def accepts(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in self.extensions

    def read(self, path: Path, data: bytes, source: str) -> Document:
        if data.startswith(b"PK\x03\x04"):
            # A .docx saved under an old name, as download portals often do: no converter needed.
            return docx.READER.read(path, data, source)
        converted = _convert(_converter(), data, path.suffix.lower())
        document = docx.READER.read(path, converted, source)
        return document.model_copy(update={"report_id": report_id(data)})


READER = LegacyWordReader()
