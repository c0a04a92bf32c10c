"""service declarations: each service's report figures (reports, answered, answered in time,
median working days to an answer) kept on the service in the transaction that adds or answers
a report, instead of a GROUP BY over every report and a median over all answer times on each
view of /declarations/; the figures index covers what is still counted per view: a service's
reports waiting past their deadline, and its breakdown by status and answer time

Existing reports are counted into the new columns here. On SQLite the check constraint comes
with the last column added (ADD COLUMN may carry one): a table copy of services would
cascade-delete its declarations, feedback and reports.

Revision ID: d519fc6476cb
Revises: 8b3f2c6d1e47
Create Date: 2026-12-04 21:00:05.425163

"""
import statistics

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd519fc6476cb'
down_revision = '8b3f2c6d1e47'
branch_labels = None
depends_on = None

CONSISTENT = (
    "0 <= reports_answered_in_time AND reports_answered_in_time <= reports_answered "
    "AND reports_answered <= reports_count"
)


def _count_existing_reports():
    op.execute(
        "UPDATE services SET "
        "reports_count = (SELECT COUNT(*) FROM declaration_reports r "
        "WHERE r.service_id = services.id), "
        "reports_answered = (SELECT COUNT(r.answered_in_time) FROM declaration_reports r "
        "WHERE r.service_id = services.id), "
        "reports_answered_in_time = (SELECT COUNT(*) FROM declaration_reports r "
        "WHERE r.service_id = services.id AND r.answered_in_time = TRUE)"
    )
    days = {}
    rows = op.get_bind().execute(sa.text(
        "SELECT service_id, answer_working_days FROM declaration_reports "
        "WHERE answer_working_days IS NOT NULL"
    ))
    for service_id, value in rows:
        days.setdefault(service_id, []).append(value)
    update = sa.text("UPDATE services SET answer_days_median = :median WHERE id = :id")
    for service_id, values in days.items():
        op.get_bind().execute(update, {"id": service_id, "median": float(statistics.median(values))})


def upgrade():
    with op.batch_alter_table('declaration_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_declaration_reports_figures')
        batch_op.create_index('ix_declaration_reports_figures', ['service_id', 'status', 'due_on', 'answer_working_days'], unique=False)

    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reports_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('reports_answered', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('answer_days_median', sa.Double(), nullable=True))
        if not sqlite:
            batch_op.add_column(sa.Column('reports_answered_in_time', sa.Integer(), server_default='0', nullable=False))
    if sqlite:
        op.execute(
            "ALTER TABLE services ADD COLUMN reports_answered_in_time INTEGER DEFAULT '0' NOT NULL "
            f"CONSTRAINT ck_services_report_counts_consistent CHECK ({CONSISTENT})"
        )
    _count_existing_reports()
    if not sqlite:
        op.create_check_constraint('ck_services_report_counts_consistent', 'services', sa.text(CONSISTENT))


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint('ck_services_report_counts_consistent', 'services', type_='check')
    # Not in batch mode: SQLite (3.35 and later) drops a column in place, where a batch
    # would copy services and cascade-delete what refers to it. The column that carries
    # the check constraint goes first, and its constraint with it.
    op.drop_column('services', 'reports_answered_in_time')
    op.drop_column('services', 'answer_days_median')
    op.drop_column('services', 'reports_answered')
    op.drop_column('services', 'reports_count')

    with op.batch_alter_table('declaration_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_declaration_reports_figures')
        batch_op.create_index('ix_declaration_reports_figures', ['service_id', 'status', 'due_on', 'answered_in_time'], unique=False)
