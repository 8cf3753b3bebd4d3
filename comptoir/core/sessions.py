"""Database sessions, saved in one statement.

Django's database backend wraps every save in `transaction.atomic()`: a
`BEGIN`/`COMMIT` pair (a savepoint inside a transaction) around the one
`UPDATE` of a session that already exists. A single `UPDATE` is atomic by
itself; only the creation of a new session keeps Django's transaction (it
must tell a key collision apart). Sessions stay server-side: logging out
still deletes the row, and a session whose row is gone is not recreated
by a save (`UpdateError`, as with Django's backend).
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError, router


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        if self.session_key is None or must_create:
            return super().save(must_create=must_create)
        data = self._get_session()
        obj = self.create_model_instance(data)
        using = router.db_for_write(self.model, instance=obj)
        try:
            updated = (
                self.model._default_manager.using(using)
                .filter(session_key=obj.session_key)
                .update(session_data=obj.session_data, expire_date=obj.expire_date)
            )
        except DatabaseError as exc:
            raise UpdateError from exc
        if not updated:
            raise UpdateError
