"""The measures of what the partnership set out to do and what came of it.

``objectives.*`` (objectives with their indicators and attainment: OECD DAC
effectiveness), ``outputs.*`` (outputs and beneficiaries: impact),
``shocks.*`` (external events: a pandemic, a crisis, a ban) and
``programmes.*`` (links to other programmes: coherence).
"""

from __future__ import annotations

from ..model import Attainment
from .context import _Context, _ids
from .registry import _BOOL, _INT, _Out, _Registry
from .values import _after, _before

_REGISTRY = _Registry()
_scalar = _REGISTRY.scalar

# --------------------------------------------------------------------------
# objectives.*


@_scalar(
    "objectives.count", _INT, "The number of recorded objectives of the partnership.", minimum=0
)
def _objectives(ctx: _Context) -> _Out:
    return _Out(len(ctx.case.objectives), _ids(ctx.case.objectives))


def _attainment_measure(attainment: Attainment, what: str) -> None:
    @_scalar(
        f"objectives.{attainment}",
        _INT,
        f"The number of objectives {what}.",
        changeable=attainment is not Attainment.UNKNOWN,
        minimum=0,
    )
    def compute(ctx: _Context) -> _Out:
        matching = [o for o in ctx.case.objectives if o.attainment is attainment]
        return _Out(len(matching), _ids(matching))


for _attainment in (
    (Attainment.ACHIEVED, "recorded as achieved"),
    (Attainment.PARTLY, "recorded as partly achieved"),
    (Attainment.NOT_ACHIEVED, "recorded as not achieved"),
    (Attainment.UNKNOWN, "whose attainment is unknown"),
):
    _attainment_measure(*_attainment)


@_scalar(
    "objectives.with_indicator",
    _INT,
    "The number of objectives recorded with an indicator to measure them by.",
    minimum=0,
)
def _with_indicator(ctx: _Context) -> _Out:
    measured = [o for o in ctx.case.objectives if o.indicator]
    return _Out(len(measured), _ids(measured))


# --------------------------------------------------------------------------
# outputs.*


@_scalar("outputs.count", _INT, "The number of recorded outputs of the partnership.", minimum=0)
def _outputs(ctx: _Context) -> _Out:
    return _Out(len(ctx.case.outputs), _ids(ctx.case.outputs))


@_scalar(
    "outputs.beneficiaries",
    _INT,
    "The sum of the beneficiaries recorded for the outputs; null when no output records them.",
    minimum=0,
)
def _beneficiaries(ctx: _Context) -> _Out:
    counted = [o for o in ctx.case.outputs if o.beneficiaries is not None]
    if not counted:
        return _Out(None)
    return _Out(sum(o.beneficiaries or 0 for o in counted), _ids(counted))


# --------------------------------------------------------------------------
# shocks.*


@_scalar("shocks.count", _INT, "The number of recorded external shocks.", minimum=0)
def _shocks(ctx: _Context) -> _Out:
    return _Out(len(ctx.case.shocks), _ids(ctx.case.shocks))


@_scalar(
    "shocks.during_partnership",
    _BOOL,
    "An external shock is recorded after the agreement date and not after the partnership "
    "ended or lapsed (an undated shock counts); null before any agreement.",
)
def _shocks_during(ctx: _Context) -> _Out:
    if ctx.signed is None:
        return _Out(None)
    standing = ctx.standing
    stop = standing.since_date if standing.state in ("ended", "lapsed") else None
    during = [
        x
        for x in ctx.case.shocks
        if x.date is None
        or (not _before(x.date, ctx.signed) and (stop is None or not _after(x.date, stop)))
    ]
    return _Out(bool(during), _ids(during))


# --------------------------------------------------------------------------
# programmes.*


@_scalar(
    "programmes.count",
    _INT,
    "The number of other programmes or networks the partnership is recorded as linked to.",
    minimum=0,
)
def _programmes(ctx: _Context) -> _Out:
    return _Out(len(ctx.case.programmes), _ids(ctx.case.programmes))
