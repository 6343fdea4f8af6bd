"""The REST API, assembled from each app's `api.py` (DESIGN §3): this module only creates the NinjaAPI,
sets authentication and error handling, and mounts the apps' routers."""

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as RuleRefusal
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError, ValidationErrorContext

from accounts.api import router as accounts_router
from accounts.api_auth import audited, session_auth, token_auth
from api import errors
from assessment.api import router as assessment_router
from campaigns.api import router as campaigns_router
from core import refusals
from measures.api import router as measures_router
from office.api import router as office_router
from orgs.api import router as orgs_router
from problems.api import router as problems_router
from supervision.api import router as supervision_router

NOT_FOUND = "未找到"
UNAUTHENTICATED = ("未登录或令牌无效（令牌已过期或已撤销）：请先通过 /api/v1/auth/token 获取令牌，"
                   "以 Authorization: Bearer <令牌> 调用")



def signed_in_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The API's documentation (the docs page and the OpenAPI document) only for a signed-in user (an active,
    unlocked session, or a valid bearer token): the page sends a stranger to the login page, the document answers
    the API's 401."""

    def signed_in(request: HttpRequest) -> bool:
        try:
            return session_auth(request) is not None or token_auth(request) is not None
        except HttpError:  # refused outright by the authentication (e.g. a password to change first)
            return False

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if signed_in(request):
            return view(request, *args, **kwargs)
        if request.resolver_match is not None and request.resolver_match.url_name == "openapi-view":
            return redirect_to_login(request.get_full_path())
        response = JsonResponse({"detail": UNAUTHENTICATED}, status=401, json_dumps_params={"ensure_ascii": False})
        response["WWW-Authenticate"] = "Bearer"
        return response

    return wrapper


class ChineseNinjaAPI(NinjaAPI):
    """NinjaAPI whose validation errors remember the Chinese label of each field (from the parameter models,
    which only this step still knows)."""

    def validation_error_from_error_contexts(self, error_contexts: list[ValidationErrorContext]) -> ValidationError:
        error = super().validation_error_from_error_contexts(error_contexts)
        errors.label_errors(error_contexts, error.errors)
        return error


api = ChineseNinjaAPI(
    title="主题教育工作平台 API",
    version="1",
    description="主题教育工作平台的数据接口。除获取令牌外，所有接口都需要认证，并且只返回调用者管辖范围内的数据。",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=signed_in_only,
    auth=[token_auth, session_auth],
)
api.add_decorator(audited)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: object) -> HttpResponse:
    return api.create_response(request, {"detail": NOT_FOUND}, status=404)


# Outside the jurisdiction or not allowed: the same answer as unknown, so nothing leaks (like the pages).
api.add_exception_handler(ObjectDoesNotExist, _not_found)
api.add_exception_handler(PermissionDenied, _not_found)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """What ninja refuses before an endpoint runs (types, dates, missing fields, choices): 422, in Chinese."""
    return api.create_response(request, errors.refusal_of_validation(exc.errors), status=422)


@api.exception_handler(RuleRefusal)
def _refused(request: HttpRequest, exc: RuleRefusal) -> HttpResponse:
    """A service's refusal, for every endpoint: 409 for a stale version, else the one 422 body (`core.refusals`)."""
    status, body = refusals.refusal_of(request, exc)
    return api.create_response(request, body, status=status)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": errors.http_error_text(exc.status_code, str(exc))},
                               status=exc.status_code)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": UNAUTHENTICATED}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


api.add_router("/auth/", accounts_router)
api.add_router("/", orgs_router)
api.add_router("/campaigns/", campaigns_router)
api.add_router("/measures/", measures_router)
api.add_router("/measures/", assessment_router)  # a unit's lead actions, at the path they had in measures
api.add_router("/problems/", problems_router)
api.add_router("/supervision/", supervision_router)
api.add_router("/office/", office_router)
