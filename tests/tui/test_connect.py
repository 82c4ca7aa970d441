"""The connect screen: demo, snapshot file, and Azure sign-in against the fake ARM + Entra
server, through the real SDK clients and the app's Pilot."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import SIZE, wait_for, wait_loaded
from fakearm import FakeAzure
from fixtures import container_group, registry
from textual.widgets import Input, SelectionList, Static

import tui.screens.connect as connect_module
from aciaudit.sources.azure import auth
from aciaudit.sources.azure.auth import Identity
from aciaudit.sources.azure.collector import CollectionError
from aciaudit.sources.azure.options import LiveOptions
from checks.snapshot import Subscription
from tui.app import AuditApp
from tui.screens.connect import ConnectScreen, snapshot_problem, subscription_prompt

SUB1 = "11111111-aaaa-4aaa-8aaa-111111111111"
SUB2 = "22222222-bbbb-4bbb-8bbb-222222222222"
SUB3 = "33333333-cccc-4ccc-8ccc-333333333333"
HOSTILE = "[bold]x[/] a[/]b \x1b[31mred\x1b[0m [link=http://e]l[/link]"
HOSTILE_SHOWN = "[bold]x[/] a[/]b ␛[31mred␛[0m [link=http://e]l[/link]"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    with FakeAzure() as server:
        server.add_subscription(SUB1, "Contoso Production")
        server.add_subscription(SUB2, "Contoso Development")
        server.add_subscription(SUB3, "Old Sandbox", state="Disabled")
        server.add(container_group(name="web", subscription=SUB1, resource_group="rg-app"))
        server.add(registry(subscription=SUB2, resource_group="rg-shared"))
        server.sign_in_env(monkeypatch)
        yield server


def live_options(fake: FakeAzure) -> LiveOptions:
    """What `aci-audit --arm-endpoint … --authority-host … --auth env` would hand the app;
    the CA bundle is explicit (these machines set REQUESTS_CA_BUNDLE for the mirror)."""
    return LiveOptions(
        arm_endpoint=fake.url,
        authority_host=fake.url,
        auth="env",
        ca_bundle=str(fake.ca_path),
        retries=0,
        concurrency=4,
        timeout=10,
    )


def connect_screen(app: AuditApp) -> ConnectScreen:
    screen = app.screen
    assert isinstance(screen, ConnectScreen)
    return screen


def shown(widget: Static) -> str:
    return str(widget.render())


def prompts(screen: ConnectScreen) -> list[str]:
    listing = screen.query_one("#subscriptions", SelectionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


async def signed_in(pilot: Any) -> ConnectScreen:
    app = pilot.app
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ConnectScreen")
    screen = connect_screen(app)
    await pilot.click("#sign-in")
    await wait_for(pilot, lambda: screen.signed_in is not None, timeout=30)
    await pilot.pause()
    return screen


# -- demo and snapshot files -------------------------------------------------------------


async def test_opens_without_a_source_and_d_opens_the_demo_estate() -> None:
    app = AuditApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConnectScreen")
        assert "FICTIONAL DATA" in shown(app.screen.query_one("#box-demo .box-text", Static))
        await pilot.press("d")
        await wait_loaded(pilot)
        assert app.session.run is not None and app.session.run.snapshot.is_demo
        assert type(app.screen).__name__ == "OverviewScreen"


@pytest.mark.parametrize("name", ["missing.json", "a[/]b [bold]x\x1b[31m.json"])
async def test_a_bad_snapshot_path_says_why_inline(tmp_path: Path, name: str) -> None:
    app = AuditApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConnectScreen")
        screen = connect_screen(app)
        box = screen.query_one("#snapshot-path", Input)
        error = screen.query_one("#snapshot-error", Static)
        box.value = str(tmp_path / name)
        await pilot.click("#snapshot-open")
        await pilot.pause()
        assert error.display and "does not exist" in shown(error)
        assert "\n" not in shown(error) and "\x1b" not in shown(error)
        assert box.has_class("-invalid")
        assert app.screen is screen and app.session.run is None

        box.value = str(tmp_path)  # a folder
        await pilot.pause()
        assert not error.display  # typing clears the old reason
        box.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "is a folder, not a file" in shown(error)
        assert app.screen is screen


def test_snapshot_problems_are_one_line_each(tmp_path: Path) -> None:
    good = tmp_path / "estate.json"
    good.write_text("{}")
    assert snapshot_problem(str(good)) is None
    assert snapshot_problem("  ") is not None
    assert (
        snapshot_problem(str(tmp_path / "nope.json")) == f"{tmp_path / 'nope.json'} does not exist"
    )
    assert snapshot_problem(str(tmp_path)) == f"{tmp_path} is a folder, not a file"


async def test_a_malformed_snapshot_ends_in_a_dialog_and_back_here(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    app = AuditApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConnectScreen")
        screen = connect_screen(app)
        box = screen.query_one("#snapshot-path", Input)
        box.value = str(path)
        box.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ErrorDialog")
        await pilot.pause()  # let the dialog (and the screen beneath) finish mounting
        message = shown(app.screen.query_one(".dialog-body", Static))
        assert "broken.json" in message and "\n" not in message.strip()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        assert screen.query_one("#snapshot-path", Input).value == str(path)
        assert app.session.run is None


# -- Azure -------------------------------------------------------------------------------


async def test_sign_in_lists_subscriptions_and_collect_reaches_the_overview(
    fake: FakeAzure,
) -> None:
    app = AuditApp(live_options=live_options(fake))
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot)
        identity = shown(screen.query_one("#identity", Static))
        assert f"app {fake.client_id}" in identity and fake.tenant_id in identity
        lines = prompts(screen)
        assert len(lines) == 3
        assert any("Contoso Production" in x and SUB1 in x and "Enabled" in x for x in lines)
        assert any("Contoso Development" in x and SUB2 in x for x in lines)
        assert any("Old Sandbox" in x and "Disabled" in x for x in lines)
        # Enabled ones are preselected; the disabled one is shown, not selected.
        listing = screen.query_one("#subscriptions", SelectionList)
        assert sorted(listing.selected) == [SUB1, SUB2]
        assert "2 of 3 selected" in shown(screen.query_one("#selection-count", Static))

        await pilot.press("c")  # the listing has focus; `c` is the screen's Collect
        await wait_loaded(pilot)
        run = app.session.run
        assert run is not None and not run.snapshot.is_demo
        assert {s.subscription_id for s in run.snapshot.subscriptions} == {SUB1, SUB2}
        assert any(r.resource_id.lower().endswith("/containergroups/web") for r in run.results)
        assert type(app.screen).__name__ == "OverviewScreen"
        assert fake.violations == []
        assert {r.method for r in fake.requests} <= {"GET", "POST"}


async def test_collect_takes_only_the_subscriptions_left_selected(fake: FakeAzure) -> None:
    app = AuditApp(live_options=live_options(fake))
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot)
        listing = screen.query_one("#subscriptions", SelectionList)
        listing.deselect(SUB1)
        await pilot.pause()
        assert "1 of 3 selected" in shown(screen.query_one("#selection-count", Static))
        await pilot.click("#collect-button")
        await wait_loaded(pilot)
        assert app.session.run is not None
        assert [s.subscription_id for s in app.session.run.snapshot.subscriptions] == [SUB2]


async def test_nothing_selected_means_no_collection(fake: FakeAzure) -> None:
    app = AuditApp(live_options=live_options(fake))
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot)
        screen.query_one("#subscriptions", SelectionList).deselect_all()
        await pilot.pause()
        assert screen.query_one("#collect-button").disabled
        await pilot.press("c")  # dimmed in the footer: does nothing
        await pilot.pause()
        assert app.screen is screen and screen.check_action("collect", ()) is None
        screen.action_collect()  # however it is reached, it says why not
        await pilot.pause()
        assert app.screen is screen
        assert "at least one subscription" in shown(screen.query_one("#azure-status", Static))


async def test_a_wrong_client_secret_is_one_line_inline(
    fake: FakeAzure, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "not-the-secret-QZX")
    app = AuditApp(live_options=live_options(fake))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConnectScreen")
        screen = connect_screen(app)
        status = screen.query_one("#azure-status", Static)
        await pilot.press("s")
        await wait_for(pilot, lambda: "failed" in shown(status), timeout=30)
        message = shown(status)
        assert "no Azure credential worked" in message
        assert "Invalid client secret" in message
        assert "\n" not in message and "Traceback" not in message
        assert "not-the-secret-QZX" not in message
        assert status.has_class("inline-error")
        assert app.screen is screen  # no dialog, no listing
        assert screen.signed_in is None and not screen.query_one("#subscriptions").display


async def test_changing_the_settings_after_sign_in_asks_for_a_new_one(fake: FakeAzure) -> None:
    app = AuditApp(live_options=live_options(fake))
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot)
        status = screen.query_one("#azure-status", Static)
        tenant = screen.query_one("#tenant", Input)
        tenant.value = "another-tenant"
        await pilot.pause()
        assert screen.signed_in is None
        assert not screen.query_one("#subscriptions").display
        assert "sign in again" in shown(status)

        # A listing that arrives after the fields changed is not shown either.
        tenant.value = ""
        fake.latency = 0.5
        await pilot.click("#sign-in")
        await wait_for(pilot, lambda: bool(fake.calls("^/subscriptions/?$")))
        tenant.value = "changed-meanwhile"
        await wait_for(
            pilot, lambda: all(w.is_finished for w in app.workers if w.group == "signin")
        )
        await pilot.pause()
        assert screen.signed_in is None and "sign in again" in shown(status)


async def test_subscription_names_with_markup_and_controls_render_literally(
    fake: FakeAzure,
) -> None:
    fake.add_subscription(SUB3, HOSTILE)
    app = AuditApp(live_options=live_options(fake))
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot)
        assert any(x.startswith(HOSTILE_SHOWN) and SUB3 in x for x in prompts(screen))
        picture = app.export_screenshot().replace("&#160;", " ")
        assert "[bold]x[/] a[/]b" in picture
        assert "\x1b" not in picture and "␛[31mred" in picture


def test_the_subscription_line_is_plain_text() -> None:
    sub = Subscription(SUB3, display_name=HOSTILE + "\nsecond line", state="Warned")
    line = subscription_prompt(sub)
    assert line.plain == f"{HOSTILE_SHOWN} second line  {SUB3}  Warned — not preselected"
    assert not line.spans or all(
        str(span.style) in ("bold", "dim", "italic") for span in line.spans
    )


async def test_the_command_line_options_prefill_the_form(fake: FakeAzure) -> None:
    app = AuditApp(live_options=replace(live_options(fake), tenant="contoso.example"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConnectScreen")
        screen = connect_screen(app)
        assert screen.query_one("#tenant", Input).value == "contoso.example"
        form = screen.form_options()
        assert form.arm_endpoint == fake.url and form.authority_host == fake.url
        assert form.auth == "env" and form.ca_bundle == str(fake.ca_path)
        assert form.tenant == "contoso.example"
        screen.query_one("#cloud").value = "AzureUSGovernment"  # type: ignore[attr-defined]
        await pilot.pause()
        form = screen.form_options()
        assert form.cloud == "AzureUSGovernment" and form.arm_endpoint is None


async def test_device_code_prompt_is_shown_while_signing_in(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # azure-identity hands the code to the prompt callback from the signing-in thread;
    # in the app it is a toast over the connect screen, never the hidden stderr.
    release = threading.Event()

    def discover(options: LiveOptions) -> tuple[Identity, list[Subscription]]:
        auth._device_prompt("https://login.example/device", "QZX-CODE", None)
        release.wait(10)
        raise CollectionError("device code expired")

    monkeypatch.setattr(connect_module, "discover", discover)
    app = AuditApp(live_options=LiveOptions(auth="device-code"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConnectScreen")
        status = connect_screen(app).query_one("#azure-status", Static)
        await pilot.click("#sign-in")
        await wait_for(pilot, lambda: any("QZX-CODE" in n.message for n in app._notifications))
        (toast,) = [n for n in app._notifications if "QZX-CODE" in n.message]
        assert "https://login.example/device" in toast.message
        assert toast.title == "Azure sign-in"
        release.set()
        await wait_for(pilot, lambda: "device code expired" in shown(status))
    assert "QZX-CODE" not in capsys.readouterr().err


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_every_way_in_fits_the_width(size: tuple[int, int]) -> None:
    app = AuditApp()
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConnectScreen")
        screen = app.screen
        assert screen.has_class("-narrow" if size[0] < 100 else "-wide")
        for selector in ("#demo", "#snapshot-path", "#snapshot-open", "#cloud", "#tenant"):
            widget = screen.query_one(selector)
            widget.focus()
            await pilot.pause()
            assert widget.region.right <= size[0] and widget.region.width >= 8, selector
            assert screen.region.contains_region(widget.region), selector
        for selector in ("#auth", "#sign-in"):
            screen.query_one(selector).focus()
            await pilot.pause()
            assert screen.region.contains_region(screen.query_one(selector).region)
