"""Queries of the administrators' pages."""

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.permissions import grants


def user_list(*, q: str = "", role: str = "") -> QuerySet[User]:
    """Accounts for the security administrator: by account, name or jurisdiction name."""
    users = User.objects.select_related("organization").order_by("username")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(first_name__contains=q) | Q(organization__name__contains=q))
    if role in grants():
        users = users.filter(role=role)
    return users
