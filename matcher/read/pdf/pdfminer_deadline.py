"""pdfminer.six's parsers with the parse deadline inside them (imported by ``pdfminer_source``).

pdfminer does its heavy work in tokenizers that never return to our code while they run:
opening a file (the xref table, the trailer, the object-by-object scan of a file whose xref is
broken, the page tree), object streams, content streams and ToUnicode CMaps. Checking the
``Deadline`` between pages or operators cannot stop one of them that takes a minute (a file of
a million lines without an xref, a content stream that is one array nested four million deep,
a CMap of 400,000 entries). Every parser here reads its bytes through ``DeadlineFile``, whose
``read`` checks the deadline; pdfminer's tokenizer reads 4 KiB at a time, so a parse stops at
most a few milliseconds after its deadline, with ``ParseTimeoutError``.

pdfminer creates those parsers itself in four places; each is overridden here to make ours:

- ``BoundedDocument`` (``PDFDocument``): object streams (``_get_objects``) and the fallback scan
  of a file without a usable xref (``read_xref_from``), whose object streams pdfminer would
  parse with its own parser;
- ``BoundedInterpreter.execute`` (``PDFPageInterpreter``): the content streams;
- ``BoundedResourceManager.get_font`` (``PDFResourceManager``): the fonts' ToUnicode CMaps.

The code that mirrors pdfminer's (``_Fallback.load``, ``execute``) keeps its logic line for line
except for the parser it makes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from pdfminer.cmapdb import CMapParser, FileUnicodeMap
from pdfminer.pdfdocument import PDFDocument, PDFNoValidXRef, PDFXRefFallback
from pdfminer.pdffont import PDFFont
from pdfminer.pdfinterp import PDFContentParser, PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfparser import PDFParser, PDFStreamParser
from pdfminer.pdftypes import PDFStream, resolve1, stream_value
from pdfminer.psexceptions import PSEOF
from pdfminer.psparser import LIT, PSKeyword, keyword_name

from matcher.read.pdf.limits import Deadline

__all__ = [
    "BoundedDocument",
    "BoundedInterpreter",
    "BoundedResourceManager",
    "DeadlineFile",
    "open_parser",
]

_OBJSTM = LIT("ObjStm")


class DeadlineFile(io.BytesIO):
    """In-memory bytes whose every ``read`` first checks the deadline."""

    def __init__(self, data: bytes, deadline: Deadline) -> None:
        super().__init__(data)
        self.deadline = deadline

    def read(self, size: int | None = -1, /) -> bytes:
        self.deadline.check()
        return super().read(size)


def open_parser(data: bytes, deadline: Deadline) -> PDFParser:
    """The document's own parser (xref, trailer, every indirect object), reading under
    ``deadline``."""
    return PDFParser(DeadlineFile(data, deadline))


class _StreamParser(PDFStreamParser):
    """An object stream's parser, reading under the deadline."""

    def __init__(self, data: bytes, deadline: Deadline) -> None:
        PDFParser.__init__(self, DeadlineFile(data, deadline))


class _ContentParser(PDFContentParser):
    """A page's (or a form's) content streams, read under the deadline."""

    def __init__(self, streams: Sequence[object], deadline: Deadline) -> None:
        self.deadline = deadline
        super().__init__(streams)

    def fillfp(self) -> bool:
        if not self.fp:
            if self.istream >= len(self.streams):
                raise PSEOF("Unexpected EOF, file truncated?")
            strm = stream_value(self.streams[self.istream])
            self.istream += 1
            self.fp = DeadlineFile(strm.get_data(), self.deadline)
            return True
        return False


class _Fallback(PDFXRefFallback):
    """pdfminer's scan of a file without a usable xref (``PDFXRefFallback.load``): every
    ``N G obj`` line, object streams expanded, up to the trailer."""

    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def load(self, parser: PDFParser) -> None:
        parser.seek(0)
        while True:
            try:
                (pos, line_bytes) = parser.nextline()
            except PSEOF:
                break
            if line_bytes.startswith(b"trailer"):
                parser.seek(pos)
                self.load_trailer(parser)
                break
            m = self.PDFOBJ_CUE.match(line_bytes.decode("latin-1"))
            if not m:
                continue
            objid, genno = int(m.group(1)), int(m.group(2))
            self.offsets[objid] = (None, pos, genno)
            parser.seek(pos)
            (_, obj) = parser.nextobject()
            if isinstance(obj, PDFStream) and obj.get("Type") is _OBJSTM:
                stream = stream_value(obj)
                try:
                    n = stream["N"]
                except KeyError:
                    n = 0
                inner = _StreamParser(stream.get_data(), self.deadline)
                objs: list[Any] = []
                try:
                    while True:
                        (_, item) = inner.nextobject()
                        objs.append(item)
                except PSEOF:
                    pass
                for index in range(min(n, len(objs) // 2)):
                    self.offsets[objs[index * 2]] = (objid, index, 0)


class BoundedDocument(PDFDocument):
    """A ``PDFDocument`` whose object streams and fallback scan parse under the deadline
    (open it on ``open_parser``'s parser so the rest does too)."""

    def __init__(self, parser: PDFParser, password: str, deadline: Deadline) -> None:
        self.deadline = deadline
        self._reading_xref = False
        # pdfminer's own fallback would parse object streams with its parser: ours runs instead
        super().__init__(parser, password, fallback=False)

    def find_xref(self, parser: PDFParser) -> int:
        try:
            return super().find_xref(parser)
        except PDFNoValidXRef:
            return -1  # read_xref_from scans the file instead

    def read_xref_from(self, parser: PDFParser, start: int, xrefs: list[Any]) -> None:
        if self._reading_xref:  # a /Prev or /XRefStm section: as pdfminer reads it
            super().read_xref_from(parser, start, xrefs)
            return
        self._reading_xref = True
        try:
            if start < 0:
                raise PDFNoValidXRef("no startxref")
            super().read_xref_from(parser, start, xrefs)
        except PDFNoValidXRef:
            parser.fallback = True
            fallback = _Fallback(self.deadline)
            fallback.load(parser)
            xrefs.append(fallback)
        finally:
            self._reading_xref = False

    def _get_objects(self, stream: PDFStream) -> tuple[list[object], int]:
        try:
            n = int(stream["N"])
        except (KeyError, TypeError, ValueError):
            n = 0
        parser = _StreamParser(stream.get_data(), self.deadline)
        parser.set_document(self)
        objs: list[object] = []
        try:
            while True:
                (_, obj) = parser.nextobject()
                objs.append(obj)
        except PSEOF:
            pass
        return (objs, n)


class BoundedResourceManager(PDFResourceManager):
    """Fonts whose ToUnicode CMap streams are parsed under the deadline."""

    def __init__(self, deadline: Deadline) -> None:
        super().__init__(caching=True)
        self.deadline = deadline

    def get_font(self, objid: object, spec: Mapping[str, object]) -> PDFFont:
        if objid and objid in self._cached_fonts:
            return self._cached_fonts[objid]
        cmap = resolve1(spec.get("ToUnicode"))
        if not isinstance(cmap, PDFStream):  # none, or a predefined CMap's name: pdfminer's
            return super().get_font(objid, spec)
        font = super().get_font(objid, {k: v for k, v in spec.items() if k != "ToUnicode"})
        unicode_map = FileUnicodeMap()
        CMapParser(unicode_map, DeadlineFile(cmap.get_data(), self.deadline)).run()
        font.unicode_map = unicode_map  # type: ignore[attr-defined]
        return font


class BoundedInterpreter(PDFPageInterpreter):
    """A page interpreter whose content streams are parsed under the deadline."""

    def __init__(self, rsrcmgr: PDFResourceManager, device: Any, deadline: Deadline) -> None:
        super().__init__(rsrcmgr, device)
        self.deadline = deadline

    def dup(self) -> BoundedInterpreter:
        return self.__class__(self.rsrcmgr, self.device, self.deadline)

    def execute(self, streams: Sequence[object]) -> None:
        # pdfminer's execute, with _ContentParser; circular forms are skipped as pdfminer does
        valid: list[PDFStream] = []
        stream_ids: set[int] = getattr(self, "stream_ids", set())
        parents: set[int] = getattr(self, "parent_stream_ids", set())
        stream_ids.clear()
        for obj in streams:
            stream = stream_value(obj)
            if stream.objid is None:
                continue
            if stream.objid not in parents:
                valid.append(stream)
                stream_ids.add(stream.objid)
        try:
            parser = _ContentParser(valid, self.deadline)
        except PSEOF:
            return  # an empty page
        while True:
            try:
                (_, obj) = parser.nextobject()
            except PSEOF:
                break
            if isinstance(obj, PSKeyword):
                name = keyword_name(obj)
                method = "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q")
                if hasattr(self, method):
                    func = getattr(self, method)
                    nargs = func.__code__.co_argcount - 1
                    if nargs:
                        args = self.pop(nargs)
                        if len(args) == nargs:
                            func(*args)
                    else:
                        func()
            else:
                self.push(obj)
