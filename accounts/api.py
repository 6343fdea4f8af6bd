"""API: exchanging a username and password for a bearer token."""

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from accounts.services import LoginError, token_issue
from core.schemas import ErrorOut

router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@router.post("/token", auth=None, response={200: TokenOut, 401: ErrorOut}, summary="获取接口令牌")
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    """Check the password (failures are counted and lock the account, like the login page) and return a
    new token, to be sent as `Authorization: Bearer <token>`."""
    try:
        token = token_issue(request=request, username=payload.username, password=payload.password)
    except LoginError as exc:
        return Status(401, {"detail": str(exc)})
    return Status(200, {"token": token})
