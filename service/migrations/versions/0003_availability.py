"""Availability (issue #17): webhook failures counted over time, held deliveries, leased
idempotency keys.

- ``webhook_endpoints.failing_since``: when the current run of failures began; an endpoint is
  disabled only after failing continuously for a configured time.
- ``deliveries.first_failed_at``: the retry window of a delivery starts at its first failure.
- ``idempotency_records.lease_until``: a running request renews it; a lapsed lease (its
  process died) frees the key within seconds instead of minutes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _ts(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    with op.batch_alter_table("webhook_endpoints") as table:
        table.add_column(_ts("failing_since"))
    with op.batch_alter_table("deliveries") as table:
        table.add_column(_ts("first_failed_at"))
    op.create_index(
        "ix_deliveries_endpoint_status", "deliveries", ["endpoint_id", "status", "created_at"]
    )
    with op.batch_alter_table("idempotency_records") as table:
        table.add_column(_ts("lease_until"))


def downgrade() -> None:
    with op.batch_alter_table("idempotency_records") as table:
        table.drop_column("lease_until")
    op.drop_index("ix_deliveries_endpoint_status", table_name="deliveries")
    with op.batch_alter_table("deliveries") as table:
        table.drop_column("first_failed_at")
    with op.batch_alter_table("webhook_endpoints") as table:
        table.drop_column("failing_since")
