"""The program file edited one thing at a time, for the set-up forms: a person, a service, a
post, a shift type, a cover demand, a leave, a request or (a year file's) a rotation.

A form never stores anything itself and checks nothing the loader does not: it reads the
program file's data (`load_document`), applies its one change to that data (`apply`, `remove`),
and the caller saves the written-out file (`dump_document`) through the same path as a file
typed in the admin's editor, where `parse_program` checks it. A refusal names fields of the
file ("people[3].grade"); `form_field` turns such a field back into the form's own, so the
message is shown beside the input it is about.

Ids are made from names (`slug`) when a form leaves them out and are fixed once made: other
parts of the file refer to them. A person's email lives in the file's paging contacts, and a
start date after the block's first day is leave ("not started") up to that day; a year file
writes it as `joins`.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import yaml

from callroom.domain.grades import Grade, GradeRange
from callroom.errors import Invalid
from callroom.formats.yaml_source import YamlPath, YamlSourceError, dotted, parse_yaml

Document = dict[str, Any]
Entry = dict[str, Any]
NOT_STARTED = "not started"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class FormField:
    """An input of a form: `name` is the form's, `key` the entry's key in the file (dotted for
    a nested one, "" for one the section writes itself)."""

    name: str
    label: str
    key: str = ""
    kind: str = "text"  # text, number, date, time, list, check, select, ref (list, ref: choices = a section)
    choices: tuple[str, ...] = ()
    hint: str = ""
    fixed: bool = False  # an id: given when made, then referred to, so never changed


@dataclass(frozen=True)
class Row:
    """One entry of a section as its list shows it and its form starts from."""

    key: str  # stable while the entry is unchanged: its id, or a digest of its content
    path: YamlPath
    values: dict[str, str]


Place = tuple[YamlPath, Entry]


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    noun: str
    fields: tuple[FormField, ...]
    entries: Callable[[Document], list[Place]]
    # Where a new or changed entry goes, and the entry, made from the form's values
    build: Callable[[Document, dict[str, str], Entry | None], tuple[YamlPath, Entry]]
    read: Callable[[Document, Entry], dict[str, str]]
    label: Callable[[Document, Entry], str]
    after: Callable[[Document, YamlPath, Entry, dict[str, str]], None] | None = None
    forget: Callable[[Document, Entry], None] | None = None

    def rows(self, document: Document) -> list[Row]:
        return [
            Row(self.key_of(document, e), path, self.read(document, e)) for path, e in self.entries(document)
        ]

    def key_of(self, document: Document, entry: Entry) -> str:
        """How a form names the entry: its id when it has one; else a digest of its content
        (and its person's id), so a form opened before someone else's change names the same
        entry or none, never the one that moved into its place."""
        if any(f.fixed for f in self.fields):
            return str(entry.get("id"))
        content = json.dumps([self.read(document, entry), entry], sort_keys=True, default=str)
        return hashlib.sha256(content.encode()).hexdigest()[:12]

    def field(self, name: str) -> FormField:
        return next(f for f in self.fields if f.name == name)


# --- reading and writing the file's data ---------------------------------------------------


def load_document(source: str) -> Document:
    """The program file's data; Invalid when the stored file is no longer a mapping."""
    # The loader's own YAML reading (YAML 1.2's booleans: a request's `on:` is a key, not True).
    try:
        data = parse_yaml(source).data
    except YamlSourceError as error:
        raise Invalid("source", "the program file is not YAML: fix it in the admin's editor") from error
    if not isinstance(data, dict):
        raise Invalid("source", "the program file is not a YAML mapping: fix it in the admin's editor")
    return data


def dump_document(document: Document) -> str:
    dumped: str = yaml.safe_dump(
        document, sort_keys=False, width=110, default_flow_style=None, allow_unicode=True
    )
    return dumped


def slug(name: str) -> str:
    """An id from a name: "Ada Lovelace" -> "ada-lovelace"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "x"


def unique_slug(name: str, taken: set[str]) -> str:
    base = slug(name)
    chosen, n = base, 2
    while chosen in taken:
        chosen, n = f"{base}-{n}", n + 1
    return chosen


def new_program(values: Mapping[str, str]) -> Document:
    """The first file of a program: its hospital, block, one service and one shift type, the
    least a program file holds; people, posts and cover follow in their own forms."""
    service = values.get("service", "").strip()
    shift = values.get("shift", "").strip()
    return {
        "hospital": {
            "name": values.get("hospital", "").strip(),
            "timezone": values.get("timezone", "").strip(),
        },
        "block": {"start": values.get("start", "").strip(), "days": _number(values.get("days", ""))},
        "shift_types": [
            _compact(
                {
                    "id": slug(shift) if shift else "",
                    "name": shift,
                    "start": values.get("shift_start", "").strip(),
                    "duration": _number(values.get("shift_hours", "").strip() + "h"),
                    "kind": values.get("shift_kind", "").strip(),
                }
            )
        ],
        "services": [{"id": slug(service) if service else "", "name": service, "posts": []}],
        "cover": [],
        "people": [],
    }


NEW_PROGRAM_FIELDS = {
    "hospital": "hospital.name",
    "timezone": "hospital.timezone",
    "start": "block.start",
    "days": "block.days",
    "shift": "shift_types[0].id",
    "shift_start": "shift_types[0].start",
    "shift_hours": "shift_types[0].duration",
    "shift_kind": "shift_types[0].kind",
    "service": "services[0].id",
}


def new_program_field(field: str) -> str | None:
    """The new-program form's input a refused file field is about."""
    best = [name for name, key in NEW_PROGRAM_FIELDS.items() if field == key or field.startswith(key + ".")]
    if best:
        return best[0]
    if field.startswith("shift_types[0]"):
        return "shift"
    return None


# --- a change to one entry -----------------------------------------------------------------


def apply(section: Section, document: Document, key: str | None, values: dict[str, str]) -> YamlPath:
    """Add (key None) or change entry `key` of the section, from the form's values; the path
    of the entry as written now, for naming the form's fields in a refusal."""
    old: Entry | None = None
    old_path: YamlPath = ()
    if key is not None:
        old_path, old = _at(section, document, key)
        values = {
            **values,
            **{f.name: section.read(document, old)[f.name] for f in section.fields if f.fixed},
        }
    container, entry = section.build(document, values, old)
    if key is not None and container == old_path[:-1]:
        _list_at(document, container)[int(old_path[-1])] = entry
        path = old_path
    else:
        if key is not None:
            _list_at(document, old_path[:-1]).pop(int(old_path[-1]))
        target = _list_at(document, container)
        target.append(entry)
        path = (*container, len(target) - 1)
    if section.after is not None:
        section.after(document, path, entry, values)
    return path


def remove(section: Section, document: Document, key: str) -> str:
    """Remove entry `key`; its label, for the version's reason."""
    path, entry = _at(section, document, key)
    _list_at(document, path[:-1]).pop(int(path[-1]))
    if section.forget is not None:
        section.forget(document, entry)
    return section.label(document, entry)


def entry_label(section: Section, document: Document, key: str) -> str:
    return section.label(document, _at(section, document, key)[1])


def form_field(section: Section, path: YamlPath, field: str) -> str | None:
    """The form input a refused file field (people[3].limits.max_weekends) is about, when it is
    inside the entry the form wrote; None for the rest of the file."""
    prefix = dotted(path)
    if not (field == prefix or field.startswith(prefix + ".") or field.startswith(prefix + "[")):
        return None
    rest = field[len(prefix) :].lstrip(".")
    for f in section.fields:
        if f.key and (rest == f.key or rest.startswith(f.key + ".") or rest.startswith(f.key + "[")):
            return f.name
    return section.fields[0].name if rest == "" else _first_of(section, rest)


def _first_of(section: Section, rest: str) -> str | None:
    head = re.split(r"[.\[]", rest, maxsplit=1)[0]
    return next((f.name for f in section.fields if f.key.split(".")[0] == head), None)


def _at(section: Section, document: Document, key: str) -> Place:
    found = next((p for p in section.entries(document) if section.key_of(document, p[1]) == key), None)
    if found is None:
        raise Invalid("key", f"that {section.noun} is no longer in the program (removed or changed since)")
    return found


def _list_at(document: Document, path: YamlPath) -> list[Any]:
    node: Any = document
    for part in path[:-1]:
        node = node[part]
    last = path[-1]
    if isinstance(node, dict) and not isinstance(node.get(last), list):
        node[last] = []
    found: list[Any] = node[last]
    return found


# --- values: the form's text to the file's data and back -------------------------------------


def _number(raw: str) -> Any:
    """An integer when the text is one; otherwise the text, which the loader names as wrong."""
    text = raw.strip()
    return int(text) if re.fullmatch(r"-?\d+", text) else text


def _put(entry: Entry, field: FormField, raw: str | None) -> None:
    text = (raw or "").strip()
    parts = field.key.split(".")
    node = entry
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    key = parts[-1]
    value: Any
    if field.kind == "check":
        value = raw not in (None, "", "0")
    elif not text:
        node.pop(key, None)
        return
    elif field.kind == "number":
        value = _number(text)
    elif field.kind == "list":
        value = [item.strip() for item in text.split(",") if item.strip()]
    else:
        value = text
    node[key] = value


def _get(entry: Entry, field: FormField) -> str:
    node: Any = entry
    for part in field.key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if node is None:
        return ""
    if isinstance(node, bool):
        return "1" if node else ""
    if isinstance(node, list):
        return ", ".join(str(item) for item in node)
    return str(node)


def _compact(entry: Entry) -> Entry:
    return {k: v for k, v in entry.items() if v not in ("", None, {}) and v != []}


def _simple(fields: tuple[FormField, ...], values: dict[str, str], old: Entry | None) -> Entry:
    """The entry with the form's keyed fields written over what it held (keys no form shows,
    such as a person's days off, kept)."""
    entry: Entry = dict(old or {})
    for field in fields:
        if field.key:
            _put(entry, field, values.get(field.name))
    for key in [k for k, v in entry.items() if v == {}]:
        del entry[key]
    return entry


def _read(fields: tuple[FormField, ...], entry: Entry) -> dict[str, str]:
    return {f.name: _get(entry, f) for f in fields if f.key}


def _named(_document: Document, entry: Entry) -> str:
    return str(entry.get("name") or entry.get("id") or "")


def names(document: Document) -> dict[str, str]:
    """Every id of the file with its name: what the forms and their reasons show."""
    found: dict[str, str] = {}
    for section in (PEOPLE, SERVICES, POSTS, SHIFTS):
        for _, entry in section.entries(document):
            found[str(entry.get("id"))] = str(entry.get("name") or entry.get("id"))
    return found


def choices(document: Document) -> dict[str, list[tuple[str, str]]]:
    """What a reference may name, by section: (id, name), in the file's order."""
    return {
        s.slug: [(str(e.get("id")), str(e.get("name") or e.get("id"))) for _, e in s.entries(document)]
        for s in (PEOPLE, SERVICES, POSTS, SHIFTS)
    }


def _with_id(values: dict[str, str], taken: set[str], name_key: str = "name") -> dict[str, str]:
    """The form's values with an id made from the name when none was typed."""
    if values.get("id", "").strip() or not values.get(name_key, "").strip():
        return values
    return {**values, "id": unique_slug(values[name_key], taken)}


def _ids(entries: list[Place]) -> set[str]:
    return {str(entry.get("id")) for _, entry in entries}


# --- people --------------------------------------------------------------------------------

GRADES = tuple(g.label for g in Grade)
PERSON_FIELDS = (
    FormField("name", "Name", "name"),
    FormField("id", "Id (made from the name if left empty)", "id", fixed=True),
    FormField("grade", "Grade", "grade", "select", GRADES),
    FormField("email", "Email", "", hint="pages by email go here"),
    FormField("start", "Start date", "", "date", hint="left empty: works from the block's first day"),
    FormField("posts", "Posts they may work", "posts", "list", ("posts",)),
    FormField("max_weekends", "Most weekends worked", "limits.max_weekends", "number"),
    FormField("max_consecutive_work", "Most days worked in a row", "limits.max_consecutive_work", "number"),
    FormField("max_total", "Most hours in the block (e.g. 200h)", "limits.max_total"),
)


def _people(document: Document) -> list[Place]:
    return [(("people", i), p) for i, p in enumerate(document.get("people") or [])]


def _person_build(document: Document, values: dict[str, str], old: Entry | None) -> tuple[YamlPath, Entry]:
    values = _with_id(values, _ids(_people(document)))
    entry = _simple(PERSON_FIELDS, values, old)
    entry["leave"] = [item for item in entry.get("leave", []) if item.get("kind") != NOT_STARTED]
    entry.pop("joins", None)
    start = values.get("start", "").strip()
    if start:
        _start(document, entry, start)
    if not entry["leave"]:
        del entry["leave"]
    return ("people",), entry


def _start(document: Document, entry: Entry, start: str) -> None:
    if "year" in document:
        entry["joins"] = start
        return
    try:
        first = date.fromisoformat(str((document.get("block") or {}).get("start")))
        day = date.fromisoformat(start)
    except ValueError:
        entry["joins"] = start  # the loader names a date it cannot read, at this person's `joins`
        return
    if day > first:
        entry["leave"].insert(
            0, {"from": first.isoformat(), "to": (day - timedelta(days=1)).isoformat(), "kind": NOT_STARTED}
        )


def _person_read(document: Document, entry: Entry) -> dict[str, str]:
    values = _read(PERSON_FIELDS, entry)
    values["email"] = _contact(document, str(entry.get("id"))).get("email", "")
    started = [item for item in entry.get("leave", []) if item.get("kind") == NOT_STARTED]
    if entry.get("joins"):
        values["start"] = str(entry["joins"])
    elif started:
        values["start"] = (date.fromisoformat(str(started[0]["to"])) + timedelta(days=1)).isoformat()
    else:
        values["start"] = ""
    return values


def _contacts(document: Document) -> list[Entry]:
    paging = document.setdefault("paging", {})
    contacts = paging.setdefault("contacts", {})
    found: list[Entry] = contacts.setdefault("people", [])
    return found


def _contact(document: Document, person: str) -> Entry:
    people = ((document.get("paging") or {}).get("contacts") or {}).get("people") or []
    return next((c for c in people if c.get("person") == person), {})


def _person_after(document: Document, path: YamlPath, entry: Entry, values: dict[str, str]) -> None:
    """The email, in the person's contact entry (made, changed, or dropped when empty)."""
    person, email = str(entry.get("id")), values.get("email", "").strip()
    if email and not EMAIL.fullmatch(email):
        # The file takes any text for an email; a form that asks for one says when it is not.
        raise Invalid("email", f"{email!r} is not an email address (name@example.org)")
    contacts = _contacts(document)
    found = next((c for c in contacts if c.get("person") == person), None)
    if email and found is None:
        contacts.append({"person": person, "email": email})
    elif email and found is not None:
        found["email"] = email
    elif found is not None:
        found.pop("email", None)
        if set(found) == {"person"}:
            contacts.remove(found)
    _tidy_paging(document)


def _person_forget(document: Document, entry: Entry) -> None:
    contacts = _contacts(document)
    contacts[:] = [c for c in contacts if c.get("person") != entry.get("id")]
    _tidy_paging(document)


def _tidy_paging(document: Document) -> None:
    """No empty paging section left behind by the forms."""
    paging = document.get("paging") or {}
    contacts = paging.get("contacts") or {}
    if contacts.get("people") == []:
        del contacts["people"]
    if contacts == {} and "contacts" in paging:
        del paging["contacts"]
    if paging == {} and "paging" in document:
        del document["paging"]


PEOPLE = Section(
    "people",
    "People",
    "person",
    PERSON_FIELDS,
    _people,
    _person_build,
    _person_read,
    _named,
    _person_after,
    _person_forget,
)


def person_values(name: str, email: str, grade: str, start: str, document: Document) -> dict[str, str]:
    """A person's form values as a residents list gives them: every post their grade may
    work, so they can be rostered at once."""
    posts = [
        str(post.get("id"))
        for service in document.get("services") or []
        for post in service.get("posts") or []
        if _fits(grade, str(post.get("grades", "any")))
    ]
    return {"name": name, "email": email, "grade": grade, "start": start, "posts": ", ".join(posts)}


def _fits(grade: str, grades: str) -> bool:
    try:
        return Grade.parse(grade) in GradeRange.parse(grades)
    except ValueError:
        return False


# --- services and posts ----------------------------------------------------------------------

SERVICE_FIELDS = (
    FormField("name", "Name", "name"),
    FormField("id", "Id (made from the name if left empty)", "id", fixed=True),
)


def _services(document: Document) -> list[Place]:
    return [(("services", i), s) for i, s in enumerate(document.get("services") or [])]


def _service_build(document: Document, values: dict[str, str], old: Entry | None) -> tuple[YamlPath, Entry]:
    values = _with_id(values, _ids(_services(document)) | _ids(_posts(document)))
    return ("services",), _simple(SERVICE_FIELDS, values, old)


SERVICES = Section(
    "services",
    "Services",
    "service",
    SERVICE_FIELDS,
    _services,
    _service_build,
    lambda _d, e: _read(SERVICE_FIELDS, e),
    _named,
)

POST_FIELDS = (
    FormField("service", "Service", "", "ref", ("services",)),
    FormField("name", "Name", "name"),
    FormField("id", "Id (made from the name if left empty)", "id", fixed=True),
    FormField("shifts", "Shift types it is staffed on", "shifts", "list", ("shifts",)),
    FormField("grades", "Grades (e.g. any, residents, PGY-2+, PGY-1..PGY-3)", "grades"),
    FormField("new_patients", "Takes new patients", "new_patients", "check"),
    FormField(
        "everyone", "Open to everyone whose grade fits", "", "check", hint="adds the post to their posts"
    ),
)


def _posts(document: Document) -> list[Place]:
    return [
        (("services", i, "posts", j), post)
        for i, service in enumerate(document.get("services") or [])
        for j, post in enumerate(service.get("posts") or [])
    ]


def _post_build(document: Document, values: dict[str, str], old: Entry | None) -> tuple[YamlPath, Entry]:
    values = _with_id(values, _ids(_posts(document)) | _ids(_services(document)))
    services = document.get("services") or []
    wanted = values.get("service", "").strip()
    index = next((i for i, s in enumerate(services) if s.get("id") == wanted), None)
    if index is None:
        known = ", ".join(str(s.get("id")) for s in services)
        raise Invalid("service", f"no service {wanted!r}: use one of {known}")
    return ("services", index, "posts"), _simple(POST_FIELDS, values, old)


def _post_read(document: Document, entry: Entry) -> dict[str, str]:
    values = _read(POST_FIELDS, entry)
    values["new_patients"] = "" if entry.get("new_patients") is False else "1"
    owner: Entry = next((s for s in document.get("services") or [] if entry in (s.get("posts") or [])), {})
    values["service"] = str(owner.get("id", ""))
    values["everyone"] = ""
    return values


def _post_after(document: Document, path: YamlPath, entry: Entry, values: dict[str, str]) -> None:
    if not values.get("everyone"):
        return
    for person in document.get("people") or []:
        posts = person.setdefault("posts", [])
        if entry.get("id") not in posts and _fits(str(person.get("grade")), str(entry.get("grades", "any"))):
            posts.append(entry.get("id"))


def _post_forget(document: Document, entry: Entry) -> None:
    """A removed post leaves the people's lists of posts they may work (part of the post, as the
    form that adds it may add it there); cover of it is not removed: the refusal names it."""
    for person in document.get("people") or []:
        if entry.get("id") in (person.get("posts") or []):
            person["posts"] = [p for p in person["posts"] if p != entry.get("id")]


POSTS = Section(
    "posts", "Posts", "post", POST_FIELDS, _posts, _post_build, _post_read, _named, _post_after, _post_forget
)

# --- shift types ------------------------------------------------------------------------------

SHIFT_KINDS = ("day", "night", "in_house_call", "home_call", "clinic", "float")
SHIFT_FIELDS = (
    FormField("name", "Name", "name"),
    FormField("id", "Id (made from the name if left empty)", "id", fixed=True),
    FormField("start", "Starts (HH:MM, hospital time)", "start", "time"),
    FormField("duration", "Lasts (e.g. 12h, 12h30m)", "duration"),
    FormField("kind", "Kind", "kind", "select", SHIFT_KINDS),
    FormField("counted", "Counted as work (home call; e.g. 3h)", "counted"),
)


def _shifts(document: Document) -> list[Place]:
    return [(("shift_types", i), s) for i, s in enumerate(document.get("shift_types") or [])]


def _shift_build(document: Document, values: dict[str, str], old: Entry | None) -> tuple[YamlPath, Entry]:
    values = _with_id(values, _ids(_shifts(document)))
    entry = _simple(SHIFT_FIELDS, values, old)
    for key in ("duration", "counted"):
        if key in entry:
            entry[key] = _number(str(entry[key]))
    return ("shift_types",), entry


SHIFTS = Section(
    "shifts",
    "Shift types",
    "shift type",
    SHIFT_FIELDS,
    _shifts,
    _shift_build,
    lambda _d, e: _read(SHIFT_FIELDS, e),
    _named,
)

# --- cover ------------------------------------------------------------------------------------

COVER_FIELDS = (
    FormField("post", "Post", "post", "ref", ("posts",)),
    FormField("shift", "Shift type", "shift", "ref", ("shifts",)),
    FormField("days", "Days (daily, weekdays, weekends, or mon, sat)", "days"),
    FormField("grades", "Grades", "need.grades", hint="any, residents, PGY-2+ or PGY-1..PGY-3"),
    FormField("min", "At least (hard)", "need.min", "number"),
    FormField("target", "Ideally (soft)", "need.target", "number"),
    FormField("max", "At most (hard)", "need.max", "number"),
)


def _cover(document: Document) -> list[Place]:
    return [(("cover", i), c) for i, c in enumerate(document.get("cover") or [])]


def _cover_build(document: Document, values: dict[str, str], old: Entry | None) -> tuple[YamlPath, Entry]:
    entry: Entry = dict(old or {})
    for field in COVER_FIELDS[:3]:
        _put(entry, field, values.get(field.name))
    if "," in str(entry.get("days", "")):
        entry["days"] = [d.strip() for d in str(entry["days"]).split(",") if d.strip()]
    needs = list(entry.get("need") or [{}])
    need: Entry = dict(needs[0])
    for field, key in zip(COVER_FIELDS[3:], ("grades", "min", "target", "max"), strict=True):
        _put(need, FormField(field.name, field.label, key, field.kind), values.get(field.name))
    entry["need"] = [need, *needs[1:]]
    return ("cover",), entry


def _cover_read(document: Document, entry: Entry) -> dict[str, str]:
    values = _read(COVER_FIELDS[:3], entry)
    need = (entry.get("need") or [{}])[0]
    for name, key in (("grades", "grades"), ("min", "min"), ("target", "target"), ("max", "max")):
        values[name] = "" if need.get(key) is None else str(need[key])
    return values


COVER = Section(
    "cover",
    "Cover",
    "cover demand",
    COVER_FIELDS,
    _cover,
    _cover_build,
    _cover_read,
    lambda d, e: f"{_name_of(d, e.get('post'))}, {_name_of(d, e.get('shift'))}",
)


def _cover_field(rest: str) -> str | None:
    match = re.match(r"need\[0\]\.(\w+)", rest)
    return match.group(1) if match else None


# --- leave and requests (a person's) ----------------------------------------------------------

LEAVE_FIELDS = (
    FormField("person", "Person", "", "ref", ("people",)),
    FormField("from", "From", "from", "date"),
    FormField("to", "To", "to", "date"),
    FormField("kind", "Kind (vacation, conference, …)", "kind"),
)


def _owned(document: Document, key: str, skip: Callable[[Entry], bool] = lambda _e: False) -> list[Place]:
    return [
        (("people", i, key, j), item)
        for i, person in enumerate(document.get("people") or [])
        for j, item in enumerate(person.get(key) or [])
        if not skip(item)
    ]


def _name_of(document: Document, wanted: object) -> str:
    return names(document).get(str(wanted), str(wanted))


def _person_index(document: Document, wanted: str) -> int:
    people = document.get("people") or []
    index = next((i for i, p in enumerate(people) if p.get("id") == wanted.strip()), None)
    if index is None:
        raise Invalid("person", f"no person {wanted.strip()!r} in the program")
    return index


def _owner(document: Document, entry: Entry, key: str) -> str:
    return str(next((p.get("id") for p in document.get("people") or [] if entry in (p.get(key) or [])), ""))


def _leave(document: Document) -> list[Place]:
    return _owned(document, "leave", lambda e: e.get("kind") == NOT_STARTED)


def _leave_build(document: Document, values: dict[str, str], old: Entry | None) -> tuple[YamlPath, Entry]:
    index = _person_index(document, values.get("person", ""))
    return ("people", index, "leave"), _simple(LEAVE_FIELDS, values, old)


def _leave_read(document: Document, entry: Entry) -> dict[str, str]:
    return {**_read(LEAVE_FIELDS, entry), "person": _owner(document, entry, "leave")}


LEAVE = Section(
    "leave",
    "Leave",
    "leave",
    LEAVE_FIELDS,
    _leave,
    _leave_build,
    _leave_read,
    lambda d, e: (
        f"{e.get('kind', 'vacation')} of {_name_of(d, _owner(d, e, 'leave'))}, {e.get('from')}–{e.get('to')}"
    ),
)

REQUEST_FIELDS = (
    FormField("person", "Person", "", "ref", ("people",)),
    FormField("date", "Date", "date", "date"),
    FormField("wish", "Wants to", "", "select", ("off", "on")),
    FormField("shift", "Shift type (optional)", "shift", "ref", ("shifts",)),
    FormField("post", "Post (optional)", "post", "ref", ("posts",)),
    FormField("weight", "Weight (1 and up)", "weight", "number"),
)


def _request_build(document: Document, values: dict[str, str], old: Entry | None) -> tuple[YamlPath, Entry]:
    index = _person_index(document, values.get("person", ""))
    entry = _simple(REQUEST_FIELDS, values, old)
    entry.pop("on", None)
    entry.pop("off", None)
    entry["on" if values.get("wish") == "on" else "off"] = True
    return ("people", index, "requests"), entry


def _request_read(document: Document, entry: Entry) -> dict[str, str]:
    wish = "on" if entry.get("on") else "off"
    return {**_read(REQUEST_FIELDS, entry), "person": _owner(document, entry, "requests"), "wish": wish}


REQUESTS = Section(
    "requests",
    "Requests",
    "request",
    REQUEST_FIELDS,
    lambda d: _owned(d, "requests"),
    _request_build,
    _request_read,
    lambda d, e: (
        f"of {_name_of(d, _owner(d, e, 'requests'))} to be {'on' if e.get('on') else 'off'} {e.get('date')}"
    ),
)

# --- rotations (a year file's) -------------------------------------------------------------

ROTATION_FIELDS = (
    FormField("name", "Name", "name"),
    FormField("id", "Id (made from the name if left empty)", "id", fixed=True),
    FormField("grades", "Grades it takes (e.g. residents, PGY-1..PGY-2)", "grades"),
    FormField("posts", "Posts its residents may work", "posts", "list", ("posts",)),
    FormField("length", "Given in", "length", "select", ("block", "half", "week")),
    FormField("min", "Residents each week, at least", "complement.min", "number"),
    FormField("max", "Residents each week, at most", "complement.max", "number"),
    FormField("vacation", "Vacation may be taken on it", "vacation", "check"),
    FormField("heavy", "Heavy", "heavy", "check"),
    FormField("elective", "Elective", "elective", "check"),
)


def _rotations(document: Document) -> list[Place]:
    year = document.get("year")
    rotations = year.get("rotations") if isinstance(year, dict) else None
    return [(("year", "rotations", i), r) for i, r in enumerate(rotations or [])]


def _rotation_build(document: Document, values: dict[str, str], old: Entry | None) -> tuple[YamlPath, Entry]:
    if not isinstance(document.get("year"), dict):
        raise Invalid("name", "rotations belong to a year program (one planned as an academic year)")
    values = _with_id(values, _ids(_rotations(document)))
    entry: Entry = dict(old or {})
    for field in ROTATION_FIELDS:
        if field.key and not field.key.startswith("complement."):
            _put(entry, field, values.get(field.name))
    # The form keeps the first complement (the whole grade range); others stay as written.
    complements = list(entry.get("complement") or [{}])
    first: Entry = dict(complements[0])
    for name in ("min", "max"):
        _put(first, FormField(name, name, name, "number"), values.get(name))
    entry["complement"] = [first, *complements[1:]] if first else complements[1:]
    if not entry["complement"]:
        del entry["complement"]
    return ("year", "rotations"), entry


def _rotation_read(document: Document, entry: Entry) -> dict[str, str]:
    values = _read(ROTATION_FIELDS, entry)
    first = (entry.get("complement") or [{}])[0]
    values["min"] = "" if first.get("min") is None else str(first["min"])
    values["max"] = "" if first.get("max") is None else str(first["max"])
    values["vacation"] = "" if entry.get("vacation") is False else "1"
    values["length"] = str(entry.get("length") or "block")
    return values


ROTATIONS = Section(
    "rotations", "Rotations", "rotation", ROTATION_FIELDS, _rotations, _rotation_build, _rotation_read, _named
)

SECTIONS: dict[str, Section] = {
    s.slug: s for s in (PEOPLE, SERVICES, POSTS, SHIFTS, COVER, LEAVE, REQUESTS, ROTATIONS)
}


def field_of(section: Section, path: YamlPath, field: str) -> str | None:
    """`form_field`, knowing the cover form's one need."""
    if section is COVER and field.startswith(dotted(path) + ".need[0]."):
        return _cover_field(field[len(dotted(path)) + 1 :])
    if section is PEOPLE and field.startswith(dotted(path) + ".joins"):
        return "start"
    if section is ROTATIONS and field.startswith(dotted(path) + ".complement[0]."):
        return _cover_field("need[0]." + field[len(dotted(path)) + len(".complement[0].") :])
    return form_field(section, path, field)
