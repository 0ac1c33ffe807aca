"""Profile the pipeline on the benchmark corpus with pyinstrument (docs/benchmarks.md's profiles).

```
python -m bench.profile                # Matcher.match on every 3rd corpus document (1-3 pages)
python -m bench.profile --what parse   # only Matcher.parse; --what floor: pdfminer extract_text
python -m bench.profile --every 1 --html out.html
```

It also prints the CPU seconds of the pipeline, the parse and the floor on the same documents
(best of three per document, in alternating order, without the profiler), the numbers to quote
when a change claims to be faster: sampling profiles show where the time goes, not how much a
change saved.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import corpus, pipeline


def cpu_ratios(
    datas: list[tuple[str, bytes]], funcs: dict[str, Callable[[str, bytes], object]]
) -> dict[str, float]:
    """Best-of-three CPU seconds per document, summed, for each function (alternating order)."""
    best = {k: [float("inf")] * len(datas) for k in funcs}
    items = list(funcs.items())
    for r in range(3):
        for i, (name, data) in enumerate(datas):
            for key, func in items if (i + r) % 2 else reversed(items):
                c0 = time.process_time()
                func(name, data)
                best[key][i] = min(best[key][i], time.process_time() - c0)
    return {k: round(sum(v), 3) for k, v in best.items()}


def pdfium_text(data: bytes, *, boxes: bool) -> int:
    """PDFium's text of every page in one call each, and with ``boxes`` each character's box
    too (one ctypes call per character): the floor of any reader that orders glyphs."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(data)
    chars = 0
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            chars += len(textpage.get_text_range())
            if boxes:
                rect = raw.FS_RECTF()
                ref = ctypes.byref(rect)
                for k in range(raw.FPDFText_CountChars(textpage.raw)):
                    raw.FPDFText_GetLooseCharBox(textpage.raw, k, ref)
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return chars


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bench.profile``."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--what", choices=("match", "parse", "floor"), default="match")
    ap.add_argument("--every", type=int, default=3, help="profile every n-th document")
    ap.add_argument("--html", type=Path, help="also write pyinstrument's HTML view here")
    ap.add_argument("--no-cpu", action="store_true", help="skip the CPU-time comparison")
    args = ap.parse_args(argv)

    from pyinstrument import Profiler

    from matcher import Matcher

    files = [f for f in corpus.build(corpus.FULL) if f.pages <= 3][:: max(1, args.every)]
    datas = [(f.id + ".pdf", f.read()) for f in files]
    matcher = Matcher.default()
    funcs: dict[str, Callable[[str, bytes], object]] = {
        "match": lambda n, d: matcher.match(d, filename=n),
        "parse": lambda n, d: matcher.parse(d, filename=n),
        "floor": lambda _n, d: pipeline.floor_text(d),
        # what no Python reader can go below (docs/benchmarks.md, "The 5x target"): PDFium's
        # text in one C call per page, and that plus one ctypes call per character (its box)
        "pdfium-text": lambda _n, d: pdfium_text(d, boxes=False),
        "pdfium-boxes": lambda _n, d: pdfium_text(d, boxes=True),
    }
    for name, data in datas[:3]:  # warm-up
        for func in funcs.values():
            func(name, data)
    profiler = Profiler(interval=0.0005)
    run = funcs[args.what]
    profiler.start()
    for name, data in datas:
        run(name, data)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=sys.stdout.isatty()))
    if args.html:
        args.html.write_text(profiler.output_html(), encoding="utf-8")
    if not args.no_cpu:
        cpu = cpu_ratios(datas, funcs)
        floor = cpu["floor"] or float("nan")
        print(
            f"CPU s on {len(datas)} documents (best of 3 each): "
            + ", ".join(f"{k} {v} ({v / floor:.3f}x floor)" for k, v in cpu.items())
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
