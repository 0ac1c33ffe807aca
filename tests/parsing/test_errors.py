"""Every bad input gets its typed error (an ``InputError`` subclass with a stable code), never a
traceback from pdfminer, python-docx or zipfile; the file name never decides the type."""

from __future__ import annotations

import io
import zipfile

import pytest

from matcher import parse
from matcher.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    InputError,
    NoTextError,
    PdfEncryptedError,
    UnsupportedTypeError,
)
from matcher.models import Document
from matcher.options import MatchOptions
from tests.documents import (
    bomb_pdf,
    canvas_pdf,
    encrypted_pdf,
    gif_image,
    image_only_pdf,
    make_docx,
    nested_pdf,
    one_page,
    raw_pdf,
    sample_resume,
    stream,
)


def _text_pdf(pages: int = 1) -> bytes:
    def draw(c: object, page: int) -> None:
        for i in range(20):
            c.drawString(50, 780 - 14 * i, f"Page {page + 1} line {i}: Python and SQL work.")  # type: ignore[attr-defined]

    return canvas_pdf(draw, pages)


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buf, format="PNG")
    return buf.getvalue()


def _jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buf, format="JPEG")
    return buf.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "error", "code"),
    [
        pytest.param(b"", "cv.pdf", EmptyDocumentError, "empty-document", id="zero-bytes"),
        pytest.param(b" \r\n\t\x00 ", "cv.txt", EmptyDocumentError, "empty-document", id="blank"),
        # a PNG or JPEG is read by OCR whatever its name; a blank one has no text
        pytest.param(_png(), "cv.pdf", NoTextError, "no-text", id="blank-png-as-pdf"),
        pytest.param(_jpeg(), "cv.pdf", NoTextError, "no-text", id="blank-jpeg-pdf"),
        pytest.param(gif_image(), "cv.pdf", UnsupportedTypeError, "unsupported-type", id="gif"),
        pytest.param(
            bytes(range(256)) * 64, "cv.docx", UnsupportedTypeError, "unsupported-type", id="random"
        ),
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "cv.doc",
            UnsupportedTypeError,
            "unsupported-type",
            id="legacy-doc",
        ),
        pytest.param(
            _zip({"content.xml": b"<x/>", "mimetype": b"application/vnd.oasis"}),
            "cv.docx",
            UnsupportedTypeError,
            "unsupported-type",
            id="odt-as-docx",
        ),
        pytest.param(
            _zip({"readme.txt": b"hello"}),
            "cv.docx",
            UnsupportedTypeError,
            "unsupported-type",
            id="plain-zip",
        ),
        pytest.param(
            b"PK\x03\x04" + b"\x00garbage" * 40,
            "cv.docx",
            CorruptDocumentError,
            "corrupt-document",
            id="broken-zip",
        ),
        pytest.param(
            _zip({"word/document.xml": b"<w:document><unclosed"}),
            "cv.docx",
            CorruptDocumentError,
            "corrupt-document",
            id="broken-docx-xml",
        ),
        pytest.param(
            b"%PDF-1.7\n" + b"\x00\xff garbage" * 50,
            "cv.pdf",
            CorruptDocumentError,
            "corrupt-document",
            id="pdf-header-only",
        ),
        pytest.param(image_only_pdf(2), "scan.pdf", NoTextError, "no-text", id="scanned"),
    ],
)
def test_parse_bad_input_typed_error(
    data: bytes, filename: str, error: type[InputError], code: str
) -> None:
    with pytest.raises(error) as info:
        parse(data, filename=filename)
    assert type(info.value) is error
    assert info.value.code == code
    assert info.value.to_dict()["detail"] == info.value.message
    assert info.value.message  # a sentence a person can act on


def test_parse_type_comes_from_content_not_name() -> None:
    pdf = _text_pdf()
    for name in ("cv.docx", "cv.txt", "cv.png", None):
        assert parse(pdf, filename=name).format == "pdf"
    assert parse(b"Jo Doe\nSkills\nPython\n", filename="cv.pdf").format == "text"


@pytest.mark.parametrize("cut", [0.99, 0.9, 0.6])
def test_parse_truncated_pdf_recovers_what_survived(cut: float) -> None:
    pdf = _text_pdf(pages=3)
    doc = parse(pdf[: int(len(pdf) * cut)])  # the xref table and trailer are gone
    assert doc.partial
    assert "partial-document" in {w.code for w in doc.warnings}
    assert "Page 1 line 19: Python and SQL work." in doc.text.splitlines()


@pytest.mark.parametrize("cut", [0.4, 0.05])
def test_parse_truncated_pdf_without_text_left_is_corrupt(cut: float) -> None:
    pdf = _text_pdf(pages=3)
    with pytest.raises(CorruptDocumentError, match="corrupt"):
        parse(pdf[: int(len(pdf) * cut)])


def test_parse_truncated_tiny_pdf_is_corrupt() -> None:
    with pytest.raises(CorruptDocumentError):
        parse(_text_pdf()[:120])


def test_parse_pdf_with_user_password_is_encrypted() -> None:
    locked = encrypted_pdf(_text_pdf(), user_password="s3cret")
    with pytest.raises(PdfEncryptedError) as info:
        parse(locked, filename="cv.pdf")
    assert info.value.code == "pdf-encrypted"
    assert "password" in info.value.message


def test_parse_pdf_with_owner_password_only_opens() -> None:
    doc = parse(encrypted_pdf(_text_pdf(), user_password=""))
    assert "Page 1 line 0: Python and SQL work." in doc.text


def test_parse_too_many_bytes() -> None:
    with pytest.raises(DocumentTooLargeError, match="bytes exceeds the limit"):
        parse(_text_pdf(), options=MatchOptions(max_bytes=1000))
    with pytest.raises(DocumentTooLargeError):
        parse(b"Python " * 400, options=MatchOptions(max_bytes=1000))


def test_parse_too_many_pages() -> None:
    pdf = _text_pdf(pages=3)
    with pytest.raises(DocumentTooLargeError, match="3 pages exceeds the limit of 2") as info:
        parse(pdf, options=MatchOptions(max_pages=2))
    assert info.value.code == "document-too-large"
    assert parse(pdf, options=MatchOptions(max_pages=3)).pages == 3


def test_parse_pdf_decompression_bomb() -> None:
    with pytest.raises(DocumentTooLargeError, match="decompression bomb"):
        parse(bomb_pdf(80))  # inflates to 80 MiB, over the 64 MiB per-stream limit


def test_parse_docx_zip_bomb() -> None:
    bomb = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            "word/media/padding.bin": b"\x00" * (12 << 20),
        }
    )
    with pytest.raises(DocumentTooLargeError, match="zip bomb"):
        parse(bomb, options=MatchOptions(max_bytes=100_000))


def test_parse_deep_nesting_never_recursion_error() -> None:
    try:
        doc = parse(nested_pdf(50_000))
    except (CorruptDocumentError, DocumentTooLargeError):
        return
    assert isinstance(doc, Document)
    assert doc.text == "Nesting limit"


def test_parse_deeply_nested_content_operands() -> None:
    body = b"BT /F1 12 Tf 72 720 Td (Before) Tj " + b"[" * 20_000 + b"]" * 20_000 + b" ET"
    outcome: Document | InputError
    try:
        outcome = parse(raw_pdf(one_page(stream(body))))
    except InputError as exc:
        outcome = exc
    if isinstance(outcome, Document):
        assert "Before" in outcome.text
    else:
        assert isinstance(outcome, CorruptDocumentError | DocumentTooLargeError | NoTextError)


def test_parse_docx_without_text_is_empty() -> None:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    with pytest.raises(EmptyDocumentError):
        parse(buf.getvalue(), filename="cv.pdf")


def test_parse_errors_are_picklable_with_their_message() -> None:
    import pickle

    with pytest.raises(UnsupportedTypeError) as info:
        parse(gif_image())
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is UnsupportedTypeError
    assert again.message == info.value.message
    assert "GIF" in again.message


def test_parse_valid_docx_sanity() -> None:
    assert parse(make_docx(sample_resume()), filename="cv.pdf").format == "docx"


def test_parse_text_over_the_character_limit_is_cut_and_flagged() -> None:
    data = ("Jo Doe\nSKILLS\n" + "Python and SQL every day.\n" * 400).encode()
    doc = parse(data, options=MatchOptions(max_text_chars=500))
    assert len(doc.text) == 500
    assert all(ln.end <= 500 for ln in doc.lines)
    assert "partial-document" in {w.code for w in doc.warnings}
    assert doc.sections[-1].end <= 500
