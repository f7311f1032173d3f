"""Choosing the evaluator: ``sistereval.evaluation.resolve_backend`` and the
fallback to the reference evaluator where durable_rules cannot be loaded."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from sistereval import evaluation
from sistereval.engine import backends
from sistereval.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
NAMUR = ROOT / "examples" / "bandung-namur.yaml"
BROKEN = "durable/rules.so: undefined symbol: PyEval_CallObject"


@pytest.fixture
def no_durable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process in which durable_rules cannot be loaded (as on Python 3.13 built
    without the define), warned about afresh."""
    monkeypatch.setattr(evaluation, "durable_error", lambda: BROKEN)
    monkeypatch.setattr(evaluation, "_warned", False)


class TestResolveBackend:
    def test_durable_by_default_where_it_loads(self) -> None:
        assert None is backends.durable_error()
        assert "durable" == evaluation.resolve_backend()
        assert "reference" == evaluation.resolve_backend("reference")

    def test_an_unknown_backend_is_refused(self) -> None:
        with pytest.raises(UsageError, match="unknown backend 'fast'"):
            evaluation.resolve_backend("fast")  # type: ignore[arg-type]

    @pytest.mark.usefixtures("no_durable")
    def test_the_reference_evaluator_without_durable_with_one_warning(self) -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            chosen = [evaluation.resolve_backend(), evaluation.resolve_backend()]
        assert ["reference", "reference"] == chosen
        assert [RuntimeWarning] == [w.category for w in caught]
        assert "undefined symbol" in str(caught[0].message)

    @pytest.mark.usefixtures("no_durable")
    def test_asking_for_durable_without_it_says_why(self) -> None:
        with pytest.raises(UsageError, match=r"durable backend cannot be used: .*undefined symbol"):
            evaluation.resolve_backend("durable")

    @pytest.mark.usefixtures("no_durable")
    def test_asking_for_reference_warns_of_nothing(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert "reference" == evaluation.resolve_backend("reference")

    @pytest.mark.usefixtures("no_durable")
    def test_an_evaluation_without_durable_gives_the_same_verdict(self) -> None:
        with pytest.warns(RuntimeWarning):
            result = evaluation.evaluate(NAMUR)
        assert ("failure", "reference") == (result.verdict, result.trace and result.trace.backend)
