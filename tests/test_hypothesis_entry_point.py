"""The ``hypothesis`` entry point registers sistereval's strategies (issue 17)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sistereval.cases import dump_case, load_case
from sistereval.model import Case, PartialDate
from sistereval.strategies import register_type_strategies

register_type_strategies()

ROOT = Path(__file__).resolve().parents[1]


def test_entry_point_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    hooks = project["entry-points"]["hypothesis"]
    assert "sistereval.strategies:_hypothesis_setup_hook" in hooks.values()


@settings(max_examples=10, deadline=None)
@given(st.from_type(Case))
def test_from_type_draws_valid_cases(case: Case) -> None:
    assert isinstance(case, Case)
    assert load_case(dump_case(case)) == case


@settings(max_examples=10, deadline=None)
@given(st.from_type(PartialDate))
def test_from_type_draws_partial_dates(day: PartialDate) -> None:
    assert isinstance(day, PartialDate)
