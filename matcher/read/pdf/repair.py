"""Reopening a truncated PDF: both glyph sources try it when a file does not open as it is.

The common "upload interrupted" file has lost its xref table and trailer. Appending a trailer
that points at the catalog lets a reader's object scan (pdfminer's fallback, PDFium's xref
rebuild) find the objects that survived; the document read that way is partial.
"""

from __future__ import annotations

import re

__all__ = ["looks_truncated", "repaired"]


def looks_truncated(data: bytes) -> bool:
    """No end-of-file marker near the end: the file was cut off (or has junk appended)."""
    return b"%%EOF" not in data[-2048:]


_TYPE_CATALOG = re.compile(rb"/Type\s*/Catalog\b")
_HEADER = re.compile(rb"(\d+)\s+(\d+)\s+obj\s*<<")
_REACH = 600  # bytes from an object's "<<" to its /Type /Catalog
_MAX_CANDIDATES = 64  # /Type /Catalog occurrences looked at (a real file has one or two)


def _catalog(data: bytes) -> tuple[int, int, int] | None:
    """(number, generation, end) of the first object whose dictionary says /Type /Catalog
    within ``_REACH`` bytes of its start, without an ``endobj`` between. Found from each
    ``/Catalog`` back to the nearest object header, so the cost is linear in the file (a
    forward pattern over every ``N G obj`` header is quadratic on a file of millions)."""
    for k, found in enumerate(_TYPE_CATALOG.finditer(data)):
        if k >= _MAX_CANDIDATES:
            return None
        at = found.start()
        window_start = max(0, at - _REACH - 64)
        headers = list(_HEADER.finditer(data, window_start, at))
        if not headers:
            continue
        head = headers[-1]
        if at - head.end() > _REACH or b"endobj" in data[head.end() : at]:
            continue
        return int(head.group(1)), int(head.group(2)), found.end()
    return None


def repaired(data: bytes) -> bytes | None:
    """A truncated PDF (no xref table or trailer left) with a trailer pointing at its catalog,
    so pdfminer's fallback object scan can read the objects that survived; None if there is
    no catalog to point at."""
    catalog = _catalog(data)
    if catalog is None:
        return None
    num, gen, end = catalog
    # drop a damaged xref table / trailer at the end: the object scan would read it first
    cuts = [i for i in (data.rfind(b"\nxref"), data.rfind(b"\ntrailer")) if i > end]
    if cuts:
        data = data[: min(cuts)]
    return data + f"\nendstream\nendobj\ntrailer\n<< /Root {num} {gen} R >>\n%%EOF\n".encode()
