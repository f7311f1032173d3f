"""From fired rules to an evaluation: findings, factor scores, verdict, confidence.

The verdict policy and the confidence method are documented in
``docs/evaluation.md``; this module is their single implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, TypeAlias

import attrs

from . import display, ir
from .certainty import Certainty
from .engine.backends import Backend
from .engine.reference import Env
from .facts import Facts
from .messages import Language
from .model import Case, PartialDate

__all__ = [
    "NOT_ASSESSABLE",
    "Backend",
    "Comparison",
    "CoreVerdict",
    "Evaluation",
    "Finding",
    "NotFired",
    "RuleSetRef",
    "Trace",
    "compare",
    "confidence",
    "decide",
    "factor_scores",
]

NOT_ASSESSABLE = "not_assessable"
#: The verdicts of the shipped rule sets' scale, and ``not_assessable``.  A rule set
#: may declare its own scale, so :attr:`Evaluation.verdict` is any ``str`` of it.
CoreVerdict: TypeAlias = Literal["success", "partial", "failure", "not_assessable"]
SEVERITY_WEIGHT = {"low": 1, "medium": 2, "high": 3}

#: How much one source supports a fact, by reliability mark (``docs/evaluation.md``: H an
#: official source or two independent sources agree; M one news or academic
#: source; L a blog or second-hand summary).  Unmarked sources count as M.
RELIABILITY_WEIGHT = {"H": 0.9, "M": 0.6, "L": 0.3}
#: A fact with no source behind it (a value nobody reported, or a measure
#: computed from coordinates alone) still carries some support.
UNSOURCED_SUPPORT = 0.5
#: A fact that sources dispute counts for less.
DISPUTE_FACTOR = 0.75


def _jsonable(value: object) -> object:
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


@attrs.frozen(kw_only=True)
class Finding:
    """One fired rule that states a finding (or decides a verdict, or derives a fact)."""

    rule: str
    title: str
    kind: str  # strength | obstacle | risk | compliance | verdict | derived
    factor: str | None
    severity: str | None
    message: str
    facts: Mapping[str, object]
    sources: tuple[str, ...]
    rule_source: str
    verdict: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "kind": self.kind,
            "factor": self.factor,
            "severity": self.severity,
            "verdict": self.verdict,
            "message": self.message,
            "facts": _jsonable(dict(self.facts)),
            "sources": list(self.sources),
            "rule_source": self.rule_source,
        }

    def view(self) -> display.FindingView:
        """What the notebook displays show of this finding."""
        return display.FindingView(
            rule=self.rule,
            kind=self.kind,
            factor=self.factor,
            severity=self.severity,
            verdict=self.verdict,
            message=self.message,
            sources=self.sources,
        )


@attrs.frozen(kw_only=True)
class NotFired:
    """A rule that did not fire and the first top-level clause that stopped it."""

    rule: str
    blocking_condition: str
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "blocking_condition": self.blocking_condition,
            "detail": self.detail,
        }


@attrs.frozen(kw_only=True)
class RuleSetRef:
    id: str
    version: str
    sha256: str


#: The rules that did not fire, or a function that explains them when first asked.
NotFiredLike: TypeAlias = "tuple[NotFired, ...] | Callable[[], tuple[NotFired, ...]]"


def _explained(value: NotFiredLike) -> tuple[NotFired, ...]:
    return value if isinstance(value, tuple) else value()


def _explained_repr(value: NotFiredLike) -> str:
    return repr(_explained(value))


#: The certainty of a verdict, or a function that assesses it when first asked.
CertaintyLike: TypeAlias = "Certainty | Callable[[], Certainty] | None"


def _assessed(value: CertaintyLike) -> Certainty | None:
    return value() if callable(value) else value


@attrs.frozen(kw_only=True)
class Trace:
    """What an evaluation was made from, kept so that explaining it, reporting on it
    and analysing its disputes never derive the facts or run the rules again.

    ``envs`` is what the rules of each stratum saw
    (:func:`sistereval.evaluation.stratum_env`); ``backend`` the evaluator that fired
    the rules.
    """

    case: Case
    ruleset: ir.RuleSet
    facts: Facts
    firing: ir.Firing
    envs: Mapping[int, Env]
    backend: Backend


@attrs.frozen(kw_only=True, repr=False)
class Evaluation:
    """The result of evaluating one case with one rule set (``docs/evaluation.md``).

    ``not_fired`` may be given as a function: explaining every rule that did not
    fire costs more than the rest of an evaluation, so it runs on the first access
    of :attr:`not_fired` (or :meth:`to_dict`), once.  ``trace`` keeps the case,
    the rule set, the derived facts and what each stratum saw, for explanations
    and reports (:func:`sistereval.explain`).

    Its ``repr`` is one line; in a notebook it shows as a short table
    (``_repr_html_``, ``_repr_markdown_``); :meth:`to_record` and
    :meth:`to_records` are flat rows for a data frame.
    """

    verdict: CoreVerdict | str
    confidence: float
    case_id: str
    case_sha256: str
    ruleset: RuleSetRef
    findings: tuple[Finding, ...]
    factors: Mapping[str, float]
    _not_fired: NotFiredLike = attrs.field(alias="not_fired", eq=_explained, repr=_explained_repr)
    disputes: tuple[Mapping[str, Any], ...]
    deciding: tuple[str, ...]
    language: Language
    version: str
    #: The reference date the case was measured to: ``date`` (ISO text), ``basis``
    #: (``given``, ``sources`` or ``evaluation_date``) and the ``sources`` behind it.
    reference_date: Mapping[str, Any] = attrs.field(factory=dict)
    #: How well the verdict is supported and whether it holds whatever the unknown and
    #: disputed facts are (``docs/evaluation.md``, "Certainty"), assessed on first use.
    _certainty: CertaintyLike = attrs.field(
        default=None, alias="certainty", eq=_assessed, repr=False
    )
    #: What the evaluation was made from (not part of the decision record).
    trace: Trace | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def certainty(self) -> Certainty | None:
        """The ``certainty`` section: support per deciding fact, robustness and grade
        (None for an evaluation made without one)."""
        value = self._certainty
        if callable(value):
            value = value()
            object.__setattr__(self, "_certainty", value)  # assessed once, then kept
        return value

    @property
    def not_fired(self) -> tuple[NotFired, ...]:
        """The rules that did not fire, each with the clause that stopped it."""
        value = self._not_fired
        if not isinstance(value, tuple):
            value = value()
            object.__setattr__(self, "_not_fired", value)  # computed once, then kept
        return value

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "confidence": self.confidence,
            "case": {
                "id": self.case_id,
                "sha256": self.case_sha256,
                "reference_date": _jsonable(dict(self.reference_date)),
            },
            "ruleset": {
                "id": self.ruleset.id,
                "version": self.ruleset.version,
                "sha256": self.ruleset.sha256,
            },
            "deciding_rules": list(self.deciding),
            "findings": [f.to_dict() for f in self.findings],
            "factors": dict(self.factors),
            "not_fired": [n.to_dict() for n in self.not_fired],
            "disputes": [_jsonable(dict(d)) for d in self.disputes],
            "certainty": None if self.certainty is None else self.certainty.to_dict(),
            "language": self.language,
            "sistereval": self.version,
        }

    def __repr__(self) -> str:
        return (
            f"<Evaluation {self.case_id!r}: {self.verdict} (confidence {self.confidence}), "
            f"{self.ruleset.id} {self.ruleset.version}, {len(self.findings)} findings>"
        )

    def to_record(self) -> dict[str, Any]:
        """The evaluation as one flat row: ``case_id``, ``verdict``, ``confidence``,
        ``ruleset_id``, ``ruleset_version``, ``reference_date`` and ``reference_basis``
        (the date durations were measured to, and where it comes from), ``deciding`` and
        ``fired`` (rule ids
        joined by ``;``), ``findings`` (their number), ``disputes`` (their number),
        ``certainty_grade`` and ``robust`` (of :attr:`certainty`),
        and a ``factors.NAME`` score per success factor and obstacle group.
        ``pandas.DataFrame([e.to_record() for e in evaluations])`` is a table of cases.
        """
        return {
            "case_id": self.case_id,
            "verdict": self.verdict,
            "confidence": self.confidence,
            "ruleset_id": self.ruleset.id,
            "ruleset_version": self.ruleset.version,
            "reference_date": _jsonable(self.reference_date.get("date")),
            "reference_basis": self.reference_date.get("basis"),
            "deciding": ";".join(self.deciding),
            "fired": ";".join(f.rule for f in self.findings),
            "findings": len(self.findings),
            "disputes": len(self.disputes),
            "certainty_grade": None if self.certainty is None else self.certainty.grade,
            "robust": None if self.certainty is None else self.certainty.robust.status,
            **{f"factors.{name}": score for name, score in self.factors.items()},
        }

    def to_records(self) -> list[dict[str, Any]]:
        """The findings as flat rows, one per finding: ``case_id``, ``verdict`` and
        ``confidence`` of the case, then the finding's ``rule``, ``title``, ``kind``,
        ``factor``, ``severity``, ``finding_verdict`` (of a verdict rule),
        ``message``, ``sources`` (joined by ``;``) and ``deciding`` (a bool).
        No pandas needed: ``pandas.DataFrame(evaluation.to_records())`` is the table.
        """
        return [
            {
                "case_id": self.case_id,
                "verdict": self.verdict,
                "confidence": self.confidence,
                "rule": f.rule,
                "title": f.title,
                "kind": f.kind,
                "factor": f.factor,
                "severity": f.severity,
                "finding_verdict": f.verdict,
                "message": f.message,
                "sources": ";".join(f.sources),
                "deciding": f.rule in self.deciding,
            }
            for f in self.findings
        ]

    def view(self) -> display.EvaluationView:
        """What a notebook shows of the evaluation (:mod:`sistereval.display`)."""
        return display.EvaluationView(
            case_id=self.case_id,
            verdict=self.verdict,
            confidence=self.confidence,
            ruleset=f"{self.ruleset.id} {self.ruleset.version}",
            deciding=tuple(
                f.rule for f in self.findings if f.kind == "verdict" and f.rule in self.deciding
            ),
            findings=tuple(f.view() for f in self.findings),
            factors=self.factors,
            disputes=len(self.disputes),
            language=self.language,
        )

    def _repr_html_(self) -> str:
        return display.evaluation_html(self.view())

    def _repr_markdown_(self) -> str:
        return display.evaluation_markdown(self.view())


@attrs.frozen
class Comparison:
    """Several evaluations side by side (:func:`compare`): in a notebook a table with
    one row per case (verdict, confidence, scores); :meth:`to_records` its rows."""

    evaluations: tuple[Evaluation, ...]

    def __len__(self) -> int:
        return len(self.evaluations)

    def __iter__(self) -> Iterator[Evaluation]:
        return iter(self.evaluations)

    def __repr__(self) -> str:
        verdicts = ", ".join(f"{e.case_id}: {e.verdict}" for e in self.evaluations)
        return f"<Comparison of {len(self.evaluations)} cases: {verdicts}>"

    @property
    def language(self) -> str:
        return self.evaluations[0].language if self.evaluations else "en"

    def to_records(self) -> list[dict[str, Any]]:
        """One :meth:`Evaluation.to_record` per case."""
        return [e.to_record() for e in self.evaluations]

    def _repr_html_(self) -> str:
        return display.comparison_html([e.view() for e in self.evaluations], self.language)

    def _repr_markdown_(self) -> str:
        return display.comparison_markdown([e.view() for e in self.evaluations], self.language)


def compare(evaluations: Iterable[Evaluation]) -> Comparison:
    """The evaluations side by side, in their order (``sistereval.compare``)."""
    return Comparison(tuple(evaluations))


def decide(ruleset: ir.RuleSet, fired: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """The verdict by the rule set's policy, and the verdict rules that decided it.

    * ``worst``: the worst fired verdict on the scale wins;
    * ``best``: the best fired verdict wins;
    * ``priority``: the first fired verdict rule in rule-set order wins.

    Every fired verdict rule that gave the winning verdict is deciding (under
    ``priority`` only the first).  No fired verdict rule: ``not_assessable``.
    """
    verdict_rules = [
        (rule.id, rule.then.verdict)
        for rule in ruleset.rules
        if rule.id in set(fired) and isinstance(rule.then, ir.VerdictThen)
    ]
    if not verdict_rules:
        return NOT_ASSESSABLE, ()
    if ruleset.policy == "priority":
        first = verdict_rules[0]
        return first[1], (first[0],)
    rank = {name: i for i, name in enumerate(ruleset.scale)}
    pick = max if ruleset.policy == "worst" else min
    verdict = pick((v for _, v in verdict_rules), key=lambda v: rank[v])
    return verdict, tuple(rid for rid, v in verdict_rules if v == verdict)


def factor_scores(ruleset: ir.RuleSet, findings: Sequence[Finding]) -> dict[str, float]:
    """A score per success factor and per obstacle group.

    Success factor: the sum of the severity weights (low 1, medium 2, high 3)
    of its strength findings minus those of its obstacle, risk and compliance
    findings.  Obstacle group: the sum of the severity weights of its obstacle
    and risk findings (0 is no obstacle found).
    """
    scores: dict[str, float] = {name: 0.0 for name in (*ruleset.factors, *ruleset.obstacle_groups)}
    for finding in findings:
        if finding.factor is None or finding.factor not in scores or finding.severity is None:
            continue
        weight = SEVERITY_WEIGHT[finding.severity]
        if finding.factor in ruleset.obstacle_groups:
            if finding.kind in ("obstacle", "risk"):
                scores[finding.factor] += weight
        elif finding.kind == "strength":
            scores[finding.factor] += weight
        else:
            scores[finding.factor] -= weight
    return scores


def fact_support(
    source_ids: Sequence[str], reliability: Callable[[str], str | None], disputed: bool
) -> float:
    """How well the sources behind one fact support it, in [0, 1].

    Independent sources combine as a noisy-or of their reliability weights:
    ``1 - prod(1 - w)``; a fact with no source gets ``UNSOURCED_SUPPORT``;
    a disputed fact is multiplied by ``DISPUTE_FACTOR``.
    """
    if source_ids:
        miss = 1.0
        for sid in dict.fromkeys(source_ids):
            miss *= 1.0 - RELIABILITY_WEIGHT.get(reliability(sid) or "M", RELIABILITY_WEIGHT["M"])
        support = 1.0 - miss
    else:
        support = UNSOURCED_SUPPORT
    return support * DISPUTE_FACTOR if disputed else support


def confidence(supports: Sequence[float]) -> float:
    """The confidence of a verdict: the mean support of the facts behind its
    deciding findings, rounded to two decimals (0.0 when nothing decided)."""
    if not supports:
        return 0.0
    return round(sum(supports) / len(supports), 2)
