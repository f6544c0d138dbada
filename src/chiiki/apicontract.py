"""What the API promises, kept in one place: every error as an RFC 9457 problem, and a
document that describes each status an operation can answer.

Every error body, whatever raised it (a typed parameter pydantic refused, the parameter
door, a refusal, a missing record, a conflict, a bad file), leaves as one shape::

    {"type": "about:blank", "title": "Bad Request", "status": 400,
     "detail": "パラメータ「page」の値「0」は使えません: …",
     "errors": [{"name": "page", "in": "query", "reason": "1〜100000 の整数を指定してください"}]}

``title`` is the status's English phrase; ``detail`` and each ``reason`` are Japanese. A
file's errors keep their row, column, value and what was expected beside ``name`` (the
column) and ``reason``. The OpenAPI document is rewritten after ninja builds it: each
operation lists 400, 401, 403, 404 and 422 (and 409 for a write), each one a reference to
the single ``Problem`` response, so that an answer the document does not describe cannot
be given.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from chiiki.core.params import ParamError

PROBLEM_TYPE = "application/problem+json"
WRITES = {"post", "put", "patch", "delete"}
# The statuses every operation may answer, and the conflicts of a write.
ALWAYS = (400, 403, 404, 422)
SIGNED_IN = 401
CONFLICT = 409

# Japanese for the statuses whose English default ninja or Django would otherwise show.
DETAILS = {
    400: "リクエストが正しくありません",
    401: "認証が必要です（Bearer トークンまたはログイン）",
    403: "権限がありません",
    404: "見つかりません",
    405: "このメソッドは使えません",
    409: "現在の状態ではこの操作はできません",
    413: "リクエストが大きすぎます",
    422: "入力が正しくありません",
    429: "リクエストが多すぎます。しばらくしてから試してください",
}
_ENGLISH_DEFAULTS = {"Unauthorized", "Forbidden", "Not Found", "Cannot parse request body"}


def _reason(error: dict[str, Any]) -> str:
    """A pydantic error in Japanese (the English ``msg`` stays for an unknown kind)."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    reasons = {
        "missing": "必須です",
        "int_parsing": "整数を指定してください",
        "int_type": "整数を指定してください",
        "float_parsing": "数値を指定してください",
        "bool_parsing": "true か false を指定してください",
        "date_parsing": "日付を YYYY-MM-DD で指定してください",
        "date_from_datetime_parsing": "日付を YYYY-MM-DD で指定してください",
        "string_type": "文字列を指定してください",
        "string_pattern_mismatch": "書式が正しくありません（使えない文字を含みます）",
        "json_invalid": "JSON として読めません",
        "model_attributes_type": "JSON のオブジェクトを指定してください",
        "list_type": "配列を指定してください",
        "dict_type": "JSON のオブジェクトを指定してください",
    }
    if kind in reasons:
        return reasons[kind]
    if kind in ("greater_than_equal", "greater_than"):
        return f"{ctx.get('ge', ctx.get('gt'))} 以上を指定してください"
    if kind in ("less_than_equal", "less_than"):
        return f"{ctx.get('le', ctx.get('lt'))} 以下を指定してください"
    if kind == "string_too_long":
        return f"{ctx.get('max_length')} 文字以内で指定してください"
    if kind == "string_too_short":
        return f"{ctx.get('min_length')} 文字以上で指定してください"
    if kind in ("enum", "literal_error"):
        return f"次のいずれかを指定してください: {ctx.get('expected', '')}"
    if kind == "value_error":
        return str(ctx.get("error") or error.get("msg", ""))
    return str(error.get("msg", ""))


def _validation_fields(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    fields = []
    for e in errors:
        loc = [str(p) for p in e.get("loc", ())]
        where = loc[0] if loc else ""
        name = ".".join(p for p in loc[1:] if p not in ("payload", "body")) or where
        fields.append({"name": name, "in": where, "reason": _reason(e)})
    return fields


def title(status: int) -> str:
    """The status's English phrase, as RFC 9110 names it."""
    return "Unprocessable Content" if status == 422 else HTTPStatus(status).phrase


def problem(status: int, data: Any) -> dict[str, Any]:
    """The problem details of an error body ninja or a route produced."""
    body: dict[str, Any] = dict(data) if isinstance(data, dict) else {"detail": data}
    detail = body.pop("detail", None)
    fields: list[dict[str, Any]] = []
    if isinstance(detail, list):  # pydantic's errors, as ninja passes them
        fields = _validation_fields(detail)
        detail = f"{DETAILS[422]}（{len(fields)} 件）"
    if "param" in body:
        name = str(body.pop("param"))
        fields.append({"name": name, "in": "query", "reason": body.pop("expected", None) or detail})
    for e in body.pop("errors", None) or []:
        row = dict(e) if isinstance(e, dict) else {"reason": str(e)}
        row.setdefault("name", str(row.get("column") or row.get("field") or ""))
        row.setdefault("reason", str(row.get("expected") or row.get("message") or ""))
        fields.append(row)
    if not detail or detail in _ENGLISH_DEFAULTS:
        detail = DETAILS.get(status, HTTPStatus(status).phrase)
    out = {"type": "about:blank", "title": title(status), "status": status}
    out["detail"] = str(detail)
    if fields:
        out["errors"] = fields
    return out | {k: v for k, v in body.items() if k not in out}


class ChiikiAPI(NinjaAPI):
    """NinjaAPI whose errors are problems and whose document says so."""

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        code = temporal_response.status_code if temporal_response else status
        if code is None or code < 400:
            return super().create_response(
                request, data, status=status, temporal_response=temporal_response
            )
        if hasattr(data, "model_dump"):
            data = data.model_dump()
        content = self.renderer.render(request, problem(code, data), response_status=code)
        response = temporal_response or HttpResponse(status=code)
        response.content = content
        response["Content-Type"] = f"{PROBLEM_TYPE}; charset={self.renderer.charset}"
        if code == 401:
            response["WWW-Authenticate"] = 'Bearer realm="chiiki"'
        return response

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        # The document depends only on the code, the arguments and the language: built
        # once per process (about 0.2 s each time), each caller given its own copy.
        key = (repr(sorted(kwargs.items())), translation.get_language())
        cache = self.__dict__.setdefault("_schemas", {})
        if key not in cache:
            schema = super().get_openapi_schema(**kwargs)
            describe(schema)
            cache[key] = schema
        return copy.deepcopy(cache[key])


def install_handlers(api: NinjaAPI) -> None:
    def answer(status: int) -> Callable[[HttpRequest, Any], HttpResponse]:
        def handler(request: HttpRequest, exc: Any) -> HttpResponse:
            return api.create_response(request, _of(exc), status=status)

        return handler

    def _of(exc: Exception) -> dict[str, Any]:
        if isinstance(exc, ParamError):
            return {"detail": str(exc), "param": exc.name, "expected": exc.expected}
        if isinstance(exc, ValidationError):
            return {"detail": exc.errors}
        text = str(exc)
        return {"detail": text} if text else {}

    api.add_exception_handler(ParamError, answer(400))
    api.add_exception_handler(PermissionDenied, answer(403))
    api.add_exception_handler(Http404, answer(404))
    api.add_exception_handler(ValidationError, answer(422))
    api.add_exception_handler(AuthenticationError, answer(401))

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    api.add_exception_handler(HttpError, http_error)


# --- the document ------------------------------------------------------------------------

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details. `title` is English, `detail` and each "
    "`reason` Japanese.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "about:blank (the status says it all)"},
        "title": {"type": "string", "description": "the status's English phrase"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "what went wrong, in Japanese"},
        "errors": {
            "type": "array",
            "description": "the fields at fault: a parameter, a body field or a file's cell",
            "items": {"$ref": "#/components/schemas/ProblemField"},
        },
    },
    "additionalProperties": True,
}
FIELD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "reason"],
    "properties": {
        "name": {"type": "string", "description": "the parameter, field or column"},
        "in": {"type": "string", "description": "query, path, body, form or file"},
        "reason": {"type": "string", "description": "what is expected, in Japanese"},
        "row": {"type": "integer", "description": "a file's row (1 is the header)"},
        "column": {"type": "string"},
        "value": {},
        "expected": {"type": "string"},
        "message": {"type": "string"},
    },
    "additionalProperties": True,
}
RESPONSE_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    422: "UnprocessableContent",
}


def describe(schema: dict[str, Any]) -> None:
    """Give every operation the problem responses it can answer, referenced once."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {}).update(
        {"Problem": PROBLEM_SCHEMA, "ProblemField": FIELD_SCHEMA}
    )
    components["responses"] = {
        name: {
            "description": f"{title(code)}: {DETAILS[code]}",
            "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for code, name in RESPONSE_NAMES.items()
    }
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            if method not in WRITES | {"get"}:
                continue
            responses = operation.setdefault("responses", {})
            codes = list(ALWAYS)
            if operation.get("security"):
                codes.append(SIGNED_IN)
            if method in WRITES:
                codes.append(CONFLICT)
            for code in codes:
                responses[str(code)] = {"$ref": f"#/components/responses/{RESPONSE_NAMES[code]}"}
