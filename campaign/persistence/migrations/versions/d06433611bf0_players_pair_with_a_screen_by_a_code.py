"""players pair with a screen by a code

Revision ID: d06433611bf0
Revises: c3f9a1d27e58
Create Date: 2026-12-03 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd06433611bf0'
down_revision = 'c3f9a1d27e58'
branch_labels = None
depends_on = None


def upgrade():
    # Pairing codes shown by new players (persistence/pairings.py): hashes only.
    op.create_table('screen_pairings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('screen_id', sa.Integer(), nullable=True),
    sa.Column('paired_by_id', sa.Integer(), nullable=True),
    sa.Column('paired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('collected_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('player', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['paired_by_id'], ['users.id'], name=op.f('fk_screen_pairings_paired_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['screen_id'], ['screens.id'], name=op.f('fk_screen_pairings_screen_id_screens'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screen_pairings')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_screen_pairings_code_hash')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_screen_pairings_secret_hash'))
    )
    with op.batch_alter_table('screen_pairings', schema=None) as batch_op:
        batch_op.create_index('ix_screen_pairings_expires', ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('screen_pairings', schema=None) as batch_op:
        batch_op.drop_index('ix_screen_pairings_expires')

    op.drop_table('screen_pairings')
