"""Account queries the pages and the API share."""

from accounts.models import ApiToken, ApiTokenQuerySet, User


def api_tokens_of(user: User) -> ApiTokenQuerySet:
    """A user's own API tokens, newest first (never the secret: only its digest is stored)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
