"""screens publish their playlist as a static file

Revision ID: f2a8c61d0b37
Revises: e51b7c2a9d40
Create Date: 2026-12-04 10:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2a8c61d0b37'
down_revision = 'e51b7c2a9d40'
branch_labels = None
depends_on = None


def upgrade():
    # The name of the screen's published playlist file (services/publishing.py).
    with op.batch_alter_table('screens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publish_id', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_screens_publish_id'), ['publish_id'])
    # Screens with a live token get one now, as if their token had been issued with it
    # (32 random bytes, URL-safe, as screens.new_publish_id makes them).
    screens = sa.table(
        'screens',
        sa.column('id', sa.Integer()),
        sa.column('token_hash', sa.String()),
        sa.column('token_revoked_at', sa.DateTime(timezone=True)),
        sa.column('publish_id', sa.String()),
    )
    connection = op.get_bind()
    live = connection.execute(
        sa.select(screens.c.id).where(
            screens.c.token_hash.is_not(None), screens.c.token_revoked_at.is_(None)
        )
    ).scalars().all()
    for screen_id in live:
        connection.execute(
            screens.update()
            .where(screens.c.id == screen_id)
            .values(publish_id=secrets.token_urlsafe(32))
        )


def downgrade():
    with op.batch_alter_table('screens', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_screens_publish_id'), type_='unique')
        batch_op.drop_column('publish_id')
