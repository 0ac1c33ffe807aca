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


_CATALOG = re.compile(rb"(\d+)\s+(\d+)\s+obj\s*<<(?:(?!endobj).){0,600}?/Type\s*/Catalog\b", re.S)


def repaired(data: bytes) -> bytes | None:
    """A truncated PDF (no xref table or trailer left) with a trailer pointing at its catalog,
    so pdfminer's fallback object scan can read the objects that survived; None if there is
    no catalog to point at."""
    m = _CATALOG.search(data)
    if m is None:
        return None
    num, gen = int(m.group(1)), int(m.group(2))
    # drop a damaged xref table / trailer at the end: the object scan would read it first
    cuts = [i for i in (data.rfind(b"\nxref"), data.rfind(b"\ntrailer")) if i > m.end()]
    if cuts:
        data = data[: min(cuts)]
    return data + f"\nendstream\nendobj\ntrailer\n<< /Root {num} {gen} R >>\n%%EOF\n".encode()
