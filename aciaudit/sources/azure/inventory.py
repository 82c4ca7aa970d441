"""The reads of a live collection, phase by phase, each recording its coverage.

The listing comes first; every later phase needs only the listing. The phases live in
their own modules (listing, side_reads, defender_reads, roles), as functions of the
one `Reads` state they share.
"""

from __future__ import annotations

import functools

from aciaudit.sources.azure.arm import ArmSession
from aciaudit.sources.azure.collected import Collected
from aciaudit.sources.azure.defender_reads import defender_findings
from aciaudit.sources.azure.listing import list_top_level, read_groups
from aciaudit.sources.azure.options import LiveOptions
from aciaudit.sources.azure.pool import Pool, run_watched
from aciaudit.sources.azure.profiles import read_profiles
from aciaudit.sources.azure.progress import CollectProgress
from aciaudit.sources.azure.reads import Reads
from aciaudit.sources.azure.registries import read_registries
from aciaudit.sources.azure.roles import role_assignments
from aciaudit.sources.azure.side_reads import (
    diagnostic_settings,
    registry_children,
    subscription_side_data,
)
from checks.snapshot import Subscription

# Everything after the listing, run side by side.
PHASES = (
    read_groups,
    read_profiles,
    read_registries,
    registry_children,
    diagnostic_settings,
    subscription_side_data,
    defender_findings,
    role_assignments,
)


def read_inventory(
    session: ArmSession,
    subscriptions: list[Subscription],
    out: Collected,
    progress: CollectProgress,
    pool: Pool,
    options: LiveOptions,
) -> None:
    """Read the subscriptions' estate into `out`. Raises Cancelled (within a fraction of
    a second of the cancel, even while a read hangs), or the first programming error a
    phase hit; failed reads are coverage entries, not errors."""
    reads = Reads(session, subscriptions, out, progress, pool, options)
    run_watched([lambda: list_top_level(reads)], reads.cancel)
    # The phases share the one bounded pool, so none waits for another's slowest request.
    run_watched([functools.partial(phase, reads) for phase in PHASES], reads.cancel)
