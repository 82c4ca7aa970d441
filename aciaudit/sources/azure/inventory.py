"""The reads of a live collection, phase by phase, each recording its coverage.

The listing comes first; every later phase needs only the listing. The phases live in
their own modules (listing, side_reads, defender_reads, roles), as functions of the
one `Reads` state they share.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait

from aciaudit.sources.azure.arm import ArmSession, Cancelled
from aciaudit.sources.azure.collected import Collected
from aciaudit.sources.azure.defender_reads import defender_findings
from aciaudit.sources.azure.listing import list_top_level, read_groups
from aciaudit.sources.azure.options import LiveOptions
from aciaudit.sources.azure.pool import Pool
from aciaudit.sources.azure.progress import CollectProgress
from aciaudit.sources.azure.reads import Reads
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
    """Read the subscriptions' estate into `out`. Raises Cancelled, or the first
    programming error a phase hit; failed reads are coverage entries, not errors."""
    reads = Reads(session, subscriptions, out, progress, pool, options)
    list_top_level(reads)
    # The phases share the one bounded pool, so none waits for another's slowest request.
    with ThreadPoolExecutor(len(PHASES), thread_name_prefix="phase") as runner:
        futures = [runner.submit(phase, reads) for phase in PHASES]
        try:
            # Short waits: Ctrl-C is delivered between them, not after the last read.
            while wait(futures, timeout=0.2).not_done:
                pass
        except BaseException:  # Ctrl-C reaches this thread: stop the phases too
            reads.cancel.set()
            raise
    errors = [exc for f in futures if (exc := f.exception()) is not None]
    # The cause, not the Cancelled it set off in the other phases.
    for exc in sorted(errors, key=lambda e: isinstance(e, Cancelled)):
        raise exc
