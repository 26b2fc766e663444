"""The SQLAlchemy 2.0 ORM. `db` lives here so that models need nothing from `app/`."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

from models.api_token import ApiToken  # noqa: E402
from models.audit import AuditEvent  # noqa: E402
from models.diagnosis import REVIEW_OUTCOMES, TRIAGE_LEVELS, Diagnosis, Review  # noqa: E402
from models.disease import URGENCY_LEVELS, Disease  # noqa: E402
from models.model_version import ModelVersion  # noqa: E402
from models.outbox import OutboxMessage  # noqa: E402
from models.user import ROLES, User  # noqa: E402

__all__ = [
    "ROLES", "REVIEW_OUTCOMES", "TRIAGE_LEVELS", "URGENCY_LEVELS",
    "ApiToken", "AuditEvent", "Base", "Diagnosis", "Disease", "ModelVersion",
    "OutboxMessage", "Review", "User", "db",
]


# -- SQLite connection settings (performance) --------------------------------------------------
# Why: with the default rollback journal and synchronous=FULL every commit waits for several
# fsyncs (~10 ms per assessment). WAL lets readers and the one writer proceed together and, with
# synchronous=NORMAL, a commit is durable against application crashes and only the last
# transactions may be lost on power failure. In-memory databases (tests) are left alone.
import sqlite3 as _sqlite3  # noqa: E402

from sqlalchemy import event as _event  # noqa: E402
from sqlalchemy.engine import Engine as _Engine  # noqa: E402


@_event.listens_for(_Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    if not isinstance(dbapi_connection, _sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        files = [row[2] for row in cursor.execute("PRAGMA database_list") if row[1] == "main"]
        if files and files[0]:  # a file, not ":memory:" or a temporary database
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


# PostgreSQL cannot store NUL in text ("text fields cannot contain NUL (0x00) bytes": a 500 that
# hypothesis found with a symptom text), SQLite can. NUL never means anything in this app's
# text, so it is dropped from every string column just before a flush: both databases behave
# the same, whatever form or API field it came through.
from sqlalchemy import inspect as _inspect  # noqa: E402
from sqlalchemy.orm import Session as _Session  # noqa: E402


@_event.listens_for(_Session, "before_flush")
def _drop_nul_characters(session, flush_context, instances) -> None:
    for obj in (*session.new, *session.dirty):
        for attr in _inspect(obj).mapper.column_attrs:
            value = obj.__dict__.get(attr.key)  # loaded values only: never triggers a load
            if isinstance(value, str) and "\x00" in value:
                setattr(obj, attr.key, value.replace("\x00", ""))
