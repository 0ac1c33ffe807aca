"""Small PDFs written by hand for the parse tests: canvas drawings and raw PDF objects.

``canvas_pdf`` draws with reportlab's canvas (full control over glyph order, colours, render
modes). ``raw_pdf`` writes PDF objects byte by byte with a correct xref table, for what no
producer makes on purpose: an icon font without a Unicode map, a decompression bomb, deep
nesting.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Sequence
from typing import Any

Draw = Callable[[Any, int], None]


def canvas_pdf(draw: Draw, pages: int = 1) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for page in range(pages):
        draw(c, page)
        c.showPage()
    c.save()
    return buf.getvalue()


def raw_pdf(objects: Sequence[bytes]) -> bytes:
    """A PDF of ``objects`` (object 1 is the catalog), with an xref table and trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def stream(data: bytes, *, filters: Sequence[str] = ()) -> bytes:
    """A stream object: ``data`` encoded with each Flate filter in turn."""
    for _ in filters:
        data = zlib.compress(data, 6)
    names = " ".join(f"/{f}" for f in reversed(filters))
    head = f"<< /Length {len(data)}" + (f" /Filter [{names}]" if filters else "") + " >>"
    return head.encode() + b"\nstream\n" + data + b"\nendstream"


def one_page(content: bytes, *, extra_fonts: bytes = b"", page_extra: bytes = b"") -> list[bytes]:
    """Catalog, pages, page, content stream and a Helvetica font (objects 1-5)."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R " + extra_fonts + b">> >> " + page_extra + b">>",
        content,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]


def icon_font_pdf(lines: Sequence[tuple[str, str]]) -> bytes:
    """Lines of ``(icon_hex, text)``: a glyph from a CID font with no Unicode map, then text."""
    ops = [b"BT /F1 11 Tf 72 780 Td 14 TL"]
    for icon, text in lines:
        if icon:
            ops.append(f"/F2 11 Tf <{icon}> Tj /F1 11 Tf ( {text}) Tj T*".encode())
        else:
            ops.append(f"({text}) Tj T*".encode())
    ops.append(b"ET")
    objs = one_page(stream(b"\n".join(ops)), extra_fonts=b"/F2 6 0 R ")
    objs.append(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /IconFont /Encoding /Identity-H "
        b"/DescendantFonts [7 0 R] >>"
    )
    objs.append(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /IconFont /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>"
    )
    return raw_pdf(objs)


def bomb_pdf(mib: int) -> bytes:
    """One page whose content stream is Flate-compressed twice and inflates to ``mib`` MiB."""
    body = b"BT /F1 12 Tf 72 720 Td (Decompression limit) Tj ET\n" + b" " * (mib << 20)
    return raw_pdf(one_page(stream(body, filters=("FlateDecode", "FlateDecode"))))


def nested_pdf(depth: int) -> bytes:
    """A page whose /Annots is an array nested ``depth`` levels deep."""
    body = b"BT /F1 12 Tf 72 720 Td (Nesting limit) Tj ET"
    objs = one_page(stream(body), page_extra=b"/Annots 6 0 R ")
    objs.append(b"[" * depth + b"]" * depth)
    return raw_pdf(objs)
