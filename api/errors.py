"""The API's own refusals in Chinese: the validation errors django-ninja raises before an endpoint runs (wrong
types, impossible dates, missing fields, unknown choices), its HTTP errors (a body that cannot be parsed) and 405.
Each answers with the one refusal body of `core.schemas` ({"detail": …, "errors": {field: [reasons]}}), naming the
field by its Chinese label where the schema gives one (the head of its `description`)."""

import re
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from typing import Any, get_args, get_origin

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from core.schemas import refusal_body
from core.views.errors import CSRF_REFUSED

# Labels of fields whose description does not give one (a list of choices, or none at all).
FIELD_LABELS = {
    "source": "问题来源", "category": "问题类别", "status": "状态", "kind": "类别", "version": "版本号",
    "org": "党组织编码", "organization": "党组织", "code": "编码", "name": "名称", "title": "标题",
    "description": "问题表现", "note": "说明", "limit": "每页条数", "offset": "起始位置", "q": "搜索词",
    "severity": "严重程度", "method": "指导方式", "level": "处置方式", "direction": "行文方向", "origin": "收发",
    "deadline": "完成时限", "due_on": "办理时限", "measure": "整改措施", "owner": "责任人",
    # {name}_id → {label}编号
    "problem": "问题", "step": "整改措施", "evidence": "佐证材料", "visit": "指导活动", "finding": "发现问题",
    "action": "处置", "letter": "反馈意见书", "submission": "事项", "campaign": "主题教育", "group": "联络组",
    "member": "党员", "cadre": "领导干部", "special_campaign": "专项整治", "user": "用户",
}
_HEAD = re.compile(r"[：:（(；;，,。]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _label_from(name: str, info: FieldInfo | None) -> str:
    for text in (info.title, info.description) if info is not None else ():
        head = _HEAD.split(text or "", maxsplit=1)[0].strip()
        if head and _CJK.search(head) and "/" not in head:
            return head
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    if name.endswith("_id"):
        return f"{FIELD_LABELS.get(name[:-3], name[:-3])}编号"
    return name


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The schema an annotation holds (through Optional, list[…], Annotated[…]), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is not None:
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def field_of(model: type[BaseModel], loc: Sequence[int | str]) -> tuple[str, str]:
    """(key, label) of the field a pydantic error's `loc` points at inside a ninja parameter model: the key is the
    dotted path of field names below the request's schema (the body's `payload` itself is not named), the label
    the Chinese name of the last field."""
    names: list[str] = []
    label = ""
    current: type[BaseModel] | None = model
    for depth, part in enumerate(loc):
        if not isinstance(part, str):
            continue  # an index into a list
        info = current.model_fields.get(part) if current is not None else None
        inner = _model_in(info.annotation) if info is not None else None
        if not (depth == 0 and inner is not None):  # the parameter holding a whole schema (payload, filters)
            names.append(part)
            label = _label_from(part, info)
        current = inner
    return ".".join(names) or "__all__", label or "请求内容"


def _choices(expected: str) -> str:
    values = re.findall(r"'([^']*)'", expected)
    return "、".join(values) if values else expected


def message_of(error: dict[str, Any], label: str) -> str:
    """A pydantic error in Chinese."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"请填写{label}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{label}应为整数"
    if kind == "int_parsing_size":
        return f"{label}超出范围"
    if kind in ("float_type", "float_parsing", "decimal_type", "decimal_parsing", "finite_number"):
        return f"{label}应为数字"
    if kind in ("bool_type", "bool_parsing"):
        return f"{label}应为 true 或 false"
    if kind in ("string_type", "string_unicode", "bytes_type"):
        return f"{label}应为文字"
    if kind.startswith("datetime") or kind.startswith("timezone"):
        return f"{label}不是有效的时间，格式如2023-10-31T09:30:00+08:00"
    if kind.startswith("date"):
        return f"{label}不是有效的日期，格式如2023-10-31"
    if kind.startswith("time"):
        return f"{label}不是有效的时间，格式如09:30"
    if kind in ("enum", "literal_error"):
        return f"{label}只能是：{_choices(str(ctx.get('expected', '')))}"
    if kind == "string_too_long":
        return f"{label}不能超过{ctx.get('max_length')}个字"
    if kind == "string_too_short":
        return f"请填写{label}" if ctx.get("min_length") == 1 else f"{label}至少{ctx.get('min_length')}个字"
    if kind == "too_long":
        return f"{label}最多{ctx.get('max_length')}项"
    if kind == "too_short":
        return f"{label}至少{ctx.get('min_length')}项"
    if kind == "greater_than":
        return f"{label}应大于{ctx.get('gt')}"
    if kind == "greater_than_equal":
        return f"{label}不能小于{ctx.get('ge')}"
    if kind == "less_than":
        return f"{label}应小于{ctx.get('lt')}"
    if kind == "less_than_equal":
        return f"{label}不能大于{ctx.get('le')}"
    if kind in ("list_type", "tuple_type", "set_type"):
        return f"{label}应为列表"
    if kind in ("dict_type", "model_type", "model_attributes_type", "dataclass_type"):
        return f"{label}格式不正确，应为对象"
    if kind == "json_invalid":
        return "请求内容不是有效的JSON"
    if kind in ("value_error", "assertion_error"):
        reason = str(ctx.get("error") or error.get("msg") or "")
        reason = re.sub(r"^(Value|Assertion) error, ", "", reason)
        return reason if _CJK.search(reason) else f"{label}格式不正确"
    return f"{label}格式不正确"


def refusal_of_validation(errors: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """ninja's ValidationError.errors (each given a `key` and `label` by `ChineseErrorsMixin`) as the refusal body."""
    by_field: dict[str, list[str]] = {}
    for error in errors:
        if "type" not in error:  # ninja's own, e.g. [{"cursor": "Invalid Cursor"}]
            for name in error:
                by_field.setdefault(name, []).append(f"{FIELD_LABELS.get(name, name)}无效")
            continue
        key = str(error.get("key") or "__all__")
        message = message_of(error, str(error.get("label") or key))
        if message not in by_field.setdefault(key, []):
            by_field[key].append(message)
    return refusal_body(by_field)


def label_errors(error_contexts: Sequence[Any], errors: list[dict[str, Any]]) -> None:
    """Give each of ninja's flattened `errors` the key and Chinese label of its field, from the parameter model of
    the context it came from (ninja lists them in the same order)."""
    fields = [field_of(context.model, err["loc"]) for context in error_contexts
              for err in context.pydantic_validation_error.errors(include_url=False)]
    for error, (key, label) in zip(errors, fields, strict=False):
        error["key"], error["label"] = key, label


HTTP_ERRORS = {
    400: "请求内容无法解析：请以 JSON 格式发送（Content-Type: application/json），或以表单格式发送",
    403: "无权进行此操作",
    413: "请求内容过大",
    429: "请求过于频繁，请稍后再试",
}




def http_error_text(status: int, message: str) -> str:
    if _CJK.search(message):
        return message
    if "CSRF" in message:
        return CSRF_REFUSED
    return HTTP_ERRORS.get(status, f"请求未能处理（{status}）")


def method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap an API view so that its 405 says in Chinese which methods the address takes."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith("application/json"):
            return response
        allowed = response.get("Allow", "")
        methods = "、".join(m.strip() for m in sorted(allowed.split(",")) if m.strip())
        detail = f"本接口不支持 {request.method} 请求" + (f"，可用：{methods}" if methods else "")
        answer = JsonResponse({"detail": detail}, status=405, json_dumps_params={"ensure_ascii": False})
        if allowed:
            answer["Allow"] = allowed
        return answer

    return wrapper


def chinese_405(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """The API's URL patterns with every view wrapped by `method_not_allowed`."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            chinese_405(pattern.url_patterns)
        else:
            pattern.callback = method_not_allowed(pattern.callback)
    return patterns
