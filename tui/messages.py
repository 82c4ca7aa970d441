"""What screens ask of the app. A screen posts one of these; it bubbles from the screen
to the app, which handles navigation (`@on` in tui.app). Screens never call the app.
"""

from __future__ import annotations

from textual.message import Message
from textual.worker import Worker

from aciaudit.sources.choice import Source
from tui.findings_model import Filter
from tui.session import RunViews


class OpenSource(Message):
    """Read `source` (the collect screen), then show its overview."""

    def __init__(self, source: Source) -> None:
        super().__init__()
        self.source = source


class Loaded(Message):
    """A source has been read and audited: show it. `vuln_notes`: report files that
    could not be used; `baseline_error`: why the --baseline could not be read."""

    def __init__(
        self,
        source: Source,
        views: RunViews,
        vuln_notes: list[str],
        baseline_error: str | None = None,
    ) -> None:
        super().__init__()
        self.source = source
        self.views = views
        self.vuln_notes = vuln_notes
        self.baseline_error = baseline_error


class BackToConnect(Message):
    """Back to the connect screen; `error` (title, message) is shown over it."""

    def __init__(self, error: tuple[str, str] | None = None) -> None:
        super().__init__()
        self.error = error


class ShowFindings(Message):
    """The findings `filter` selects; `scope` names where they are (a title)."""

    def __init__(self, filter: Filter | None = None, scope: str = "") -> None:
        super().__init__()
        self.filter = filter or Filter()
        self.scope = scope


class ShowResources(Message):
    """The estate as a tree."""


class ShowImages(Message):
    """The running images."""


class ShowCompliance(Message):
    """Controls of each compliance framework and their findings."""


class PolicyChanged(Message):
    """The policy file was edited and the session holds the new run: every open screen
    shows it."""


class WorkerFailed(Message):
    """A screen's worker raised: said in words, never as a traceback."""

    def __init__(self, worker: Worker[object]) -> None:
        super().__init__()
        self.worker = worker
