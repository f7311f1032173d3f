"""Every command's output on the shipped examples is what ``tests/golden/outputs`` records.

The outputs were recorded with ``python tests/cli_outputs.py --record`` (see
there); a difference is a change of behaviour: record again only when it is meant.
"""

from __future__ import annotations

import sys

import pytest

from cli_outputs import COMMANDS, GOLDEN, api, capture

#: The Python the outputs were recorded with; argparse of another one lays out help
#: with other column widths (3.13 aligns the list of commands differently).
RECORDED_WITH = (3, 11)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_output_is_as_recorded(name: str) -> None:
    expected = (GOLDEN / f"{name}.out").read_text(encoding="utf-8")
    actual = capture(name)
    if name.startswith("help") and sys.version_info[:2] != RECORDED_WITH:
        expected, actual = " ".join(expected.split()), " ".join(actual.split())
    assert expected == actual


def test_the_public_api_is_as_recorded() -> None:
    assert (GOLDEN / "api.txt").read_text(encoding="utf-8") == api()


def test_every_recorded_output_has_a_command() -> None:
    recorded = {path.stem for path in GOLDEN.glob("*.out")}
    assert set(COMMANDS) == recorded
