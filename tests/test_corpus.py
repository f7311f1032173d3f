"""The real-case corpus (tests/corpus/): core's verdict against what the sources support.

Each case file holds only facts its sources report; ``verdicts.yaml`` gives
the verdict(s) the sources support and, for a case core cannot get right,
the reason.  A case without a reason must get a supported verdict; a case
with one must not (so a fix is noticed and the reason removed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sistereval import evaluate
from sistereval.cases import load_case

CORPUS = Path(__file__).parent / "corpus"
ENTRIES: list[dict[str, Any]] = yaml.safe_load((CORPUS / "verdicts.yaml").read_text("utf-8"))
VERDICTS = {"success", "partial", "failure", "not_assessable"}


def test_every_case_file_has_one_entry() -> None:
    files = sorted(p.stem for p in (CORPUS / "cases").glob("*.yaml"))
    assert sorted(e["case"] for e in ENTRIES) == files
    assert len(files) >= 12


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: str(e["case"]))
def test_entry_is_complete(entry: dict[str, Any]) -> None:
    assert set(entry["supported"]) <= VERDICTS
    assert entry["supported"]
    assert entry["basis"].strip()
    assert entry["sources"]
    case = load_case(CORPUS / "cases" / f"{entry['case']}.yaml")
    cited = {s.id for s in case.sources}
    assert set(entry["sources"]) <= cited, "the basis cites sources the case does not hold"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: str(e["case"]))
def test_core_verdict(entry: dict[str, Any]) -> None:
    verdict = str(evaluate(load_case(CORPUS / "cases" / f"{entry['case']}.yaml")).verdict)
    if "disagrees" in entry:
        assert verdict not in entry["supported"], (
            f"core now gives {verdict}, which the sources support: remove the 'disagrees' reason"
        )
    else:
        assert verdict in entry["supported"], (
            f"core gives {verdict}; the sources support {entry['supported']}: {entry['basis']}"
        )
