"""Hypothesis profiles: ``ci`` (bounded, derandomized, no deadline) and ``dev``.

The profile comes from ``HYPOTHESIS_PROFILE``; without it, ``ci`` when the
``CI`` environment variable is set (as in `.ci/run`), else ``dev``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
    # the explain phase can spend minutes on a failing example; CI wants the failure fast
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
