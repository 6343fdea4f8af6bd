from collections.abc import Callable

import pytest
from django.test import Client

from accounts.models import User
from api.tests.helpers import ApiClient


@pytest.fixture
def api_as(client: Client, users: dict[str, User]) -> Callable[[str], ApiClient]:
    """api_as("unit") → a client sending the unit user's bearer token."""
    return lambda role: ApiClient(client, users[role])


@pytest.fixture
def anonymous(client: Client, db: object) -> ApiClient:
    return ApiClient(client)
