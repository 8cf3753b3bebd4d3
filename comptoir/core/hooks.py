"""Hooks: how an app calls code that an app above it owns.

An app imports only the apps below it (docs/architecture.md). When a lower
app must make a higher one act at a given moment, and in the same breath
(a paid sale is invoiced in the payment's transaction), the lower app
declares a `Hook`, the higher app registers its function from its
`AppConfig.ready()`, and the lower app calls the hook where it would have
called the function: synchronously, in the caller's transaction, in
registration order, an exception propagating exactly as from a direct call.

Not a Django signal: receivers are plain strong references, their results
come back to the caller, and "no business logic in a signal" stays true.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Hook(Generic[T]):
    """A named call point; each receiver returns a `T`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Callable[..., T]] = []

    def register(self, receiver: Callable[..., T]) -> Callable[..., T]:
        """Add `receiver` once (a second `ready()` changes nothing)."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    @property
    def receivers(self) -> tuple[Callable[..., T], ...]:
        return tuple(self._receivers)

    def call(self, *args: Any, **kwargs: Any) -> list[T]:
        """Each receiver's result, in registration order."""
        return [receiver(*args, **kwargs) for receiver in self._receivers]

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receiver(s)>"
