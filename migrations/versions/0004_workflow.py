"""clinician workflow: the clinician's urgency (and its reason) stored beside the AI's on the review

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('triage_level', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('triage_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_column('triage_reason')
        batch_op.drop_column('triage_level')
