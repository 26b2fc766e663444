"""Paged lists for every API collection: `?page=1&per_page=20` -> {"items", "page", "per_page", "total", "pages"}.

Why our own and not flask-smorest's `@paginate`: the design wants the page metadata in the body,
the same for every collection, and invalid values answered with 422 in our error format.

Use in a smorest view::

    @blp.arguments(PaginationArgsSchema, location="query")   # or a subclass with filters
    @blp.response(200, page_schema(ItemSchema))
    def index(args):
        return paginate(select_stmt, args["page"], args["per_page"])

Outside smorest, `pagination_args(request.args)` parses and aborts with 422 on bad values; HTML
list pages read `?page=` with `page_arg()` (400 for a number outside 1..MAX_PAGE).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from flask_smorest import abort
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from models import db

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000  # keeps OFFSET inside every database's integer range


class PaginationArgsSchema(Schema):
    """Query parameters `page` (from 1) and `per_page` (1..100); subclass to add filters."""

    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE),
                          metadata={"description": "page number, from 1"})
    per_page = fields.Integer(load_default=DEFAULT_PER_PAGE, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                              metadata={"description": f"items per page, 1 to {MAX_PER_PAGE}"})


_PAGE_SCHEMAS: dict[str, type[Schema]] = {}


def page_schema(item_schema: type[Schema], name: str | None = None) -> type[Schema]:
    """A response schema `{"items": [item_schema], "page", "per_page", "total", "pages"}` (cached per name)."""
    base = item_schema.__name__.removesuffix("Schema")
    name = name or f"{base}PageSchema"
    if name not in _PAGE_SCHEMAS:
        _PAGE_SCHEMAS[name] = Schema.from_dict({
            "items": fields.List(fields.Nested(item_schema), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(required=True, metadata={"description": "items in all pages"}),
            "pages": fields.Integer(required=True, metadata={"description": "number of pages (0 when empty)"}),
        }, name=name)
    return _PAGE_SCHEMAS[name]


def paginate(stmt, page: int, per_page: int, transform: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    """Run a SELECT for one page; `transform` maps each row (e.g. to a dict) if given.

    A page past the end is an empty list with the right totals, not an error.
    """
    total = db.session.scalar(db.select(db.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    items = [transform(r) for r in rows] if transform else rows
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "pages": math.ceil(total / per_page) if total else 0}


def pagination_args(values: Mapping[str, Any], schema: type[Schema] = PaginationArgsSchema) -> dict[str, Any]:
    """Parse page / per_page from a mapping (e.g. request.args); 422 with field messages when invalid."""
    try:
        return schema().load(dict(values.items()) if hasattr(values, "items") else dict(values))
    except ValidationError as exc:
        abort(422, messages={"query": exc.messages})


def page_arg(args: Mapping[str, Any], name: str = "page") -> int:
    """The page number of an HTML list page: 1 when absent or not a number (as before), a clear
    400 when it is a number outside 1..MAX_PAGE (a 20-digit page overflowed the database's
    OFFSET and answered 500)."""
    from werkzeug.exceptions import BadRequest

    raw = str(args.get(name) or "").strip()
    digits = raw.lstrip("+-")
    if not (digits.isascii() and digits.isdigit()):
        return 1  # absent or not a number: the first page, as before
    if len(digits) > len(str(MAX_PAGE)) or not 1 <= int(raw) <= MAX_PAGE:
        raise BadRequest(f"The page number must be from 1 to {MAX_PAGE:,}.")
    return int(raw)
