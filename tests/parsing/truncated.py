"""A real-producer resume PDF (reportlab's platypus, compressed streams, two pages, a table and a
sidebar) and its truncations: the "upload interrupted" files of issue #12.

Document makers for the reader-bounds tests (kept here, not in the shared producer modules).
"""

from __future__ import annotations

import io
from functools import cache

TRUNCATIONS = (0.1, 0.5, 0.9)

_EXPERIENCE = [
    (
        "Senior Machine Learning Engineer, Northwind Analytics (2021 - present)",
        [
            "Built a feature store on Python, Spark and Redis serving 40 models in production.",
            "Trained and shipped PyTorch ranking models; cut p95 latency by 35% with ONNX Runtime.",
            "Ran MLflow experiment tracking and Kubeflow pipelines on Kubernetes for six teams.",
            "Mentored four engineers; introduced code review and CI with GitHub Actions.",
        ],
    ),
    (
        "Machine Learning Engineer, Contoso Retail (2018 - 2021)",
        [
            "Designed demand forecasting with scikit-learn, XGBoost and Airflow on AWS.",
            "Moved batch scoring from cron jobs to Docker containers on Amazon ECS.",
            "Wrote SQL and dbt models for the analytics warehouse on Snowflake.",
        ],
    ),
    (
        "Data Scientist, Fabrikam Labs (2016 - 2018)",
        [
            "A/B tests and causal inference for pricing; pandas, NumPy and statsmodels.",
            "Dashboards in Tableau; weekly reports to the product leadership.",
        ],
    ),
]


@cache
def resume_pdf() -> bytes:
    """A two-page resume as reportlab writes it (Flate-compressed content streams)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

    styles = getSampleStyleSheet()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title="Resume", author="Dana Whitfield")
    story: list[object] = [
        Paragraph("Dana Whitfield", styles["Title"]),
        Paragraph("dana.whitfield@example.com | +1 415 555 0100 | Oakland, CA", styles["Normal"]),
        Spacer(1, 12),
        Paragraph("Summary", styles["Heading2"]),
        Paragraph(
            "Machine learning engineer with nine years of experience taking models from "
            "notebooks to production: feature stores, training pipelines, model serving and "
            "monitoring on Kubernetes.",
            styles["Normal"],
        ),
        Paragraph("Experience", styles["Heading2"]),
    ]
    for title, bullets in _EXPERIENCE * 2:
        story.append(Paragraph(title, styles["Heading4"]))
        story.extend(Paragraph(f"• {b}", styles["Normal"]) for b in bullets)
    story.append(PageBreak())
    story.append(Paragraph("Skills", styles["Heading2"]))
    table = Table(
        [
            ["Languages", "Python, SQL, Go, Bash"],
            ["ML", "PyTorch, TensorFlow, scikit-learn, XGBoost"],
            ["Platform", "Kubernetes, Docker, Airflow, MLflow, Kubeflow"],
            ["Cloud", "AWS, GCP, Snowflake"],
        ]
    )
    table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)])
    story.append(table)
    story.append(Paragraph("Education", styles["Heading2"]))
    story.append(
        Paragraph("MSc Computer Science, University of Washington, 2016", styles["Normal"])
    )
    doc.build(story)
    return buf.getvalue()


def truncated(fraction: float) -> bytes:
    """The resume cut after ``fraction`` of its bytes."""
    data = resume_pdf()
    return data[: int(len(data) * fraction)]


def raw_pdf(content: bytes, *, extra: tuple[bytes, ...] = (), resources: bytes = b"") -> bytes:
    """A one-page PDF written by hand: ``content`` as the page's (Flate) content stream, a
    Helvetica font as /F1, ``extra`` objects numbered from 5 on, with a correct xref table."""
    import zlib

    packed = zlib.compress(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> "
        + resources
        + b" >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
        *extra,
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def scattered_pieces_pdf(count: int = 20_000, seed: int = 12) -> bytes:
    """One page of ``count`` one-letter text pieces at scattered places (3 pt, visible): no
    two consecutive pieces share a line, so each is a text segment of its own."""
    import random

    rng = random.Random(seed)
    parts = [b"BT /F1 3 Tf"]
    x = y = 0.0
    for _ in range(count):
        nx, ny = rng.uniform(20, 570), rng.uniform(20, 820)
        parts.append(b"%.2f %.2f Td (%s) Tj" % (nx - x, ny - y, rng.choice(b"abcdefgh").to_bytes()))
        x, y = nx, ny
    parts.append(b"ET")
    return raw_pdf(b"\n".join(parts))


def chained_bomb_pdf(mib: int) -> bytes:
    """An image XObject whose stream is ASCIIHex over Flate and inflates to ``mib`` MiB of
    zeros (a bomb behind a filter chain, in a stream that is not page content)."""
    import zlib

    body = zlib.compress(b"\0" * (mib << 20), 9).hex().encode() + b">"
    image = (
        b"<< /Type /XObject /Subtype /Image /Width 4096 /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length %d /Filter [/ASCIIHexDecode /FlateDecode] >>\nstream\n"
        % ((mib << 20) // 4096, len(body))
        + body
        + b"\nendstream"
    )
    content = (
        b"BT /F1 12 Tf 72 720 Td (Python and Kubernetes) Tj ET\nq 100 0 0 100 72 500 cm /Im1 Do Q"
    )
    return raw_pdf(content, extra=(image,), resources=b"/XObject << /Im1 5 0 R >>")
