"""API: exchanging a username and password for a bearer token; the caller's own tokens, listed and revoked."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from accounts.api_auth import request_user
from accounts.models import ApiToken
from accounts.selectors import api_tokens_of
from accounts.services import LoginError, LoginThrottled, PasswordChangeRequired, api_token_revoke, token_issue
from core.schemas import ErrorOut

router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


class TokenInfoOut(Schema):
    """One of the caller's tokens: when it was issued, last used and expires; never the token itself."""

    id: int
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime
    expired: bool
    current: bool  # the token this request was made with


@router.post("/token", auth=None, response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut},
             summary="获取接口令牌")
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    """Check the password (failures are counted and lock the account, like the login page) and return a
    new token, to be sent as `Authorization: Bearer <token>`."""
    try:
        token = token_issue(request=request, username=payload.username, password=payload.password)
    except LoginThrottled as exc:  # the address failed too often: 429, the password was not checked
        return Status(429, {"detail": str(exc)})
    except LoginError as exc:
        return Status(401, {"detail": str(exc)})
    except PasswordChangeRequired as exc:  # a reset or expired password: changed on the pages first
        return Status(403, {"detail": str(exc)})
    issued = ApiToken.objects.find(token)
    assert issued is not None
    return Status(200, {"token": token, "expires_at": issued.expires_at})


@router.get("/tokens", response=list[TokenInfoOut], summary="我的接口令牌")
def token_list(request: HttpRequest) -> list[dict[str, object]]:
    """The caller's own tokens, newest first: issued, last used, expiry. Expired ones are refused when used."""
    current = getattr(request, "api_token_id", None)
    return [{"id": t.pk, "created_at": t.created_at, "last_used_at": t.last_used_at, "expires_at": t.expires_at,
             "expired": t.is_expired, "current": t.pk == current}
            for t in api_tokens_of(request_user(request))]


@router.delete("/tokens/{token_id}", response={204: None, 404: ErrorOut}, summary="撤销接口令牌")
def token_delete(request: HttpRequest, token_id: int) -> Status:
    """Revoke one of the caller's own tokens (another user's, or an unknown one, is 404)."""
    api_token_revoke(actor=request_user(request), token_id=token_id)
    return Status(204, None)
