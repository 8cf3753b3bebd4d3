"""Log in by email within one organization and one kind of account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import Organization, User, UserKind
from .sessions import user_read_with_session


class ScopedEmailBackend(ModelBackend):
    """`authenticate(request, email=…, password=…, organization=…, kind=…)`."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        email: str | None = None,
        password: str | None = None,
        organization: Organization | None = None,
        kind: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not email or password is None or kind is None:
            return None
        username = User.username_for(kind, organization, email)
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            # Spend the same time as a real check so timing reveals nothing.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        """The session's user, with its client record and that record's park
        read in the same query: every shop page needs them. Read again on
        every request, like the user itself: with the session's own query
        when the request's session read it (`sessions.py`)."""
        user = user_read_with_session(user_id)
        if user is not None:
            return user if self.user_can_authenticate(user) else None
        try:
            user = User._default_manager.select_related(
                "client", "client__initial_park"
            ).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class PlatformAdminEmailBackend(ModelBackend):
    """Django admin's login form: a platform administrator types its email.

    Stored usernames are scoped (`platform:-:<email>`); this maps what the
    admin form sends onto that key, for platform accounts only.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None or ":" in username or kwargs:
            return None
        return super().authenticate(
            request,
            username=User.username_for(UserKind.PLATFORM, None, username),
            password=password,
        )


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """What django-axes counts failures against: the scoped login key."""
    credentials = credentials or {}
    username = credentials.get("username") or ""
    if not credentials.get("email") and username.count(":") >= 2:
        # On success axes passes the user's own username: already scoped.
        return username
    email = credentials.get("email") or username
    # The admin's form sends a bare `username`: a platform administrator's.
    kind = credentials.get("kind") or (
        UserKind.PLATFORM if not credentials.get("email") else UserKind.STAFF
    )
    return User.username_for(kind, credentials.get("organization"), email)
