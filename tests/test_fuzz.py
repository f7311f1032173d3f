"""Fuzzing: generated and mutated case and rule files through the API and the command line.

Whatever a file holds, only a :class:`~sistereval.errors.SisterevalError`
escapes the API, the engine and the reference evaluator agree on every file
that loads, and every command exits 0, 1 or 2 without a traceback.  The
inputs and the oracle are in ``tests/fuzz_inputs.py``; ``benchmarks/fuzz.py``
runs 10,000 and more of them.  Under the ``ci`` profile these tests try
756 inputs: 100 of them case data handed to ``load_case`` as a mapping, 6
through the installed script in a subprocess.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from fuzz_inputs import (
    FuzzInput,
    Workspace,
    case_inputs,
    case_mappings,
    cli_inputs,
    rule_inputs,
)
from sistereval import evaluate, load_case
from sistereval.errors import SisterevalError


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return Workspace(tmp_path_factory.mktemp("fuzz"))


def _shown(item: FuzzInput) -> str:
    return f"{item.describe()}:\n{item.text}"


class TestApi:
    @settings(max_examples=250)
    @given(item=case_inputs())
    def test_case_files(self, workspace: Workspace, item: FuzzInput) -> None:
        note(_shown(item))
        assert None is workspace.check_api(item)

    @settings(max_examples=200)
    @given(item=rule_inputs())
    def test_rule_files(self, workspace: Workspace, item: FuzzInput) -> None:
        note(_shown(item))
        assert None is workspace.check_api(item)

    @settings(max_examples=100)
    @given(data=case_mappings())
    def test_case_mappings(self, data: dict[str, Any]) -> None:
        note(repr(data))
        try:
            case = load_case(data)
        except SisterevalError:
            return
        assert evaluate(case, backend="reference").to_dict() == evaluate(case).to_dict()


class TestCommandLine:
    @settings(max_examples=200)
    @given(item=cli_inputs(), command=st.integers(min_value=0, max_value=3))
    def test_in_process(self, workspace: Workspace, item: FuzzInput, command: int) -> None:
        note(_shown(item))
        assert None is workspace.check_cli(item, command)

    @settings(max_examples=6)
    @given(item=cli_inputs(), command=st.integers(min_value=0, max_value=3))
    def test_installed_script(self, workspace: Workspace, item: FuzzInput, command: int) -> None:
        note(_shown(item))
        assert None is workspace.check_script(item, command)
