"""Error pages (jiaoyuban/urls.py's handler400/403/404/500, settings.CSRF_FAILURE_VIEW, and the 405 of
core.middleware). In Chinese, readable on a phone, with a way back. Under /api/ the answer is the API's refusal body
({"detail": …}) instead of a page."""

import base64
import hashlib
import re
from urllib.parse import urlsplit

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseServerError,
    JsonResponse,
)
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

API_PREFIX = "/api/"
API_ERRORS = {
    400: "请求无效", 403: "无权进行此操作", 404: "未找到：请核对接口地址（接口文档见 /api/v1/docs）",
    405: "本接口不支持此请求方法",
    500: "服务器内部错误，请稍后再试；如仍出错，请联系系统管理员",
}
# The API's CSRF refusal is worded here, below the API (api.errors uses it too): core imports nothing above it.
CSRF_REFUSED = ("安全校验未通过（CSRF）：用浏览器会话调用写接口须带 X-CSRFToken 请求头，"
                "或改用令牌（Authorization: Bearer）")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _api_error(status: int, detail: str | None = None) -> JsonResponse:
    return JsonResponse({"detail": detail or API_ERRORS[status]}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _back_url(request: HttpRequest) -> str:
    """The page the user came from, when it is one of ours (else nothing: the page offers the home page)."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except Exception:  # a request refused for its Host header: no way back through it
        return ""
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={host}) and \
            urlsplit(referer).path != request.path:
        return referer
    return ""


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400. Rendered without the request's context (the request itself may be what was wrong)."""
    if _is_api(request):
        return _api_error(400)
    html = loader.get_template("400.html").render({"back_url": _back_url(request)})
    return HttpResponseBadRequest(html)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(403)
    return render(request, "403.html", {"back_url": _back_url(request)}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: what does not exist and what is outside the user's jurisdiction look the same (nothing leaks). A
    mistyped link of the masses' feedback page (/f/…) gets words for the masses."""
    if _is_api(request):
        return _api_error(404)
    return render(request, "404.html", {"back_url": _back_url(request), "feedback": request.path.startswith("/f/")},
                  status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: a self-contained page rendered without the request's context, the database or static files (any of
    which may be what failed)."""
    if _is_api(request):
        return _api_error(500)
    html = loader.get_template("500.html").render({"back_url": _back_url(request)})
    response = HttpResponseServerError(html)
    # Its <style> is inline (no static files): the Content-Security-Policy admits that one by its hash.
    setattr(response, "_csp_update", {"style-src": [_sha256_source(style) for style in INLINE_STYLE.findall(html)]})  # noqa: B010
    return response


INLINE_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def _sha256_source(text: str) -> str:
    """A CSP hash source ('sha256-…') admitting an inline element whose content is `text`."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode("ascii") + "'"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 of the CSRF check (settings.CSRF_FAILURE_VIEW): a form sent from a page that stayed open too long, after
    logging out elsewhere, or with cookies blocked. Nothing was saved; going back keeps what was typed."""
    if _is_api(request):
        return _api_error(403, CSRF_REFUSED)
    no_cookie = reason == REASON_NO_CSRF_COOKIE
    return render(request, "403_csrf.html", {"back_url": _back_url(request), "no_cookie": no_cookie}, status=403)


def method_not_allowed(request: HttpRequest, refused: HttpResponse) -> HttpResponse:
    """405 of a page (core.middleware.MethodNotAllowedPageMiddleware): an action's address opened directly."""
    if _is_api(request):
        response: HttpResponse = _api_error(405, f"本接口不支持 {request.method} 请求")
    else:
        response = render(request, "405.html", {"back_url": _back_url(request)}, status=405)
    if refused.has_header("Allow"):
        response["Allow"] = refused["Allow"]
    return response
