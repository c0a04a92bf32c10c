"""login sessions: one row per logged-in browser, so each can be ended on its own

Flask-Login keeps the row's token (its alternative id) in the session and remember-me
cookies; the table keeps only the token's SHA-256. users.login_token, which ended all of an
account's sessions at once and no single one, goes. Whoever is logged in when this runs is
logged out once.

Revision ID: 955451567b9a
Revises: 3c6d1f0a9e27
Create Date: 2026-12-04 20:02:33.999340

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '955451567b9a'
down_revision = '3c6d1f0a9e27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_on', sa.Date(), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_login_sessions_token_digest'))
    )
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_sessions_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_login_token'), type_='unique')
        batch_op.drop_column('login_token')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login_token', sa.String(length=64), nullable=True))
    # A fresh random token per account (every session ends again), then the old constraints
    if op.get_bind().dialect.name == 'postgresql':
        token = "md5(random()::text || id::text) || md5(random()::text)"
    else:
        token = "lower(hex(randomblob(24)))"
    op.execute(f"UPDATE users SET login_token = {token}")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('login_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_users_login_token'), ['login_token'])

    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_sessions_user_id'))

    op.drop_table('login_sessions')
