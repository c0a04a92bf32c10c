"""proposals: innbyggerforslag, signatures, paper batches, full-text search

Full-text search is not in the models (env.py leaves it out of autogenerate): on SQLite an
FTS5 table made by sqlite-utils with triggers, on PostgreSQL a generated tsvector column
with a GIN index.

Revision ID: 9edede5abbe6
Revises: c5e4c9b999cb
Create Date: 2026-11-23 18:24:51.315268

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9edede5abbe6'
down_revision = 'c5e4c9b999cb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('focus_area', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=60), nullable=True),
    sa.Column('state', sa.Enum('draft', 'open', 'submitted', 'in_review', 'decided', 'withdrawn', 'rejected', 'expired', name='proposalstate', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('campaign_ends_on', sa.Date(), nullable=True),
    sa.Column('signature_count', sa.Integer(), nullable=False),
    sa.Column('paper_count', sa.Integer(), nullable=False),
    sa.Column('threshold_reached_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('obliged', sa.Boolean(), nullable=True),
    sa.Column('decision_due_on', sa.Date(), nullable=True),
    sa.Column('review_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Enum('adopted', 'partly_adopted', 'not_adopted', 'not_considered_same_content', 'referred_to_plan_case', name='decisionoutcome', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('case_reference', sa.String(length=60), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('same_as_id', sa.Integer(), nullable=True),
    sa.Column('same_as_case', sa.String(length=60), nullable=True),
    sa.Column('closed_reason', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('focus_area BETWEEN 1 AND 8', name=op.f('ck_proposals_focus_area_range')),
    sa.CheckConstraint('paper_count >= 0', name=op.f('ck_proposals_paper_count_positive')),
    sa.CheckConstraint('signature_count >= 0', name=op.f('ck_proposals_signature_count_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_proposals_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['same_as_id'], ['proposals.id'], name=op.f('fk_proposals_same_as_id_proposals'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_decision_due_on'), ['decision_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_topic'), ['topic'], unique=False)

    op.create_table('paper_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('count > 0', name=op.f('ck_paper_batches_count_positive')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_paper_batches_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_paper_batches_registered_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_batches'))
    )
    with op.batch_alter_table('paper_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_batches_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('postal_code', sa.String(length=4), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('notify', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('struck_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('struck_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_signatures_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_signatures_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signatures')),
    sa.UniqueConstraint('proposal_id', 'user_id', name=op.f('uq_signatures_proposal_id_user_id'))
    )
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signatures_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signatures_user_id'), ['user_id'], unique=False)



    _create_search()


FTS_COLUMNS = ["title", "summary", "body"]


def _create_search():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        import sqlite_utils

        database = sqlite_utils.Database(bind.connection.driver_connection)
        database["proposals"].enable_fts(
            FTS_COLUMNS,
            fts_version="FTS5",
            create_triggers=True,
            tokenize="unicode61 remove_diacritics 0",
        )
    elif bind.dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE proposals ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "to_tsvector('norwegian', title || ' ' || summary || ' ' || body)) STORED"
        )
        op.execute("CREATE INDEX ix_proposals_search_vector ON proposals USING gin (search_vector)")


def _drop_search():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        import sqlite_utils

        sqlite_utils.Database(bind.connection.driver_connection)["proposals"].disable_fts()
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_proposals_search_vector")
        op.execute("ALTER TABLE proposals DROP COLUMN IF EXISTS search_vector")


def downgrade():
    _drop_search()
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signatures_user_id'))
        batch_op.drop_index(batch_op.f('ix_signatures_proposal_id'))

    op.drop_table('signatures')
    with op.batch_alter_table('paper_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_batches_proposal_id'))

    op.drop_table('paper_batches')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_topic'))
        batch_op.drop_index(batch_op.f('ix_proposals_state'))
        batch_op.drop_index(batch_op.f('ix_proposals_decision_due_on'))
        batch_op.drop_index(batch_op.f('ix_proposals_created_at'))
        batch_op.drop_index(batch_op.f('ix_proposals_author_id'))

    op.drop_table('proposals')
