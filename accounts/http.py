"""The request type of views that only signed-in users reach."""

from django.http import HttpRequest

from accounts.models import User


class AuthedRequest(HttpRequest):
    """The request of a view behind `@login_required` (or another guard that refuses anonymous users): its
    `user` is a `User`, never `AnonymousUser`. Only an annotation — requests stay plain `HttpRequest`s."""

    user: User
