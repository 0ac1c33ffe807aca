"""Job board: postings, applications, batches, webhook endpoints, outbox, idempotency.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("external_id", sa.String(200), nullable=True, unique=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("organization", sa.String(500), nullable=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("requirements", sa.JSON(), nullable=False),
        sa.Column("posting", sa.JSON(), nullable=False),
        sa.Column("taxonomy_version", sa.String(64), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "job_id", sa.String(40), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("external_candidate_id", sa.String(200), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("band", sa.String(16), nullable=False),
        sa.Column("matched", sa.JSON(), nullable=False),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("suggestions", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("taxonomy_version", sa.String(64), nullable=False),
        sa.Column("method", sa.String(64), nullable=False),
        sa.Column("resume_text", sa.Text(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _ts("expires_at", nullable=True),
        sa.UniqueConstraint(
            "job_id", "external_candidate_id", name="uq_applications_job_candidate"
        ),
    )
    op.create_index("ix_applications_job_rank", "applications", ["job_id", "score", "id"])
    op.create_index(
        "ix_applications_external_candidate_id", "applications", ["external_candidate_id"]
    )
    op.create_index("ix_applications_expires_at", "applications", ["expires_at"])

    op.create_table(
        "batches",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "job_id", sa.String(40), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("roles", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("completed_at", nullable=True),
        _ts("expires_at", nullable=True),
    )
    op.create_index("ix_batches_expires_at", "batches", ["expires_at"])
    op.create_table(
        "batch_items",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "batch_id",
            sa.String(40),
            sa.ForeignKey("batches.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("external_candidate_id", sa.String(200), nullable=False),
        sa.Column("file_type", sa.String(16), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _ts("lease_until", nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error_code", sa.String(64), nullable=True),
        _ts("finished_at", nullable=True),
    )
    op.create_index("ix_batch_items_batch_id", "batch_items", ["batch_id"])
    op.create_index(
        "ix_batch_items_external_candidate_id", "batch_items", ["external_candidate_id"]
    )
    op.create_index("ix_batch_items_claim", "batch_items", ["status", "lease_until"])

    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("description", sa.String(500), nullable=True),
        sa.Column("event_types", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        _ts("disabled_at", nullable=True),
        sa.Column("disabled_reason", sa.String(500), nullable=True),
        _ts("created_at"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("job_id", sa.String(40), nullable=True),
        sa.Column("external_candidate_id", sa.String(200), nullable=True),
        _ts("created_at"),
    )
    op.create_index("ix_events_type", "events", ["type"])
    op.create_index("ix_events_job_id", "events", ["job_id"])
    op.create_index("ix_events_external_candidate_id", "events", ["external_candidate_id"])
    op.create_index("ix_events_created_at", "events", ["created_at"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "event_id",
            sa.String(40),
            sa.ForeignKey("events.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "endpoint_id",
            sa.String(40),
            sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _ts("next_attempt_at"),
        _ts("lease_until", nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        _ts("created_at"),
        _ts("delivered_at", nullable=True),
    )
    op.create_index("ix_deliveries_event_id", "deliveries", ["event_id"])
    op.create_index("ix_deliveries_endpoint_id", "deliveries", ["endpoint_id"])
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "delivery_id",
            sa.String(40),
            sa.ForeignKey("deliveries.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        _ts("started_at"),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("success", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_delivery_attempts_delivery_id", "delivery_attempts", ["delivery_id"])
    op.create_table(
        "idempotency_records",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("principal", sa.String(64), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.LargeBinary(), nullable=True),
        sa.Column("response_type", sa.String(100), nullable=True),
        sa.Column("external_candidate_id", sa.String(200), nullable=True),
        _ts("created_at"),
        _ts("expires_at"),
        sa.UniqueConstraint("principal", "key", name="uq_idempotency_principal_key"),
    )
    op.create_index(
        "ix_idempotency_records_external_candidate_id",
        "idempotency_records",
        ["external_candidate_id"],
    )
    op.create_index("ix_idempotency_records_expires_at", "idempotency_records", ["expires_at"])


def downgrade() -> None:
    for table in (
        "idempotency_records",
        "delivery_attempts",
        "deliveries",
        "events",
        "webhook_endpoints",
        "batch_items",
        "batches",
        "applications",
        "jobs",
    ):
        op.drop_table(table)
