"""Resource Graph: `POST /providers/Microsoft.ResourceGraph/resources` over the estate.

Just enough KQL for an auditor's inventory queries, evaluated the way the service does:
rows carry lower-case `type`, `location` and `resourceGroup`; `=~`/`in~` ignore case
while `==`/`in` do not (so `type == 'Microsoft.X/y'` finds nothing, as in Azure). Anything
outside the subset is a 400 naming what is missing, rather than a silently wrong answer.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from typing import Any

from fakearm.errors import Reply, arm_error
from fakearm.estate import Estate, resource_group_of, scrub_secrets, subscription_of

Json = dict[str, Any]
Row = dict[str, Any]

TABLES = {"resources", "securityresources", "resourcecontainers"}
# Columns of the Resources table, in the service's order; absent ones are "" or null.
COLUMNS = (
    "id",
    "name",
    "type",
    "tenantId",
    "kind",
    "location",
    "resourceGroup",
    "subscriptionId",
    "managedBy",
    "sku",
    "plan",
    "properties",
    "tags",
    "identity",
    "zones",
    "extendedLocation",
)


class KqlError(Exception):
    """The query is outside the fake's subset (or malformed)."""


# -- rows -----------------------------------------------------------------------------------


def table_rows(estate: Estate, table: str, scrub: bool) -> list[Row]:
    if table == "resourcecontainers":
        return _container_rows(estate)
    rows = []
    for item in estate.snapshot():
        kind = str(item.body.get("type") or item.parsed.full_type).lower()
        security = kind.startswith("microsoft.security/")
        if (table == "securityresources") != security:
            continue
        body = scrub_secrets(item.body) if scrub else item.body
        rows.append(_row(estate, item.route_id, body, kind))
    return rows


def _row(estate: Estate, route_id: str, body: Json, kind: str) -> Row:
    sub = subscription_of(route_id) or ""
    rg = resource_group_of(route_id) or ""
    return {
        "id": body.get("id") or route_id,
        "name": body.get("name") or route_id.rsplit("/", 1)[-1],
        "type": kind,
        "tenantId": estate.tenant_id,
        "kind": body.get("kind") or "",
        "location": str(body.get("location") or "").replace(" ", "").lower(),
        "resourceGroup": rg.lower(),
        "subscriptionId": sub,
        "managedBy": body.get("managedBy") or "",
        "sku": body.get("sku"),
        "plan": body.get("plan"),
        "properties": body.get("properties"),
        "tags": body.get("tags") if body.get("tags") is not None else {},
        "identity": body.get("identity"),
        "zones": body.get("zones"),
        "extendedLocation": body.get("extendedLocation"),
    }


def _container_rows(estate: Estate) -> list[Row]:
    rows = []
    for sub in estate.subscriptions.values():
        rows.append(
            {
                **dict.fromkeys(COLUMNS),
                "id": sub["id"],
                "name": sub["displayName"],
                "type": "microsoft.resources/subscriptions",
                "tenantId": sub["tenantId"],
                "kind": "",
                "location": "",
                "resourceGroup": "",
                "subscriptionId": sub["subscriptionId"],
                "managedBy": "",
                "properties": {"state": sub["state"]},
                "tags": sub.get("tags") or {},
            }
        )
        for group in estate.groups_of(sub["subscriptionId"]):
            rows.append(
                {
                    **dict.fromkeys(COLUMNS),
                    **_row(
                        estate,
                        group["id"],
                        group,
                        "microsoft.resources/subscriptions/resourcegroups",
                    ),
                    "resourceGroup": group["name"].lower(),
                }
            )
    return rows


# -- the KQL subset -------------------------------------------------------------------------


def split_top(text: str, sep: str) -> list[str]:
    """Split on `sep` outside quotes and parentheses."""
    parts, depth, quote, start, i = [], 0, "", 0, 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i + len(sep)
            i += len(sep)
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _literal(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        return int(text)
    except ValueError:
        pass
    raise KqlError(f"unsupported literal {text!r} (use quoted strings, numbers or booleans)")


def _strip_call(expr: str) -> str:
    """`tostring(properties.x)` / `tolower(type)` → the inner path (values are compared
    with the operator's own case rule anyway)."""
    m = re.fullmatch(r"\s*(tostring|tolower|toupper)\s*\((.+)\)\s*", expr, re.I)
    return m.group(2).strip() if m else expr.strip()


def _path(expr: str) -> list[str]:
    expr = _strip_call(expr)
    if not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*|\[['\"][^'\"]+['\"]\])*", expr):
        raise KqlError(f"unsupported expression {expr!r} (column or dotted property path only)")
    return [p for p in re.split(r"\.|\[['\"]|['\"]\]", expr) if p]


def _lookup(row: Row, path: list[str]) -> Any:
    value: Any = row
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _mask(text: str) -> str:
    """The text with quoted strings blanked (same length), so operators and keywords are
    only found outside literals."""
    return re.sub(r"'[^']*'|\"[^\"]*\"", lambda m: "_" * len(m.group(0)), text)


def _split_word(text: str, word: str) -> list[str]:
    cuts = [m.span() for m in re.finditer(rf"\s+{word}\s+", _mask(text), re.I)]
    parts, start = [], 0
    for begin, end in cuts:
        parts.append(text[start:begin])
        start = end
    parts.append(text[start:])
    return parts


def _fold(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


OPERATOR = re.compile(
    r"\s*(=~|!~|==|!=)\s*"
    r"|\s+(!in~|in~|!in|in|!contains|contains_cs|contains|!has|has|startswith|endswith)(?=[\s(])\s*",
    re.I,
)
FUNCTION_TEST = re.compile(r"^(isnotempty|isempty|isnotnull|isnull)\s*\((.+)\)$", re.I)


def _condition(text: str) -> Callable[[Row], bool]:
    text = text.strip()
    if m := FUNCTION_TEST.match(text):
        name, path = m.group(1).lower(), _path(m.group(2))
        empty: Callable[[Any], bool] = (
            (lambda v: v is None or v == "") if "empty" in name else (lambda v: v is None)
        )
        negate = name.startswith("isnot")
        return lambda row: empty(_lookup(row, path)) != negate
    m = OPERATOR.search(_mask(text))
    if not m or m.start() == 0:
        raise KqlError(f"unsupported condition {text!r}")
    op = (m.group(1) or m.group(2)).lower()
    path, rhs = _path(text[: m.start()]), text[m.end() :].strip()
    if op.lstrip("!").startswith("in"):
        if not (rhs.startswith("(") and rhs.endswith(")")):
            raise KqlError(f"'{op}' needs a parenthesised list: {text!r}")
        values = [_literal(v) for v in split_top(rhs[1:-1], ",") if v.strip()]
        fold = op.endswith("~")
        wanted = {_fold(v) if fold else v for v in values}
        negate = op.startswith("!")
        return lambda row: (
            ((_fold(_lookup(row, path)) if fold else _lookup(row, path)) in wanted) != negate
        )
    value = _literal(rhs)
    tests: dict[str, Callable[[Any], bool]] = {
        "==": lambda v: v == value,
        "!=": lambda v: v != value,
        "=~": lambda v: _fold(v) == _fold(value),
        "!~": lambda v: _fold(v) != _fold(value),
        "contains": lambda v: isinstance(v, str) and str(value).lower() in v.lower(),
        "!contains": lambda v: not (isinstance(v, str) and str(value).lower() in v.lower()),
        "contains_cs": lambda v: isinstance(v, str) and str(value) in v,
        "has": lambda v: isinstance(v, str) and str(value).lower() in v.lower(),
        "!has": lambda v: not (isinstance(v, str) and str(value).lower() in v.lower()),
        "startswith": lambda v: isinstance(v, str) and v.lower().startswith(str(value).lower()),
        "endswith": lambda v: isinstance(v, str) and v.lower().endswith(str(value).lower()),
    }
    test = tests[op]
    return lambda row: test(_lookup(row, path))


def _columns(text: str) -> list[tuple[str, list[str]]]:
    """`project a, b = properties.x, tostring(properties.y.z)` → (name, path) pairs; an
    unnamed path is named like the service does (`properties_y_z`)."""
    out = []
    for part in split_top(text, ","):
        part = part.strip()
        if not part:
            continue
        name, _, expr = part.partition("=") if re.match(r"^\w+\s*=[^=~]", part) else ("", "", part)
        path = _path(expr)
        out.append((name.strip() or "_".join(path), path))
    return out


def run_query(query: str, rows: list[Row]) -> tuple[list[Row], bool]:
    """Apply the pipeline after the table name; returns rows and whether `id` survived
    (the service pages only results that keep `id`)."""
    stages = split_top(query, "|")
    has_id = True
    for stage in stages[1:]:
        stage = stage.strip()
        word = stage.split(None, 1)[0].lower() if stage else ""
        rest = stage[len(word) :].strip()
        if word == "where":
            if len(_split_word(rest, "or")) > 1:
                raise KqlError("'or' is not supported; use 'in~ (...)'")
            conditions = [_condition(c) for c in _split_word(rest, "and")]
            rows = [r for r in rows if all(c(r) for c in conditions)]
        elif word in ("project", "extend"):
            columns = _columns(rest)
            base: Callable[[Row], Row] = (lambda r: {}) if word == "project" else dict
            rows = [{**base(r), **{n: _lookup(r, p) for n, p in columns}} for r in rows]
            if word == "project":
                has_id = any(n == "id" for n, _ in columns)
        elif word in ("limit", "take"):
            rows = rows[: int(_literal(rest))]
        elif word in ("order", "sort"):
            m = re.fullmatch(r"by\s+(.+?)(?:\s+(asc|desc))?", rest, re.I)
            if not m:
                raise KqlError(f"unsupported {word}: {stage!r}")
            path = _path(m.group(1))
            # KQL sorts descending unless told otherwise.
            descending = (m.group(2) or "desc").lower() == "desc"
            rows = sorted(rows, key=lambda r: str(_lookup(r, path) or ""), reverse=descending)
        else:
            raise KqlError(f"unsupported KQL operator {word!r} in {stage!r}")
    return rows, has_id


# -- the endpoint ---------------------------------------------------------------------------


def encode_skip(offset: int) -> str:
    return base64.b64encode(json.dumps({"$skip": offset}).encode()).decode()


def decode_skip(token: str) -> int:
    try:
        return int(json.loads(base64.b64decode(token, validate=True))["$skip"])
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise KqlError(f"invalid $skipToken {token!r}") from exc


# Answers a misbehaving service could give (FakeAzure.graph_fault):
FAULTS = (
    "data-not-list",  # `data` is a string: neither an object array nor a table
    "truncated",  # resultTruncated "true", half the rows, no $skipToken
    "row-without-id",  # the first row of each page lacks `id`
    "duplicates",  # each page repeats the last row of the one before, id in upper case
    "loop",  # every page hands back the first page's $skipToken
)


def handle(
    estate: Estate,
    body: Any,
    page_size: int,
    scrub: bool,
    fault: str | None = None,
    omit: frozenset[str] = frozenset(),
) -> Reply:
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return _bad_query("The request body must be a QueryRequest with a 'query' string.")
    query = body["query"].strip()
    table = query.split("|", 1)[0].strip().lower()
    if table not in TABLES:
        return _bad_query(f"fakearm: unsupported table {table!r} (have: {sorted(TABLES)})")
    subs = body.get("subscriptions")
    options = body.get("options") or {}
    try:
        rows = table_rows(estate, table, scrub)
        if omit:
            # Rows whose property set lacks what a GET shows (not guaranteed complete).
            rows = [_without(r, omit) for r in rows]
        if subs:
            wanted = {s.lower() for s in subs}
            rows = [r for r in rows if str(r.get("subscriptionId", "")).lower() in wanted]
        rows, has_id = run_query(query, rows)
        start = int(options.get("$skip") or 0)
        if options.get("$skipToken"):
            start = decode_skip(str(options["$skipToken"]))
    except KqlError as exc:
        return _bad_query(f"fakearm: {exc}")
    size = min(int(options.get("$top") or page_size), page_size)
    page = rows[start : start + size]
    more = start + size < len(rows)
    answer: Json = {
        "totalRecords": len(rows),
        "count": len(page),
        # Without `id` the service cannot page: it cuts the result and says so.
        "resultTruncated": "true" if more and not has_id else "false",
        "facets": [],
    }
    if more and has_id:
        answer["$skipToken"] = encode_skip(start + size)
    answer["data"] = _table(page) if options.get("resultFormat") == "table" else page
    if fault is not None:
        _bend(answer, rows, start, fault)
    return Reply(200, answer)


def _without(row: Row, omit: frozenset[str]) -> Row:
    props = row.get("properties")
    if not isinstance(props, dict):
        return row
    return {**row, "properties": {k: v for k, v in props.items() if k not in omit}}


def _bend(answer: Json, rows: list[Row], start: int, fault: str) -> None:
    page = list(answer["data"]) if isinstance(answer["data"], list) else []
    if fault == "data-not-list":
        answer["data"] = "rows unavailable"
    elif fault == "truncated":
        answer.pop("$skipToken", None)
        answer["resultTruncated"] = "true"
        answer["data"] = rows[: max(1, len(rows) // 2)] if rows else []
        answer["count"] = len(answer["data"])
    elif fault == "row-without-id" and page:
        answer["data"] = [{k: v for k, v in page[0].items() if k != "id"}, *page[1:]]
    elif fault == "duplicates" and start > 0:
        again = dict(rows[start - 1])
        again["id"] = str(again.get("id", "")).upper()
        answer["data"] = [again, *page]
        answer["count"] = len(answer["data"])
    elif fault == "loop" and answer.get("$skipToken"):
        answer["$skipToken"] = encode_skip(min(1, len(rows)))
    elif fault not in FAULTS:
        raise ValueError(f"unknown graph fault {fault!r}")


def _table(rows: list[Row]) -> Json:
    names: list[str] = []
    for row in rows:
        names.extend(k for k in row if k not in names)

    def kind(name: str) -> str:
        value = next((r[name] for r in rows if r.get(name) is not None), None)
        if isinstance(value, bool):
            return "boolean"
        if isinstance(value, int | float):
            return "integer" if isinstance(value, int) else "number"
        return "object" if isinstance(value, dict | list) else "string"

    return {
        "columns": [{"name": n, "type": kind(n)} for n in names],
        "rows": [[r.get(n) for n in names] for r in rows],
    }


def _bad_query(detail: str) -> Reply:
    # The service's shape: a generic BadRequest whose details say what was wrong.
    return arm_error(
        400,
        "BadRequest",
        "Please provide below info when asking for support: timestamp = fakearm, "
        "correlationId = fakearm.",
        details=[
            {
                "code": "InvalidQuery",
                "message": "Query is invalid. Please refer to the documentation for the Azure "
                "Resource Graph service and fix the error before retrying.",
            },
            {"code": "FakeArmUnsupported", "message": detail},
        ],
    )
