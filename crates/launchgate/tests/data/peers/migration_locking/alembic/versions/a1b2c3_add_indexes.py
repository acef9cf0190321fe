"""add indexes"""
import sqlalchemy as sa
from alembic import op

revision = "a1b2c3"
down_revision = None


def upgrade():
    op.create_index("ix_orders_status", "orders", ["status"])  # expect: DAT-009
    with op.get_context().autocommit_block():
        op.create_index("ix_orders_total", "orders", ["total"], postgresql_concurrently=True)  # ok: DAT-009
    op.add_column("orders", sa.Column("note", sa.Text(), nullable=True))  # ok: DAT-009
    op.alter_column("orders", "status", nullable=False)  # expect: DAT-009


def downgrade():
    op.drop_column("orders", "note")
    op.drop_index("ix_orders_total", table_name="orders")
    op.drop_index("ix_orders_status", table_name="orders")
