"""A hook calls what the app above registered, as a direct call would."""

import pytest

from comptoir.core.hooks import Hook


def test_receivers_run_in_registration_order_and_return_their_results():
    hook: Hook[str] = Hook("demo")
    calls = []

    def first(sale, *, note):
        calls.append(("first", sale, note))
        return "a"

    def second(sale, *, note):
        calls.append(("second", sale, note))
        return "b"

    hook.register(first)
    hook.register(second)
    assert hook.call(7, note="x") == ["a", "b"]
    assert calls == [("first", 7, "x"), ("second", 7, "x")]


def test_registering_twice_runs_the_receiver_once():
    """AppConfig.ready() may run twice (tests, autoreload): no double invoice."""
    hook: Hook[int] = Hook("demo")

    def receiver():
        return 1

    hook.register(receiver)
    hook.register(receiver)
    assert hook.call() == [1]


def test_a_receivers_exception_reaches_the_caller_unchanged():
    hook: Hook[None] = Hook("demo")

    class Broken(Exception):
        pass

    def receiver():
        raise Broken("no")

    hook.register(receiver)
    with pytest.raises(Broken, match="no"):
        hook.call()


def test_a_hook_without_receivers_returns_nothing():
    assert Hook("demo").call(1) == []
