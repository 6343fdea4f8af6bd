"""Calling the API as a given user, the way a client would: with a bearer token."""

from typing import Any

from django.test import Client

from accounts.models import ApiToken, User

API = "/api/v1"


class ApiClient:
    def __init__(self, client: Client, user: User | None = None) -> None:
        self.client = client
        # WSGI environ entries, passed as the test client's **extra (whose values Django types Any)
        self.headers: dict[str, Any] = {}
        if user is not None:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(user)}"

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, **self.headers)

    def post(self, path: str, data: Any = None, **kwargs: Any) -> Any:
        return self.client.post(API + path, data, **self.headers, **kwargs)
