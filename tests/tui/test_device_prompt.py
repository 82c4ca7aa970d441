"""Device-code sign-in instructions reach the screen, not the hidden stderr."""

from __future__ import annotations

import threading

from conftest import SIZE, wait_for, wait_loaded

from aciaudit.sources.azure import auth, prompts
from aciaudit.sources.choice import demo_source
from tui.app import AuditApp


async def test_device_code_instructions_show_in_the_app(capsys) -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        # azure-identity calls the prompt from the thread that signs in.
        thread = threading.Thread(
            target=auth._device_prompt,
            args=("https://microsoft.com/devicelogin", "F7KQ2ZP9X", None),
        )
        thread.start()  # not joined here: it waits for the loop to show the message
        await wait_for(pilot, lambda: bool(app._notifications))
        thread.join(5)
        shown = " ".join(n.message + n.title for n in app._notifications)
        assert "F7KQ2ZP9X" in shown and "https://microsoft.com/devicelogin" in shown
    assert prompts.route is None  # the command line gets stderr back
    assert "F7KQ2ZP9X" not in capsys.readouterr().err
