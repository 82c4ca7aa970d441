"""What the audit is to the app: where it comes from, the run shown and the views built
from it, the policy file edits go to, and the --vulns / --baseline the run is read with.

Screens read the audit here (never through the app); the app swaps a run in when a
source has loaded, and a policy edit swaps in a new run. Views built from a run live in
its `RunViews`, so a new run brings fresh views and nothing has to be forgotten.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from aciaudit.policy_file import DEFAULT_NAME, policy_with_base
from aciaudit.run import PolicyFileInfo, Run
from aciaudit.sources.choice import Source
from checks.policy import Policy
from tui.findings_model import Row, Shared, build_rows
from tui.images_model import ImagesModel, build_images
from tui.overview_model import Line, Overview, build_overview
from tui.related_model import Related, build_related
from tui.resources_model import ResourceTree, build_tree


@dataclass(frozen=True)
class PolicyEdit:
    """The last policy change made in the app, for ctrl+z: the file's text before it
    (None: the change created the file) and what the change was."""

    path: Path
    before: str | None
    message: str


class RunViews:
    """One run and what the screens show of it: its overview (built with the run, off
    the event loop, in one pass over the results), then the findings rows with their
    sorted orders and search parts (`prepare`, a worker's job once the overview is
    shown), and the resources tree, relations and running images, each built on first
    use. The heavy ones may be built in a worker thread: a view is never half-set, and
    the rows are built once (a second caller waits for the first)."""

    def __init__(
        self, run: Run, images: ImagesModel | None = None, gaps: list[Line] | None = None
    ) -> None:
        """`images` and `gaps` (the overview's not-assessed table): carried over from
        the run this one replaces, when its policy edit cannot change them."""
        self.run = run
        self.overview: Overview = build_overview(run, gaps=gaps)
        self._findings: Shared | None = None
        self._rows_lock = threading.Lock()
        self._tree: ResourceTree | None = None
        self._related: Related | None = None
        self._images = images

    @property
    def built_rows(self) -> list[Row] | None:
        """The findings rows when built; None while `prepare` (or a screen) has not."""
        return self._findings.rows if self._findings is not None else None

    @property
    def findings(self) -> Shared:
        """The findings rows and what every findings view of them shares (their sorted
        orders, the search parts); built on first use."""
        if self._findings is None:
            with self._rows_lock:
                if self._findings is None:
                    self._findings = Shared(build_rows(self.run))
        return self._findings

    @property
    def rows(self) -> list[Row]:
        return self.findings.rows

    def prepare(self, stop: Callable[[], bool] = lambda: False) -> None:
        """For a worker, once the overview is shown: the rows, every column's sort and
        the search parts, so neither a sort nor `/` waits for them on the event loop.
        `stop` says when the work is no longer wanted (a newer run replaced this one)."""
        if not stop():
            self.findings.prepare(stop)

    @property
    def built_tree(self) -> ResourceTree | None:
        return self._tree

    def tree(self) -> ResourceTree:
        if self._tree is None:
            self._tree = build_tree(self.run)
        return self._tree

    def related(self) -> Related:
        """Same-resource findings and registry relations."""
        if self._related is None:
            self._related = build_related(self.run, self.rows)
        return self._related

    @property
    def built_images(self) -> ImagesModel | None:
        return self._images

    def images(self) -> ImagesModel:
        if self._images is None:
            self._images = build_images(self.run)
        return self._images


class Session:
    """The app's one audit: screens read it, the app and the policy actions change it."""

    def __init__(
        self,
        source: Source | None = None,
        policy_path: Path | None = None,
        vuln_paths: tuple[Path, ...] = (),
        baseline_path: Path | None = None,
    ) -> None:
        # The source of the run shown; before the first load, the one to open first.
        self.source = source
        # The policy file runs read and `m` / `u` / `a` write; None: ./aci-audit.toml.
        self.policy_path = policy_path
        # --vulns: reports every opened source is joined with; what could not be used.
        self.vuln_paths = vuln_paths
        self.vuln_notes: list[str] = []
        # --baseline: an earlier report or snapshot every opened source is compared with
        # (the run's `delta`: new / resolved / incomparable on the findings and overview).
        self.baseline_path = baseline_path
        # The last suppression / attestation change, undone by ctrl+z.
        self.last_edit: PolicyEdit | None = None
        self._views: RunViews | None = None

    # -- the run shown ---------------------------------------------------------------

    @property
    def views(self) -> RunViews | None:
        return self._views

    @property
    def run(self) -> Run | None:
        return self._views.run if self._views is not None else None

    @property
    def rows(self) -> list[Row]:
        return self._views.rows if self._views is not None else []

    @property
    def overview(self) -> Overview | None:
        return self._views.overview if self._views is not None else None

    def start(self, source: Source, views: RunViews, vuln_notes: list[str]) -> None:
        """A source has loaded: its run is the one shown from now on."""
        self.source, self._views, self.vuln_notes = source, views, vuln_notes

    # -- sources and the policy ------------------------------------------------------

    def to_open(self, source: Source) -> Source:
        """`source` as it is read: joined with the --vulns reports when it has none."""
        if self.vuln_paths and not source.vulns:
            return replace(source, vulns=self.vuln_paths)
        return source

    def policy_file(self) -> Path:
        """Where edits go: the policy file given or found at start, else ./aci-audit.toml."""
        return self.policy_path if self.policy_path is not None else Path.cwd() / DEFAULT_NAME

    def policy_for(self, source: Source) -> tuple[Policy, PolicyFileInfo | None]:
        """The policy a run of `source` uses: the file's, with the source's approved
        lists (the demo's) where the file sets none."""
        return policy_with_base(self.policy_file(), source.policy)

    def reapply_policy(self) -> None:
        """Read the policy file again: the run under its suppressions and attestations
        becomes the one shown, with its own rows, overview and views."""
        views, source = self._views, self.source
        if views is None or source is None:
            return
        run = views.run
        policy, info = self.policy_for(source)
        # The run was evaluated with its severity overrides and disabled checks; those
        # need a new scan and are kept from the run.
        policy = replace(
            run.policy, suppressions=policy.suppressions, attestations=policy.attestations
        )
        # A policy changes no image, no scan and nothing read or not: the running
        # images and the overview's not-assessed table carry over.
        self._views = RunViews(
            run.with_policy(policy, info), images=views.built_images, gaps=views.overview.gaps
        )
