"""The app's audit session: views built once per run, and a policy edit that brings a
new run with fresh views while the old run stays as it was."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from aciaudit.policy_file import DEFAULT_NAME, add_suppression
from aciaudit.run import audit
from aciaudit.sources.choice import demo_source
from aciaudit.sources.demo import DEMO_POLICY, load_demo
from checks.model import Status
from tui.session import RunViews, Session


@pytest.fixture(scope="module")
def views() -> RunViews:
    return RunViews(audit(load_demo(), DEMO_POLICY))


def test_views_are_built_on_first_use_and_kept(views: RunViews) -> None:
    fresh = RunViews(views.run)
    assert len(fresh.rows) == len(views.run.results)
    assert fresh.overview.by_status[Status.FAIL] == views.run.status_counts[Status.FAIL]
    assert fresh.built_tree is None and fresh.built_images is None
    tree, related, images = fresh.tree(), fresh.related(), fresh.images()
    assert fresh.built_tree is tree and fresh.built_images is images
    assert fresh.tree() is tree and fresh.related() is related and fresh.images() is images


def test_a_policy_edit_brings_a_new_run_with_fresh_views(tmp_path: Path, views: RunViews) -> None:
    policy = tmp_path / DEFAULT_NAME
    session = Session(demo_source(), policy)
    first = RunViews(views.run)
    session.start(demo_source(), first, [])
    tree, images = first.tree(), first.images()
    fail = next(r for r in first.rows if r.result.status is Status.FAIL)
    add_suppression(
        policy,
        fail.result.check_id,
        fail.result.resource_id,
        "accepted",
        date.today() + timedelta(days=30),
        "tester",
    )

    session.reapply_policy()

    now = session.views
    assert now is not None and now is not first and session.run is not views.run
    assert session.run is not None and session.run.suppressed_count == 1
    assert views.run.suppressed_count == 0  # the run first loaded is left as it was
    assert first.tree() is tree  # and so are its views
    assert now.built_tree is None  # the new run's tree is its own, built when shown
    assert now.built_images is images  # a policy changes no image and no scan
    assert session.overview is not None and session.overview.suppressed == 1
    assert any(r.suppressed for r in session.rows)
    assert session.run.policy_file is not None
    assert session.run.policy_file.path == str(policy)


def test_before_any_run_there_is_nothing_to_reapply(tmp_path: Path) -> None:
    session = Session(None, tmp_path / DEFAULT_NAME)
    session.reapply_policy()
    assert session.views is None and session.run is None and session.rows == []


def test_vulns_join_a_source_that_has_none(tmp_path: Path) -> None:
    reports = (tmp_path / "trivy.json",)
    session = Session(vuln_paths=reports)
    assert session.to_open(demo_source()).vulns == reports
    # A source that brings its own reports keeps them.
    own = (tmp_path / "grype.json",)
    assert session.to_open(replace(demo_source(), vulns=own)).vulns == own
    assert Session().to_open(demo_source()).vulns == ()


def test_edits_go_to_the_file_given_else_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert Session().policy_file() == tmp_path / DEFAULT_NAME
    given = tmp_path / "team.toml"
    assert Session(policy_path=given).policy_file() == given


def test_a_policy_edit_keeps_the_not_assessed_table_which_it_cannot_change(
    tmp_path: Path, views: RunViews
) -> None:
    from tui.overview_model import gaps_of

    policy = tmp_path / DEFAULT_NAME
    session = Session(demo_source(), policy)
    session.start(demo_source(), RunViews(views.run), [])
    before = session.overview
    assert before is not None and before.gaps  # the demo has gaps to carry over
    fail = next(r for r in views.run.results if r.status is Status.FAIL)
    add_suppression(
        policy, fail.check_id, fail.resource_id, "accepted", date.today() + timedelta(days=30), "t"
    )
    session.reapply_policy()
    after = session.overview
    assert after is not None and after.gaps is before.gaps
    assert session.run is not None and gaps_of(session.run) == before.gaps
