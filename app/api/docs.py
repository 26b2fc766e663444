"""A human-readable API reference at /api/v1/docs, rendered by our own template from the spec.

Why not ReDoc or Swagger UI: they load scripts from a CDN and run inline code, which the CSP
forbids and which an offline deployment cannot fetch. The OpenAPI document stays the source of
truth (/api/v1/openapi.json); this page only lays it out: endpoints grouped by tag with method,
path, summary, parameters, request and response fields, and every schema they refer to.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, render_template

bp = Blueprint("api_reference", __name__)

METHOD_ORDER = ("get", "post", "put", "patch", "delete")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _resolve(spec: dict[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
    """Follow a local `$ref` (components/...) once or more; other objects are returned as they are."""
    seen = 0
    while isinstance(obj, dict) and "$ref" in obj and seen < 10:
        node: Any = spec
        for part in obj["$ref"].lstrip("#/").split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        obj, seen = node, seen + 1
    return obj if isinstance(obj, dict) else {}


def _type_of(prop: dict[str, Any]) -> tuple[str, str | None]:
    """(readable type, name of the referenced schema or None)."""
    if "$ref" in prop:
        name = _ref_name(prop["$ref"])
        return name, name
    if prop.get("allOf") and len(prop["allOf"]) == 1 and "$ref" in prop["allOf"][0]:
        return _type_of(prop["allOf"][0])
    kind = prop.get("type", "any")
    if kind == "array":
        inner, ref = _type_of(prop.get("items", {}))
        return f"array of {inner}", ref
    if prop.get("format"):
        return f"{kind} ({prop['format']})", None
    return kind, None


def _constraints(prop: dict[str, Any]) -> list[str]:
    out = []
    if "enum" in prop:
        out.append("one of " + ", ".join(str(v) for v in prop["enum"]))
    if "pattern" in prop:
        out.append(f"pattern {prop['pattern']}")
    for key, label in (("minimum", "min"), ("maximum", "max"), ("minLength", "min length"),
                       ("maxLength", "max length"), ("minItems", "min items"), ("maxItems", "max items")):
        if key in prop:
            out.append(f"{label} {prop[key]}")
    if "default" in prop and prop["default"] not in ([], {}, ""):
        out.append(f"default {prop['default']}")
    if prop.get("readOnly"):
        out.append("read-only")
    if prop.get("nullable"):
        out.append("may be null")
    return out


def _fields(spec: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    schema = _resolve(spec, schema)
    required = set(schema.get("required", []))
    rows = []
    for name, prop in (schema.get("properties") or {}).items():
        kind, ref = _type_of(prop)
        rows.append({"name": name, "type": kind, "ref": ref, "required": name in required,
                     "description": _resolve(spec, prop).get("description", "") if "$ref" not in prop
                     else prop.get("description", ""),
                     "constraints": _constraints(prop)})
    return rows


def _body(spec: dict[str, Any], content: dict[str, Any] | None) -> dict[str, Any] | None:
    if not content:
        return None
    media, obj = next(iter(content.items()))
    schema = obj.get("schema", {})
    kind, ref = _type_of(schema)
    return {"media_type": media, "type": kind, "ref": ref, "fields": _fields(spec, schema)}


def build_reference(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec as plain lists for the template: tags -> operations, and the schemas."""
    tag_info = {t["name"]: t.get("description", "") for t in spec.get("tags", [])}
    groups: dict[str, list[dict[str, Any]]] = {name: [] for name in tag_info}
    for path, item in sorted(spec.get("paths", {}).items()):
        shared_params = item.get("parameters", [])
        for method in METHOD_ORDER:
            op = item.get(method)
            if not op:
                continue
            params = []
            for p in [*shared_params, *op.get("parameters", [])]:
                p = _resolve(spec, p)
                kind, ref = _type_of(p.get("schema", {}))
                params.append({"name": p.get("name"), "in": p.get("in"), "required": bool(p.get("required")),
                               "type": kind, "description": p.get("description", ""),
                               "constraints": _constraints(p.get("schema", {}))})
            responses = []
            for status, resp in sorted(op.get("responses", {}).items()):
                resp = _resolve(spec, resp)
                body = _body(spec, resp.get("content"))
                responses.append({"status": status, "description": resp.get("description", ""), "body": body})
            request_body = _resolve(spec, op.get("requestBody", {})) if op.get("requestBody") else None
            operation = {
                "id": re.sub(r"[^a-z0-9_]+", "-", f"{method} {path}".lower()).strip("-"),
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "security": [name for req in op.get("security", []) for name in req] or ["none"],
                "parameters": params,
                "request": _body(spec, request_body.get("content")) if request_body else None,
                "responses": responses,
            }
            for tag in op.get("tags") or ["other"]:
                groups.setdefault(tag, []).append(operation)
    schemas = {name: _fields(spec, schema) for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items())}
    return {
        "title": spec.get("info", {}).get("title", "API"),
        "version": spec.get("info", {}).get("version", ""),
        "tags": [{"name": name, "description": tag_info.get(name, ""), "operations": ops}
                 for name, ops in groups.items() if ops],
        "schemas": schemas,
        "security_schemes": spec.get("components", {}).get("securitySchemes", {}),
    }


@bp.route("/api/v1/docs")
def docs():
    """The API reference page (public, like the OpenAPI document itself)."""
    from app.api import api

    return render_template("api/docs.html", ref=build_reference(api.spec.to_dict()))
