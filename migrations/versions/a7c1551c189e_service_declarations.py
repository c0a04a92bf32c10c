"""service declarations: services (belonging to a unit) and their owners, versioned
declarations per language with ordered promises, feedback on promises with counters kept
in the same transaction, and broken-promise reports with a deadline in working days

Revision ID: a7c1551c189e
Revises: 17f9e38a6b0d
Create Date: 2026-12-01 19:26:50.293107

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c1551c189e'
down_revision = '17f9e38a6b0d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('focus_areas', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('feedback_kept', sa.Integer(), server_default='0', nullable=False),
    sa.Column('feedback_not_kept', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('feedback_kept >= 0', name=op.f('ck_services_feedback_kept_positive')),
    sa.CheckConstraint('feedback_not_kept >= 0', name=op.f('ck_services_feedback_not_kept_positive')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_services_unit_id_units'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services')),
    sa.UniqueConstraint('slug', name=op.f('uq_services_slug'))
    )
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_services_unit_id'), ['unit_id'], unique=False)

    op.create_table('declaration_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=3), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'published', 'superseded', name='versionstatus', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('about', sa.Text(), nullable=False),
    sa.Column('audience', sa.Text(), nullable=False),
    sa.Column('expectations', sa.Text(), nullable=False),
    sa.Column('price', sa.Text(), nullable=False),
    sa.Column('complaints', sa.Text(), nullable=False),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_on', sa.Date(), nullable=True),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("language IN ('nb', 'nn', 'en', 'sma')", name=op.f('ck_declaration_versions_language_known')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_declaration_versions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_declaration_versions_published_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_declaration_versions_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration_versions')),
    sa.UniqueConstraint('service_id', 'language', 'number', name=op.f('uq_declaration_versions_service_id_language_number'))
    )
    with op.batch_alter_table('declaration_versions', schema=None) as batch_op:
        batch_op.create_index('ix_declaration_versions_current', ['service_id', 'status', 'language'], unique=False)

    op.create_table('service_owners',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_owners_service_id_services'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_service_owners_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'user_id', name=op.f('pk_service_owners'))
    )
    with op.batch_alter_table('service_owners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_owners_user_id'), ['user_id'], unique=False)

    op.create_table('declaration_promises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('target_value', sa.Integer(), nullable=True),
    sa.Column('target_unit', sa.Enum('working_days', 'hours', name='targetunit', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('kept_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('not_kept_count', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('(target_value IS NULL) = (target_unit IS NULL)', name=op.f('ck_declaration_promises_target_value_and_unit')),
    sa.CheckConstraint('kept_count >= 0 AND not_kept_count >= 0', name=op.f('ck_declaration_promises_counts_positive')),
    sa.CheckConstraint('target_value IS NULL OR target_value > 0', name=op.f('ck_declaration_promises_target_positive')),
    sa.ForeignKeyConstraint(['version_id'], ['declaration_versions.id'], name=op.f('fk_declaration_promises_version_id_declaration_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration_promises'))
    )
    with op.batch_alter_table('declaration_promises', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaration_promises_version_id'), ['version_id'], unique=False)

    op.create_table('declaration_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('promise_id', sa.Integer(), nullable=False),
    sa.Column('kept', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.String(length=2000), nullable=True),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['promise_id'], ['declaration_promises.id'], name=op.f('fk_declaration_feedback_promise_id_declaration_promises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_declaration_feedback_service_id_services'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_declaration_feedback_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration_feedback'))
    )
    with op.batch_alter_table('declaration_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaration_feedback_promise_id'), ['promise_id'], unique=False)
        batch_op.create_index('ix_declaration_feedback_service_day', ['service_id', 'created_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_declaration_feedback_user_id'), ['user_id'], unique=False)

    op.create_table('declaration_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('promise_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('reporter_name', sa.String(length=120), nullable=True),
    sa.Column('reporter_email', sa.String(length=254), nullable=True),
    sa.Column('reporter_language', sa.String(length=8), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('new', 'acknowledged', 'answered', 'closed', name='reportstatus', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answer_working_days', sa.Integer(), nullable=True),
    sa.Column('answered_in_time', sa.Boolean(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('answer_working_days IS NULL OR answer_working_days >= 0', name=op.f('ck_declaration_reports_answer_days_positive')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_declaration_reports_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['promise_id'], ['declaration_promises.id'], name=op.f('fk_declaration_reports_promise_id_declaration_promises'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_declaration_reports_service_id_services'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_declaration_reports_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration_reports'))
    )
    with op.batch_alter_table('declaration_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaration_reports_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_declaration_reports_promise_id'), ['promise_id'], unique=False)
        batch_op.create_index('ix_declaration_reports_figures', ['service_id', 'status', 'due_on', 'answered_in_time'], unique=False)
        batch_op.create_index('ix_declaration_reports_answer_days', ['service_id', 'answer_working_days'], unique=False)
        batch_op.create_index(batch_op.f('ix_declaration_reports_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('declaration_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_reports_user_id'))
        batch_op.drop_index('ix_declaration_reports_answer_days')
        batch_op.drop_index('ix_declaration_reports_figures')
        batch_op.drop_index(batch_op.f('ix_declaration_reports_promise_id'))
        batch_op.drop_index(batch_op.f('ix_declaration_reports_due_on'))

    op.drop_table('declaration_reports')
    with op.batch_alter_table('declaration_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_feedback_user_id'))
        batch_op.drop_index('ix_declaration_feedback_service_day')
        batch_op.drop_index(batch_op.f('ix_declaration_feedback_promise_id'))

    op.drop_table('declaration_feedback')
    with op.batch_alter_table('declaration_promises', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_promises_version_id'))

    op.drop_table('declaration_promises')
    with op.batch_alter_table('service_owners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_owners_user_id'))

    op.drop_table('service_owners')
    with op.batch_alter_table('declaration_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_declaration_versions_current')

    op.drop_table('declaration_versions')
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_services_unit_id'))

    op.drop_table('services')
