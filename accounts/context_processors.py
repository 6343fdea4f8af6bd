"""Templates ask what the signed-in person may do, never their role: `{% if "read_campaigns" in can %}`."""

from typing import Any

from django.http import HttpRequest

from accounts.permissions import capabilities_of


def capabilities(request: HttpRequest) -> dict[str, Any]:
    return {"can": frozenset(str(c) for c in capabilities_of(getattr(request, "user", None)))}
