"""Open a DOCX in LibreOffice (headless), update its 目录 as a user would, print the result.

    /usr/bin/python3 tests/lo_update_toc.py FILE.docx [OUT.docx]

Run with the system Python, which has LibreOffice's UNO bridge (Debian's python3-uno).
Prints JSON: ``{"indexes": [[entry line, …] for each index], "headings": …}`` — each line of
each table of contents after ``update()``; with OUT.docx the updated document is also saved.
A private LibreOffice profile is used and the office is ended when done.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # noqa: F401 - system python3-uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def _prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main() -> int:
    source = Path(sys.argv[1]).resolve()
    target = Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else None
    profile = Path(tempfile.mkdtemp(prefix="lo-toc-"))
    pipe = f"juesuan_toc_{os.getpid()}"
    office = subprocess.Popen(
        [
            shutil.which("soffice") or "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(240):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                time.sleep(0.25)
        if ctx is None:
            print("LibreOffice did not start", file=sys.stderr)
            return 2
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(source.as_uri(), "_blank", 0, (_prop("Hidden", True),))
        indexes = doc.getDocumentIndexes()
        out = []
        for i in range(indexes.getCount()):
            index = indexes.getByIndex(i)
            index.update()
            text = index.getAnchor().getString()
            out.append([line for line in text.replace("\r", "\n").split("\n") if line.strip()])
        if target is not None:
            doc.storeToURL(target.as_uri(), (_prop("FilterName", "MS Word 2007 XML"),))
        doc.close(True)
        print(json.dumps({"indexes": out}, ensure_ascii=False))
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - the office may end before answering
            pass
        return 0
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
