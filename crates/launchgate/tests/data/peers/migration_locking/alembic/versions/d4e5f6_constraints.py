"""constraints"""
from alembic import op

revision = "d4e5f6"
down_revision = "a1b2c3"


def upgrade():
    op.create_foreign_key("fk_orders_customer", "orders", "customers", ["customer_id"], ["id"])  # expect: DAT-009
    op.create_unique_constraint("uq_orders_ref", "orders", ["ref"])  # expect: DAT-009
    op.create_check_constraint("ck_orders_total", "orders", "total > 0")  # expect: DAT-009
    op.execute("ALTER TABLE orders ADD CONSTRAINT fk_orders_shop FOREIGN KEY (shop_id) REFERENCES shops (id) NOT VALID")  # ok: DAT-009


def downgrade():
    op.drop_constraint("fk_orders_shop", "orders")
    op.drop_constraint("ck_orders_total", "orders")
    op.drop_constraint("uq_orders_ref", "orders")
    op.drop_constraint("fk_orders_customer", "orders")
