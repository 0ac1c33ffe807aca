"""Hand-built ``DocumentText`` values (no file reader involved) for the stage tests."""

from __future__ import annotations

from matcher.models import DocumentText, Line


def doc_text(*rows: str | tuple[str, dict[str, object]]) -> DocumentText:
    """Lines of one page; a row is its text, or ``(text, Line field overrides)``."""
    lines: list[Line] = []
    offset = 0
    for n, row in enumerate(rows, start=1):
        text, extra = (row, {}) if isinstance(row, str) else row
        start = offset + (1 if lines else 0)
        fields: dict[str, object] = {"font_size": 10.0, **extra}
        lines.append(
            Line(text=text, page=1, number=n, start=start, end=start + len(text), **fields)  # type: ignore[arg-type]
        )
        offset = start + len(text)
    return DocumentText(
        text="\n".join(ln.text for ln in lines), lines=tuple(lines), pages=1, format="pdf"
    )


BOLD = {"bold": True, "font_size": 12.0}
