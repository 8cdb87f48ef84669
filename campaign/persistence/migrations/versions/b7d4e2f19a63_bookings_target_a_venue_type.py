"""bookings target a venue type

Revision ID: b7d4e2f19a63
Revises: 5c1e0a7d9b21
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d4e2f19a63'
down_revision = '5c1e0a7d9b21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('venue_type', sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('venue_type')
