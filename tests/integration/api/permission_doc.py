"""docs/permissions.md read as data: its role table and its route table. The tests compare both
with the code; `render_*` print what the doc should say when they differ."""

from __future__ import annotations

from pathlib import Path

from callroom.accounts.permissions import ROLE_PERMISSIONS, Permission
from callroom.accounts.roles import Role
from callroom.api.route_table import RouteRule

DOC = Path(__file__).parents[3] / "docs" / "permissions.md"
YES = "✓"


def _rows(text: str, first_cell: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].startswith(first_cell):
            rows.append(cells)
    return rows


def doc_role_table(text: str) -> dict[Role, frozenset[Permission]]:
    """The `| \\`permission\\` | what | admin | chief | ... |` rows, as role -> permissions."""
    header = next(r for r in _rows(text, "permission"))
    roles = [Role(c) for c in header[2:]]
    table: dict[Role, set[Permission]] = {role: set() for role in roles}
    for row in _rows(text, "`"):
        if row[0].strip("`") not in {p.value for p in Permission}:
            continue
        for role, cell in zip(roles, row[2:], strict=True):
            if cell == YES:
                table[role].add(Permission(row[0].strip("`")))
    return {role: frozenset(found) for role, found in table.items()}


def doc_route_table(text: str) -> set[tuple[str, str, str]]:
    """The `| METHOD | \\`path\\` | \\`permission\\` or public |` rows."""
    methods = ("GET", "POST", "PUT", "PATCH", "DELETE")
    return {
        (row[0], row[1].strip("`"), row[2].strip("`")) for row in _rows(text, "") if row and row[0] in methods
    }


def code_route_table(rules: list[RouteRule]) -> set[tuple[str, str, str]]:
    return {(r.method, r.path, ", ".join(p.value for p in r.permissions) or "public") for r in rules}


def render_role_table() -> str:
    roles = list(Role)
    lines = [
        "| permission | what it allows | " + " | ".join(r.value for r in roles) + " |",
        "|---|---|" + "---|" * len(roles),
    ]
    for permission in Permission:
        marks = " | ".join(YES if permission in ROLE_PERMISSIONS[r] else "" for r in roles)
        lines.append(f"| `{permission.value}` | | {marks} |")
    return "\n".join(lines)


def render_route_table(rules: list[RouteRule]) -> str:
    lines = ["| method | path | permission |", "|---|---|---|"]
    for method, path, permission in sorted(code_route_table(rules), key=lambda r: (r[1], r[0])):
        shown = permission if permission == "public" else f"`{permission}`"
        lines.append(f"| {method} | `{path}` | {shown} |")
    return "\n".join(lines)
