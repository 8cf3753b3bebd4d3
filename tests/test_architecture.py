"""The layers hold without tricks: no import hides inside a function.

An import inside a function is how an upward call or a cycle slips past
`lint-imports` unnoticed (it runs late, so Python never complains). Code
imports at the top of its module; an app calls an app above it through a
hook (`comptoir.core.hooks`). The exceptions are listed here, each with why.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from comptoir.invoicing import receivers
from comptoir.organizations import hooks as organizations_hooks
from comptoir.sales import hooks as sales_hooks

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "comptoir"

# (path under the repository, function) -> why the import waits for the call.
ALLOWED = {
    (
        "comptoir/einvoicing/standin/checks.py",
        "factur_x_validator",
    ): "saxonche is a development dependency: production never compiles the rules",
}


def imports_in_functions(source: str) -> list[tuple[int, str, str]]:
    """(line, function, statement) of every import inside a function body."""
    found: list[tuple[int, str, str]] = []
    scope: list[str] = []
    in_function: list[bool] = []

    class Visitor(ast.NodeVisitor):
        def _scoped(self, node: ast.AST, name: str, function: bool) -> None:
            scope.append(name)
            in_function.append(function)
            self.generic_visit(node)
            in_function.pop()
            scope.pop()

        def visit_ClassDef(self, node: ast.ClassDef) -> None:
            self._scoped(node, node.name, False)

        def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
            self._scoped(node, node.name, True)

        def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
            self._scoped(node, node.name, True)

        def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
            if any(in_function):
                found.append((node.lineno, ".".join(scope), ast.unparse(node)))

        visit_ImportFrom = visit_Import

    Visitor().visit(ast.parse(source))
    return found


def _allowed(path: Path, function: str) -> bool:
    """AppConfig.ready() imports checks and receivers once models are ready
    (the Django idiom); the rest is listed in ALLOWED."""
    relative = path.relative_to(ROOT).as_posix()
    if path.name == "apps.py" and function.endswith(".ready"):
        return True
    return (relative, function) in ALLOWED


def _sources() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.relative_to(PACKAGE).parts
    ]


def test_no_import_hides_inside_a_function():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} in {function}(): {statement}"
        for path in _sources()
        for line, function, statement in imports_in_functions(path.read_text())
        if not _allowed(path, function)
    ]
    assert offenders == [], (
        "Import at the top of the module; to call an app above, use a hook "
        "(docs/architecture.md):\n" + "\n".join(offenders)
    )


def test_the_allowed_exceptions_still_exist():
    """An exception fixed upstream leaves the list, so it only shrinks."""
    present = {
        (path.relative_to(ROOT).as_posix(), function)
        for path in _sources()
        for _line, function, _statement in imports_in_functions(path.read_text())
    }
    assert set(ALLOWED) <= present, set(ALLOWED) - present


def test_the_check_sees_imports_in_functions_methods_and_nested_defs():
    planted = """
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from comptoir.sales.models import Sale

def record():
    from comptoir.invoicing.services import issue_invoices

class Service:
    def run(self):
        def inner():
            import comptoir.invoicing.tasks
        return inner

async def later():
    from . import tasks
"""
    assert [
        (line, function) for line, function, _ in imports_in_functions(planted)
    ] == [
        (8, "record"),
        (13, "Service.run.inner"),
        (17, "later"),
    ]


def test_the_check_fails_on_a_planted_import():
    module = PACKAGE / "sales" / "services.py"
    planted = module.read_text() + (
        "\n\ndef _sneaky():\n"
        "    from comptoir.invoicing.services import issue_invoices\n"
    )
    found = imports_in_functions(planted)
    assert [(f, s) for _, f, s in found] == [
        ("_sneaky", "from comptoir.invoicing.services import issue_invoices")
    ]
    assert not _allowed(module, "_sneaky")


def test_invoicing_is_registered_on_the_hooks_of_the_apps_below():
    """Without these receivers a paid sale would silently go uninvoiced."""
    assert receivers.invoice_paid_online_sale in sales_hooks.sale_paid.receivers
    assert receivers.credit_refunded_lines in sales_hooks.sale_refunded.receivers
    assert receivers.order_mail_documents in sales_hooks.order_mail_documents.receivers
    assert (
        receivers.lock_series_counters in organizations_hooks.series_changing.receivers
    )


FRONT_ENDS = ("shop", "members", "backoffice")


def other_front_ends_named(app: str, template: str) -> list[str]:
    """Template paths and tag libraries of another front end that a template
    of `app` extends, includes or loads."""
    others = [name for name in FRONT_ENDS if name != app]
    named = re.findall(r'{%\s*(?:extends|include)\s+"([a-z_]+)/', template)
    loads = re.findall(r"{%\s*load\s+([^%]+)%}", template)
    libraries = [library for line in loads for library in line.split()]
    return [
        name
        for name in named + libraries
        if any(name == other or name.startswith(other + "_") for other in others)
    ]


def test_front_end_templates_never_name_another_front_ends():
    """What shop and members share lives in storefront; a template of one
    front end extending the other's base is the import-linter contract broken
    where lint-imports cannot see."""
    crossing = {
        f"{path.relative_to(ROOT)}: {name}"
        for app in FRONT_ENDS
        for path in (PACKAGE / app / "templates").rglob("*.html")
        for name in other_front_ends_named(app, path.read_text())
    }
    assert not crossing, sorted(crossing)


def test_the_template_check_sees_a_planted_crossing():
    planted = '{% extends "shop/base.html" %}{% load i18n shop_tags %}'
    assert other_front_ends_named("members", planted) == ["shop", "shop_tags"]
    assert other_front_ends_named("shop", planted) == []
