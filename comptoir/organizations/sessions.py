"""Database sessions that read their user in the same query.

Every request of a signed-in member reads its session, then its user (with
its client record): two queries. Here the session row also names the user
(`Session.user`, written from the session data on every save) and the
session's query joins the user, its client record and that record's park.
`AuthenticationMiddleware` lets the session's backend
(`ScopedEmailBackend.get_user`) take that user instead of reading it again,
for this request only: Django still checks the session's auth hash
(a changed password ends the session) and the backend still refuses an
inactive user. Nothing outlives the request; the session data stays the
authority (a user id that differs from the joined row is read as before).

Saving a session that exists is one `UPDATE`: Django's backend wraps it in
`transaction.atomic()` (a `BEGIN`/`COMMIT`, or a savepoint, around one
statement that is atomic by itself); only creating one keeps Django's
transaction (it must tell a key collision apart). Sessions stay
server-side: logging out deletes the row, and a save never brings back a
session whose row is gone (`UpdateError`, as with Django's backend).
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, cast

from django.apps import apps
from django.contrib import auth
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.contrib.sessions.backends.base import SessionBase, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError, router
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from comptoir.core.prepared import PreparedQuery

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import Session, User

# The session of the request whose user is being resolved, if any.
_resolving: ContextVar[SessionBase | None] = ContextVar(
    "comptoir_resolving_session", default=None
)


def _session_with_user(*, session_key: str, now: dt.datetime) -> QuerySet[Session]:
    model: type[Session] = apps.get_model("organizations", "Session")
    return model.objects.select_related("user__client__initial_park").filter(
        session_key=session_key, expire_date__gt=now
    )


# Every request of a signed-in member runs it: compiled once (core.prepared).
_SESSION_WITH_USER = PreparedQuery["Session"](_session_with_user)


class SessionStore(DatabaseSessionStore):
    # The user row read with the session (None: none, or an anonymous one).
    user_row: Any = None

    @classmethod
    def get_model_class(cls) -> type[Session]:
        # By name: the model module imports this one for its store class.
        return apps.get_model("organizations", "Session")

    def _get_session_from_db(self) -> Session | None:
        self.user_row = None
        session = None
        if self.session_key is not None:
            # A key the store would refuse is never read (`_validate_session_key`).
            session = _SESSION_WITH_USER.first(
                session_key=self.session_key, now=timezone.now()
            )
        if session is None:
            self._session_key = None
            return None
        self.user_row = session.user
        return session

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        obj = cast("Session", super().create_model_instance(data))
        try:
            obj.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            obj.user_id = None
        return obj

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None or must_create:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session())  # type: ignore[attr-defined]
        using = router.db_for_write(self.model, instance=obj)
        try:
            updated = (
                cast("type[Session]", self.model)
                ._default_manager.using(using)
                .filter(session_key=obj.session_key)
                .update(
                    session_data=obj.session_data,
                    expire_date=obj.expire_date,
                    user_id=obj.user_id,
                )
            )
        except DatabaseError as exc:
            raise UpdateError from exc
        if not updated:
            raise UpdateError


def user_read_with_session(user_id: Any) -> User | None:
    """The user row the request's session was read with, if it is `user_id`
    and the request's user is being resolved now; else None."""
    session = _resolving.get()
    user = getattr(session, "user_row", None)
    if user is not None and user.pk == user_id:
        return user
    return None


def _user_of(request: HttpRequest) -> User | AnonymousUser:
    # `_cached_user`: where Django's own middleware keeps it.
    if not hasattr(request, "_cached_user"):
        token = _resolving.set(request.session)
        try:
            request._cached_user = auth.get_user(request)  # type: ignore[attr-defined]
        finally:
            _resolving.reset(token)
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, resolving `request.user` with the user its session read."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user_of(request))  # type: ignore[assignment]
