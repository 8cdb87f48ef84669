"""players report plays rolled up into counts

Revision ID: e51b7c2a9d40
Revises: d06433611bf0
Create Date: 2026-12-03 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e51b7c2a9d40'
down_revision = 'd06433611bf0'
branch_labels = None
depends_on = None


def upgrade():
    # Plays a player kept as counts when short of storage (persistence/play_counts.py).
    op.create_table('play_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('screen_id', sa.Integer(), nullable=False),
    sa.Column('count_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.String(length=200), nullable=False),
    sa.Column('campaign', sa.String(length=80), nullable=True),
    sa.Column('message_key', sa.String(length=80), nullable=False),
    sa.Column('hour', sa.DateTime(timezone=True), nullable=False),
    sa.Column('plays', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Double(), nullable=False),
    sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['screen_id'], ['screens.id'], name=op.f('fk_play_counts_screen_id_screens'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_play_counts')),
    sa.UniqueConstraint('screen_id', 'count_id', name=op.f('uq_play_counts_screen_id_count_id'))
    )
    with op.batch_alter_table('play_counts', schema=None) as batch_op:
        batch_op.create_index('ix_play_counts_screen_hour', ['screen_id', 'hour'], unique=False)


def downgrade():
    with op.batch_alter_table('play_counts', schema=None) as batch_op:
        batch_op.drop_index('ix_play_counts_screen_hour')

    op.drop_table('play_counts')
