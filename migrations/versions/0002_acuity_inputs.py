"""acuity inputs on assessments: vital signs, risk factors, triage detail, out of scope

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 08:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('diagnoses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('out_of_scope', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('vitals', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('risk_factors', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('triage_detail', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('diagnoses', schema=None) as batch_op:
        batch_op.drop_column('triage_detail')
        batch_op.drop_column('risk_factors')
        batch_op.drop_column('vitals')
        batch_op.drop_column('out_of_scope')
