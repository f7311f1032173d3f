"""Read and write case files (DESIGN.md §3): YAML or JSON, ``format: sistereval/case@1``.

:func:`load_case` reads a file, a YAML/JSON text or an already parsed
mapping into a :class:`~sistereval.model.Case`.  Before anything is built,
the raw data is checked against the attrs model itself (its fields, type
hints and validators), so every problem of a file is reported at once, each
at its line and column: unknown keys (with a did-you-mean), missing keys,
wrong types, values outside the allowed sets or ranges, malformed dates, and
references to sources, partners or fields that do not exist.  The problems
are raised together in one :class:`~sistereval.errors.CaseError`.

:func:`dump_case` and :func:`case_to_dict` write a case back; the round trip
is lossless.  :func:`case_schema` is the JSON Schema (draft 2020-12) of the
format, generated from the same model.

>>> case = load_case('''
... format: sistereval/case@1
... id: bandung-namur
... title: Bandung and Namur
... kind: sister_city
... partners:
...   - {id: bdg, name: Bandung, country: ID, location: {lat: -6.922, lon: 107.607}}
...   - {id: nam, name: Namur, country: BE, location: {lat: 50.467, lon: 4.867}}
... milestones:
...   - {type: mou, date: 2017-10-10}
... ''')
>>> case.milestones[0].date.precision
'day'
>>> load_case(dump_case(case)) == case
True
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import functools
import hashlib
import json
import math
import os
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path as FilePath
from typing import Any, Literal, cast

import attrs
import cattrs
import yaml
from attrs import validators as v
from cattrs.gen import make_dict_unstructure_fn, override

from ..countries import COUNTRY_CODES
from ..documents import Document, Path, format_path, read_document, read_file
from ..errors import CaseError, Location, Problem, UsageError
from ..facts import claim_problems
from ..messages import closest
from ..model import CASE_FORMAT, Case, PartialDate, _country, _finite, reference_problems

__all__ = [
    "CASE_FORMAT",
    "as_case",
    "case_schema",
    "case_sha256",
    "case_to_dict",
    "dump_case",
    "load_case",
    "load_cases",
]

#: The file extensions :func:`load_case` reads.
_SUFFIXES = (".yaml", ".yml", ".json")

_NONE = type(None)
_UNION_ORIGINS = (typing.Union, types.UnionType)

# The classes behind attrs' public validator factories, so the model's
# validators can be read (for messages and for the JSON Schema) without
# naming attrs internals.
_AND: type[Any] = type(v.and_(v.instance_of(int), v.instance_of(int)))
_OPTIONAL: type[Any] = type(v.optional(v.instance_of(int)))
_INSTANCE_OF: type[Any] = type(v.instance_of(int))
_DEEP_ITERABLE: type[Any] = type(v.deep_iterable(v.instance_of(int)))
_NUMBER: type[Any] = type(v.ge(0))
_MATCHES_RE: type[Any] = type(v.matches_re(""))
_MIN_LEN: type[Any] = type(v.min_len(0))

_DATE_SHAPE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_PATH_PART = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
_FILE_LIKE = re.compile(r"^[^\n{}\[\]:]*\.(?:ya?ml|json)$", re.IGNORECASE)


# --------------------------------------------------------------------------
# Reading the model: type hints and validators.


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _union_args(hint: Any) -> tuple[Any, ...] | None:
    return typing.get_args(hint) if typing.get_origin(hint) in _UNION_ORIGINS else None


def _is_tuple(hint: Any) -> bool:
    return typing.get_origin(hint) is tuple


def _is_enum(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, enum.Enum)


def _leaves(validator: Any) -> list[Any]:
    """The single validators inside ``and_`` / ``optional`` / lists."""
    if validator is None:
        return []
    if isinstance(validator, list | tuple):
        return [leaf for item in validator for leaf in _leaves(item)]
    if isinstance(validator, _AND):
        return _leaves(list(validator._validators))
    if isinstance(validator, _OPTIONAL):
        return _leaves(validator.validator)
    return [validator]


def _member_validator(validator: Any) -> Any:
    """The validator applied to each item of a tuple field, if any."""
    members = [
        leaf.member_validator for leaf in _leaves(validator) if isinstance(leaf, _DEEP_ITERABLE)
    ]
    return members or None


def _range_phrase(leaves: list[Any]) -> str:
    low = high = None
    for leaf in leaves:
        if isinstance(leaf, _NUMBER):
            if leaf.compare_op in (">=", ">"):
                low = leaf
            else:
                high = leaf
    if low is not None and high is not None and low.compare_op == ">=" and high.compare_op == "<=":
        return f"a value from {low.bound} to {high.bound}"
    parts = []
    if low is not None:
        parts.append(
            f"greater than {low.bound}" if low.compare_op == ">" else f"at least {low.bound}"
        )
    if high is not None:
        parts.append(
            f"less than {high.bound}" if high.compare_op == "<" else f"at most {high.bound}"
        )
    return "a value that is " + " and ".join(parts)


# --------------------------------------------------------------------------
# Describing values and suggestions.


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"a number {value!r}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:39] + "…"
        return f"a string {text!r}"
    if isinstance(value, dt.datetime):
        return f"a date and time {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"a date {value.isoformat()}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


_SCALAR_NAMES: dict[Any, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean (true or false)",
}


def _expected(options: tuple[Any, ...]) -> str:
    if float in options:
        options = tuple(o for o in options if o is not int)
    names = [_SCALAR_NAMES.get(o, f"a {getattr(o, '__name__', o)}") for o in options]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _is_instance(value: Any, hint: Any) -> bool:
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, hint)


def _key_hint(key: object, allowed: list[str]) -> str:
    close = closest(key, allowed) if isinstance(key, str) else None
    return f"did you mean {close!r}?" if close else f"allowed keys: {', '.join(allowed)}"


def _value_hint(value: object, allowed: list[str]) -> str:
    listed = f"expected one of: {', '.join(allowed)}"
    close = closest(value, allowed) if isinstance(value, str) else None
    return f"did you mean {close!r}? {listed}" if close else listed


def _parse_path(text: str) -> Path:
    """``activities[2].field`` -> ``("activities", 2, "field")``."""
    return tuple(name or int(index) for name, index in _PATH_PART.findall(text))


def _fallback(hint: Any) -> Any:
    """A stand-in for a missing or unusable value, so cross references can still be checked."""
    args = _union_args(hint)
    if args is not None:
        return None
    if _is_tuple(hint):
        return ()
    if attrs.has(hint) and hint is not PartialDate:
        return types.SimpleNamespace(
            **{f.name: _fallback(_hints(hint)[f.name]) for f in attrs.fields(hint)}
        )
    return "" if hint is str else None


def _default(field: attrs.Attribute[Any]) -> Any:
    default: Any = field.default
    return default.factory() if isinstance(default, attrs.Factory) else default  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# Checking raw data against the model.


class _Checker:
    """Walks plain data along the attrs model and records every problem.

    Each ``check_*`` method returns the value as far as it could be read, or
    a stand-in, so that :func:`~sistereval.model.reference_problems` can run
    even on a case with other problems.
    """

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.covered: list[Path] = []

    def add(
        self,
        code: str,
        message: str,
        path: Path,
        *,
        suggestion: str | None = None,
        location: Location | None = None,
    ) -> None:
        self.problems.append(
            Problem(
                code=code,
                message=message,
                location=location or self.doc.location(path),
                suggestion=suggestion,
            )
        )
        self.covered.append(path)

    def is_covered(self, path: Path) -> bool:
        return any(path[: len(done)] == done for done in self.covered)

    def check(
        self, hint: Any, value: Any, path: Path, attribute: attrs.Attribute[Any], validator: Any
    ) -> Any:
        args = _union_args(hint)
        if args is not None:
            if value is None and _NONE in args:
                return None
            options = tuple(a for a in args if a is not _NONE)
            if len(options) == 1:
                return self.check(options[0], value, path, attribute, validator)
            return self.check_scalar(options, value, path, attribute, validator)
        if _is_tuple(hint):
            return self.check_sequence(typing.get_args(hint)[0], value, path, attribute, validator)
        if hint is PartialDate:
            return self.check_date(value, path)
        if attrs.has(hint):
            return self.check_mapping(hint, value, path)
        if _is_enum(hint):
            return self.check_enum(hint, value, path)
        return self.check_scalar((hint,), value, path, attribute, validator)

    def check_mapping(self, cls: type, value: Any, path: Path) -> Any:
        if not isinstance(value, Mapping):
            self.add("wrong-type", f"expected a mapping, got {_describe(value)}", path)
            return _fallback(cls)
        fields = attrs.fields(cls)
        names = [f.name for f in fields]
        where = format_path(path)
        for key in value:
            if key not in names:
                child = (*path, str(key))
                location = attrs.evolve(self.doc.location(child, key=True), path=where)
                self.add(
                    "unknown-key",
                    f"unknown key {key!r}",
                    child,
                    suggestion=_key_hint(key, names),
                    location=location,
                )
        out: dict[str, Any] = {}
        for field in fields:
            child = (*path, field.name)
            hint = _hints(cls)[field.name]
            if field.name in value:
                out[field.name] = self.check(hint, value[field.name], child, field, field.validator)
            elif field.default is attrs.NOTHING:
                location = attrs.evolve(self.doc.location(path), path=where)
                self.add(
                    "missing-key",
                    f"the required key {field.name!r} is missing",
                    child,
                    location=location,
                )
                out[field.name] = _fallback(hint)
            else:
                out[field.name] = _default(field)
        return types.SimpleNamespace(**out)

    def check_sequence(
        self, item: Any, value: Any, path: Path, attribute: attrs.Attribute[Any], validator: Any
    ) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            hint = f"write a list: [{value}]" if isinstance(value, str) else None
            self.add(
                "wrong-type", f"expected a list, got {_describe(value)}", path, suggestion=hint
            )
            return ()
        member = _member_validator(validator)
        return tuple(
            self.check(item, x, (*path, i), attribute, member) for i, x in enumerate(value)
        )

    def check_scalar(
        self,
        options: tuple[Any, ...],
        value: Any,
        path: Path,
        attribute: attrs.Attribute[Any],
        validator: Any,
    ) -> Any:
        if len(options) > 1 and str in options and _is_date(value):
            return value.isoformat()  # a claimed date: YAML read it as a date, keep its text
        if not any(_is_instance(value, hint) for hint in options):
            quote = (
                "put the value in quotes to make it a string"
                if str in options and isinstance(value, bool | int | float | dt.date)
                else None
            )
            self.add(
                "wrong-type",
                f"expected {_expected(options)}, got {_describe(value)}",
                path,
                suggestion=quote,
            )
            return "" if str in options else None
        self.check_validators(value, path, attribute, validator)
        return value

    def check_validators(
        self, value: Any, path: Path, attribute: attrs.Attribute[Any], validator: Any
    ) -> None:
        """Run the model's own validators; the first that fails is the problem."""
        leaves = _leaves(validator)
        for leaf in leaves:
            if isinstance(leaf, _INSTANCE_OF | _DEEP_ITERABLE):
                continue  # types are checked above, items one by one
            try:
                leaf(None, attribute, value)
            except (ValueError, TypeError) as exc:
                code, message, suggestion = _validator_problem(leaf, leaves, value, exc)
                self.add(code, message, path, suggestion=suggestion)
                return

    def check_date(self, value: Any, path: Path) -> PartialDate | None:
        if not isinstance(value, int | str | dt.date | PartialDate) or isinstance(value, bool):
            self.add(
                "wrong-type",
                f"expected a date, got {_describe(value)}",
                path,
                suggestion="write YYYY, YYYY-MM or YYYY-MM-DD",
            )
            return None
        try:
            return PartialDate.parse(value)
        except (ValueError, TypeError):
            message, suggestion = _date_problem(value)
            self.add("bad-date", message, path, suggestion=suggestion)
            return None

    def check_enum(self, cls: type[enum.Enum], value: Any, path: Path) -> Any:
        allowed = [str(member.value) for member in cls]
        if isinstance(value, str) and value in allowed:
            return value
        suggestion = _value_hint(value, allowed)
        if isinstance(value, str):
            self.add("bad-enum", f"{value!r} is not an allowed value", path, suggestion=suggestion)
        else:
            self.add(
                "wrong-type",
                f"expected a string, got {_describe(value)}",
                path,
                suggestion=suggestion,
            )
        return None


def _validator_problem(
    leaf: Any, leaves: list[Any], value: Any, exc: Exception
) -> tuple[str, str, str | None]:
    """``(code, message, suggestion)`` for a validator that refused ``value``."""
    if isinstance(leaf, _NUMBER):
        return "out-of-range", f"{value!r} is out of range", f"expected {_range_phrase(leaves)}"
    if leaf is _finite:
        return "out-of-range", f"{value!r} is not a finite number", None
    if isinstance(leaf, _MATCHES_RE):
        return "invalid-value", f"{value!r} does not match the pattern {leaf.pattern.pattern}", None
    if isinstance(leaf, _MIN_LEN):
        if leaf.min_length == 1:
            return "invalid-value", "the value must not be empty", None
        return "invalid-value", f"the value is shorter than {leaf.min_length}", None
    if leaf is _country:
        close = value.strip().upper() if isinstance(value, str) else None
        hint = (
            f"did you mean {close!r}?"
            if close in COUNTRY_CODES
            else "expected an ISO 3166-1 alpha-2 code such as 'ID' or 'BE'"
        )
        return "bad-country", f"{value!r} is not a country code", hint
    return "invalid-value", str(exc), None


def _date_problem(value: int | str | dt.date | PartialDate) -> tuple[str, str | None]:
    """A message and suggestion for a value :meth:`PartialDate.parse` refused."""
    if isinstance(value, dt.datetime):
        return (
            f"{value.isoformat(sep=' ')!r} has a time of day",
            f"a date is YYYY, YYYY-MM or YYYY-MM-DD: write {value.date().isoformat()}",
        )
    if isinstance(value, int):
        return f"the year {value} is not between 1 and 9999", None
    match = _DATE_SHAPE.match(str(value).strip())
    if match is None:
        return f"{value!r} is not a date", "write YYYY, YYYY-MM or YYYY-MM-DD, such as 2017-10-10"
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    if year < 1:
        return f"{value!r} is not a valid date: there is no year 0", None
    if month is not None and not 1 <= month <= 12:
        return f"{value!r} is not a valid date: there is no month {month}", None
    assert month is not None
    assert day is not None
    days = calendar.monthrange(year, month)[1]
    return f"{value!r} is not a valid date: {year:04d}-{month:02d} has {days} days", None


def _check(doc: Document) -> None:
    """Raise one :class:`CaseError` with every problem of ``doc``, or return."""
    checker = _Checker(doc)
    data = doc.data
    if not isinstance(data, Mapping):
        checker.add("wrong-type", f"expected a mapping of case keys, got {_describe(data)}", ())
        raise CaseError(checker.problems)
    if "format" not in data:
        checker.add(
            "bad-format",
            "the file does not say its format",
            (),
            suggestion=f"add the line 'format: {CASE_FORMAT}'",
        )
    elif data["format"] != CASE_FORMAT:
        # A file of another format or version: its keys mean something else.
        given = data["format"]
        shown = repr(given) if isinstance(given, str) else _describe(given)
        checker.add(
            "bad-format",
            f"unsupported format {shown}",
            ("format",),
            suggestion=f"expected {CASE_FORMAT!r}",
        )
        raise CaseError(checker.problems)
    case = checker.check_mapping(Case, data, ())
    references = reference_problems(cast(Case, case)) + claim_problems(cast(Case, case))
    for path_text, code, message, suggestion in references:
        path = _parse_path(path_text)
        if not checker.is_covered(path):
            checker.add(code, message, path, suggestion=suggestion)
    if checker.problems:
        raise CaseError(checker.problems)


# --------------------------------------------------------------------------
# Structuring and unstructuring (cattrs).


def _model_enums(cls: type) -> set[type[enum.Enum]]:
    """Every enum type used anywhere in the attrs class ``cls``."""
    found: set[type[enum.Enum]] = set()

    def visit(hint: Any) -> None:
        if _is_enum(hint):
            found.add(hint)
        elif attrs.has(hint) and hint is not PartialDate:
            for inner in _hints(hint).values():
                visit(inner)
        else:
            for arg in typing.get_args(hint):
                visit(arg)

    visit(cls)
    return found


def _enum_value(member: enum.Enum) -> Any:
    return member.value


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(detailed_validation=False)
    converter.register_structure_hook(PartialDate, lambda value, _: PartialDate.parse(value))
    converter.register_unstructure_hook(PartialDate, PartialDate.to_json)
    # The model's enums are str subclasses, which cattrs would pass through
    # as they are; a case file holds their plain values.
    for cls in _model_enums(Case):
        converter.register_structure_hook(cls, lambda value, cls: cls(value))
        converter.register_unstructure_hook(cls, _enum_value)
    converter.register_unstructure_hook_func(
        _is_tuple,
        lambda items: [converter.unstructure(item) for item in items],
    )
    # A claim's value: checked already; a YAML date stands for its ISO text.
    converter.register_structure_hook(
        int | float | str | bool,
        lambda value, _: value.isoformat() if _is_date(value) else value,
    )

    def unstructure_attrs(cls: type) -> Callable[[Any], dict[str, Any]]:
        # Omit what a reader would not miss (None, empty lists, default
        # assessments), but always write the format line.
        overrides: dict[str, Any] = (
            {"format": override(omit_if_default=False)} if cls is Case else {}
        )
        return make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True, **overrides)

    converter.register_unstructure_hook_factory(attrs.has, unstructure_attrs)
    return converter


_CONVERTER = _make_converter()


# --------------------------------------------------------------------------
# Public API.


def load_case(
    source: str | os.PathLike[str] | Mapping[str, Any], *, file: str | None = None
) -> Case:
    """Read one case from a file path, a YAML/JSON text or a parsed mapping.

    ``source`` may be a path (``.yaml``, ``.yml`` or ``.json``), a ``str``
    that names an existing file or else holds the YAML/JSON text, or a
    mapping of already parsed data (then problems carry data paths only).
    ``file`` names the source in messages; it defaults to the path given.

    Raises :class:`~sistereval.errors.CaseError` with every problem found
    (its subclasses :class:`~sistereval.errors.DocumentError` and
    :class:`~sistereval.errors.LimitError` when the text cannot be read).
    """
    if isinstance(source, Mapping):
        doc = Document(data=source, file=file)
    else:
        path = _as_file(source)
        if path is not None:
            label = file or os.fspath(path)
            doc = read_document(_read_file(path, label), file=label)
        else:
            doc = read_document(cast(str, source), file=file)
    _check(doc)
    try:
        return _CONVERTER.structure(doc.data, Case)
    except (ValueError, TypeError) as exc:  # pragma: no cover - the check above should catch it
        raise CaseError(
            [Problem(code="invalid-value", message=str(exc), location=Location(file=doc.file))]
        ) from exc


def load_cases(sources: Iterable[str | os.PathLike[str]]) -> list[Case]:
    """Read several case files; one :class:`CaseError` carries the problems of all of them."""
    cases: list[Case] = []
    problems: list[Problem] = []
    for source in sources:
        try:
            cases.append(load_case(FilePath(source)))
        except CaseError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CaseError(problems)
    return cases


def as_case(case: Case | str | os.PathLike[str] | Mapping[str, Any]) -> Case:
    """``case`` itself, or the case it names (a path, YAML/JSON text or a mapping,
    read by :func:`load_case`): what every public function accepts as a case."""
    return case if isinstance(case, Case) else load_case(case)


def case_sha256(case: Case) -> str:
    """A digest of the case's content (independent of the file's layout)."""
    text = json.dumps(case_to_dict(case), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def case_to_dict(case: Case) -> dict[str, Any]:
    """The case as plain data (what a case file holds), ``format`` first.

    Values that say nothing (``None``, empty lists, absent assessments) are
    left out; dates are an integer year or an ISO string.
    """
    data: dict[str, Any] = _CONVERTER.unstructure(case, Case)
    return {"format": data.pop("format"), **data}


def dump_case(case: Case, format: Literal["yaml", "json"] = "yaml") -> str:
    """The text of a case file in YAML or JSON; ``load_case`` reads it back unchanged."""
    data = case_to_dict(case)
    if format == "yaml":
        return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    if format == "json":
        return _json(data, 0) + "\n"
    raise UsageError(f"unknown case format {format!r}; expected 'yaml' or 'json'")


# --------------------------------------------------------------------------
# Files and text.


def _as_file(source: str | os.PathLike[str]) -> FilePath | None:
    """The file ``source`` names, or ``None`` when it is YAML/JSON text."""
    if not isinstance(source, str):
        return FilePath(source)
    if "\n" in source:
        return None
    try:
        if os.path.isfile(source):
            return FilePath(source)
    except (OSError, ValueError):  # a name too long, an embedded NUL: text
        return None
    # One line ending in .yaml or .json is meant as a file, not as YAML text.
    return FilePath(source) if _FILE_LIKE.match(source.strip()) else None


def _file_problem(label: str, message: str) -> CaseError:
    return CaseError([Problem(code="file-error", message=message, location=Location(file=label))])


def _read_file(path: FilePath, label: str) -> str:
    try:
        text = read_file(path, file=label)
    except FileNotFoundError:
        raise _file_problem(label, "no such file") from None
    except IsADirectoryError:
        raise _file_problem(label, "this is a directory, not a file") from None
    except PermissionError:
        raise _file_problem(label, "permission denied") from None
    except UnicodeDecodeError as exc:
        raise _file_problem(label, f"the file is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise _file_problem(label, exc.strerror or str(exc)) from None
    if path.suffix.lower() not in _SUFFIXES:
        raise _file_problem(label, "a case file's name must end in .yaml, .yml or .json")
    if path.suffix.lower() == ".json":
        # A tab may indent JSON but not YAML; outside strings it is only
        # white space, and inside a JSON string it cannot stand unescaped.
        text = text.replace("\t", " ")
    return text


_YAML_BREAKS = re.compile("[\x85\u2028\u2029]")


class _Dumper(yaml.SafeDumper):
    """Indented block lists; short lists of plain values on one line."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def analyze_scalar(self, scalar: str) -> Any:
        analysis = super().analyze_scalar(scalar)
        if _YAML_BREAKS.search(scalar):
            # PyYAML writes these raw in single quotes, where a reader folds
            # them into spaces; double quotes escape them (\N, \L, \P).
            analysis.allow_flow_plain = analysis.allow_block_plain = False
            analysis.allow_single_quoted = analysis.allow_block = False
        return analysis


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(item, str | int | float) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)

# Characters JSON may hold raw but YAML (which reads our JSON) may not.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def _json(value: Any, depth: int) -> str:
    """JSON text that the YAML reader reads back to the same values.

    Floats always carry a dot (``1.0e-05``), which YAML needs to see a float.
    """
    if isinstance(value, dict):
        if not value:
            return "{}"
        pad = "  " * (depth + 1)
        items = [
            f"{pad}{_json(str(k), depth + 1)}: {_json(x, depth + 1)}" for k, x in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        pad = "  " * (depth + 1)
        return (
            "[\n" + ",\n".join(pad + _json(x, depth + 1) for x in value) + "\n" + "  " * depth + "]"
        )
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if isinstance(value, float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise UsageError(f"{value!r} cannot be written as JSON; write the case as YAML")
        text = repr(value)
        if "e" in text and "." not in text:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent}"
        return text
    return json.dumps(value)


# --------------------------------------------------------------------------
# JSON Schema.

_JSON_TYPES: dict[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _validator_schema(validator: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for leaf in _leaves(validator):
        if isinstance(leaf, _NUMBER):
            keyword = {
                ">=": "minimum",
                ">": "exclusiveMinimum",
                "<=": "maximum",
                "<": "exclusiveMaximum",
            }[leaf.compare_op]
            out[keyword] = leaf.bound
        elif isinstance(leaf, _MATCHES_RE):
            out["pattern"] = leaf.pattern.pattern
        elif isinstance(leaf, _MIN_LEN):
            out["minLength"] = leaf.min_length
        elif leaf is _country:
            out["enum"] = sorted(COUNTRY_CODES)
    return out


def _describe_class(cls: type) -> dict[str, str]:
    doc = cls.__dict__.get("__doc__")
    if not doc:
        return {}
    first = doc.strip().split("\n\n")[0]
    return {"description": " ".join(line.strip() for line in first.splitlines())}


def _partial_date_schema() -> dict[str, Any]:
    year = _validator_schema(attrs.fields(PartialDate).year.validator)
    return {
        **_describe_class(PartialDate),
        "anyOf": [
            {"type": "integer", **year},
            {
                "type": "string",
                "pattern": r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$",
            },
        ],
    }


def _type_schema(hint: Any, validator: Any, defs: dict[str, Any]) -> dict[str, Any]:
    args = _union_args(hint)
    if args is not None:
        options = tuple(a for a in args if a is not _NONE)
        if len(options) > 1:
            types_ = [_JSON_TYPES[o] for o in options if not (o is int and float in options)]
            schema: dict[str, Any] = {"type": types_}
        else:
            schema = _type_schema(options[0], validator, defs)
        if _NONE not in args:
            return schema
        if "$ref" in schema or "anyOf" in schema:
            return {"anyOf": [schema, {"type": "null"}]}
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
        schema["type"] = [schema["type"], "null"]
        return schema
    if _is_tuple(hint):
        item = typing.get_args(hint)[0]
        return {"type": "array", "items": _type_schema(item, _member_validator(validator), defs)}
    if hint is PartialDate:
        defs.setdefault("PartialDate", _partial_date_schema())
        return {"$ref": "#/$defs/PartialDate"}
    if attrs.has(hint):
        if hint.__name__ not in defs:
            defs[hint.__name__] = _class_schema(hint, defs)
        return {"$ref": f"#/$defs/{hint.__name__}"}
    if _is_enum(hint):
        return {"type": "string", "enum": [str(member.value) for member in hint]}
    return {"type": _JSON_TYPES[hint], **_validator_schema(validator)}


def _class_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in attrs.fields(cls):
        properties[field.name] = _type_schema(_hints(cls)[field.name], field.validator, defs)
        if field.default is attrs.NOTHING:
            required.append(field.name)
    return {
        **_describe_class(cls),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def case_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a case file, generated from the model.

    It describes the JSON form; a YAML file is valid when its data, with YAML
    dates written as ISO strings, is valid.
    """
    defs: dict[str, Any] = {}
    root = _class_schema(Case, defs)
    root["properties"]["format"] = {"const": CASE_FORMAT}
    root["required"] = ["format", *root["required"]]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"sistereval case file ({CASE_FORMAT})",
        **root,
        "$defs": dict(sorted(defs.items())),
    }
