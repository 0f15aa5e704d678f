"""Interviews end to end: coded circumstance, people and follow-up measures as rows, the track's
events, provisional plan due dates; holiday years carry a version.

Every change to `interview` is a plain ADD/DROP COLUMN, never batch mode: on SQLite a batch
copy drops and re-creates the table, and with foreign keys on, that DROP cascades to
interview_item and attachment and deletes their rows.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUS = sa.Enum("held", "plan", "rectifying", "completed", name="interviewstatus",
                 native_enum=False, length=20)
FOLLOW_UP = sa.Enum("exposure", "inspection", "accountability", "restriction",
                    name="interviewfollowup", native_enum=False, length=20)
CIRCUMSTANCE = sa.Enum("major_overdue", "public_outcry", "poor_rectification", "falsification",
                       "major_incident", "targets_missed", "other", name="interviewcircumstance",
                       native_enum=False, length=20)
# The free-text 约谈情形 of earlier records, read for its coded circumstance (first match wins).
KEYWORDS = (("弄虚作假", "falsification"), ("表面整改", "falsification"), ("突发", "major_incident"),
            ("群众", "public_outcry"), ("目标", "targets_missed"), ("逾期", "major_overdue"),
            ("未按期", "major_overdue"), ("不力", "poor_rectification"), ("缓慢", "poor_rectification"))
MOVED_NOTE = "（由原“后续措施”字段迁入，日期为记录最后修改日）"


def upgrade() -> None:
    _holiday_years()
    with op.batch_alter_table("interview") as batch:  # add_column and indexes only: no copy
        batch.add_column(sa.Column("circumstance", CIRCUMSTANCE, server_default="other",
                                   nullable=False))
        batch.add_column(sa.Column("details", sa.Text(), nullable=True))
        batch.add_column(sa.Column("interviewee_subunit", sa.String(120), nullable=True))
        batch.add_column(sa.Column("place", sa.String(120), nullable=True))
        batch.add_column(sa.Column("plan_workdays", sa.Integer(), server_default="15", nullable=False))
        batch.add_column(sa.Column("plan_due_uncovered", sa.String(40), nullable=True))
        batch.add_column(sa.Column("completed_on", sa.Date(), nullable=True))
        batch.create_index(batch.f("ix_interview_held_on"), ["held_on"], unique=False)
    _create_children()
    _move_interview_data()
    for column in ("circumstances", "interviewee_people", "follow_up"):
        op.drop_column("interview", column)


def _holiday_years() -> None:
    op.create_table(
        "holiday_year",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.ForeignKeyConstraint(["updated_by"], ["app_user.id"],
                                name=op.f("fk_holiday_year_updated_by_app_user")),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_holiday_year")))
    holiday = sa.table("holiday", sa.column("day", sa.Date()))
    years = sorted({day.year for (day,) in op.get_bind().execute(sa.select(holiday.c.day))})
    table = sa.table("holiday_year", sa.column("year"), sa.column("version"),
                     sa.column("updated_at"), sa.column("source"))
    if years:
        op.bulk_insert(table, [dict(year=y, version=1, updated_at=datetime.now(),
                                    source="（迁移前录入）") for y in years])


def _child(name: str, *columns) -> None:
    op.create_table(
        name, sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False), *columns,
        sa.ForeignKeyConstraint(["interview_id"], ["interview.id"],
                                name=op.f(f"fk_{name}_interview_id_interview"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")))
    with op.batch_alter_table(name) as batch:
        batch.create_index(batch.f(f"ix_{name}_interview_id"), ["interview_id"], unique=False)


def _create_children() -> None:
    _child("interview_person", sa.Column("seq", sa.Integer(), nullable=False),
           sa.Column("name", sa.String(60), nullable=True),
           sa.Column("position", sa.String(200), nullable=False))
    _child("interview_follow_up", sa.Column("kind", FOLLOW_UP, nullable=False),
           sa.Column("taken_on", sa.Date(), nullable=False), sa.Column("note", sa.Text(), nullable=False),
           sa.Column("district_id", sa.Integer(), nullable=True),
           sa.Column("created_by", sa.Integer(), nullable=True),
           sa.Column("created_at", sa.DateTime(), nullable=False),
           sa.ForeignKeyConstraint(["district_id"], ["district.id"],
                                   name=op.f("fk_interview_follow_up_district_id_district")),
           sa.ForeignKeyConstraint(["created_by"], ["app_user.id"],
                                   name=op.f("fk_interview_follow_up_created_by_app_user")))
    _child("interview_event", sa.Column("at", sa.DateTime(), nullable=False),
           sa.Column("actor_id", sa.Integer(), nullable=True),
           sa.Column("kind", sa.String(30), nullable=False),
           sa.Column("from_status", STATUS, nullable=True), sa.Column("to_status", STATUS, nullable=True),
           sa.Column("detail", sa.JSON(), nullable=True),
           sa.ForeignKeyConstraint(["actor_id"], ["app_user.id"],
                                   name=op.f("fk_interview_event_actor_id_app_user")))


def _circumstance(text: str | None) -> str:
    return next((code for word, code in KEYWORDS if word in (text or "")), "other")


def _status_without_escalated(row) -> str:
    # 整改不力、已追加措施 is no longer a state: the measures are rows; the track goes on.
    if row.status != "escalated":
        return row.status
    return "rectifying" if row.plan_published_on else "plan" if row.plan_submitted_on else "held"


def _move_interview_data() -> None:
    """Per interview (a few hundred rows, not items): code the circumstance, move the people and
    the follow-up into rows, record the interview as the first event of its track."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, circumstances, interviewee_people, follow_up, status, held_on, updated_at, "
        "plan_submitted_on, plan_published_on FROM interview")).all()
    for row in rows:
        conn.execute(sa.text("UPDATE interview SET circumstance = :c, details = :d, status = :s "
                             "WHERE id = :id"),
                     dict(c=_circumstance(row.circumstances), d=row.circumstances,
                          s=_status_without_escalated(row), id=row.id))
        if row.interviewee_people:
            conn.execute(sa.text("INSERT INTO interview_person (interview_id, seq, name, position) "
                                 "VALUES (:i, 1, NULL, :p)"),
                         dict(i=row.id, p=row.interviewee_people[:200]))
        if row.follow_up:
            stamp = _datetime(row.updated_at)
            conn.execute(sa.text("INSERT INTO interview_follow_up (interview_id, kind, taken_on, note, "
                                 "created_at) VALUES (:i, :k, :d, :n, :at)"),
                         dict(i=row.id, k=row.follow_up, d=stamp.date(), n=MOVED_NOTE, at=stamp))
        conn.execute(sa.text("INSERT INTO interview_event (interview_id, at, kind, to_status) "
                             "VALUES (:i, :at, 'recorded', 'held')"),
                     dict(i=row.id, at=datetime.combine(_date(row.held_on), datetime.min.time())))


def _datetime(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _date(value):
    return value if hasattr(value, "year") else datetime.fromisoformat(str(value)).date()


def downgrade() -> None:
    with op.batch_alter_table("interview") as batch:
        batch.add_column(sa.Column("circumstances", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("interviewee_people", sa.Text(), nullable=True))
        batch.add_column(sa.Column("follow_up", FOLLOW_UP, nullable=True))
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE interview SET circumstances = COALESCE(details, circumstance)"))
    conn.execute(sa.text(
        "UPDATE interview SET interviewee_people = (SELECT p.position FROM interview_person p "
        "WHERE p.interview_id = interview.id ORDER BY p.seq LIMIT 1)"))
    conn.execute(sa.text(
        "UPDATE interview SET follow_up = (SELECT f.kind FROM interview_follow_up f "
        "WHERE f.interview_id = interview.id ORDER BY f.taken_on DESC, f.id DESC LIMIT 1)"))
    conn.execute(sa.text("UPDATE interview SET status = 'escalated' "
                         "WHERE follow_up IS NOT NULL AND status <> 'completed'"))
    for table in ("interview_event", "interview_follow_up", "interview_person"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(batch.f(f"ix_{table}_interview_id"))
        op.drop_table(table)
    with op.batch_alter_table("interview") as batch:
        batch.drop_index(batch.f("ix_interview_held_on"))
    for column in ("circumstance", "details", "interviewee_subunit", "place", "plan_workdays",
                   "plan_due_uncovered", "completed_on"):
        op.drop_column("interview", column)
    op.drop_table("holiday_year")
