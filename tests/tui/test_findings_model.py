"""The findings view's text filter: every word must match, and typing on narrows."""

from __future__ import annotations

from aciaudit.run import audit
from aciaudit.sources.demo import DEMO_POLICY, load_demo
from tui.findings_model import Filter, FindingsView, build_rows

ROWS = build_rows(audit(load_demo(), DEMO_POLICY))


def shown(text: str, view: FindingsView | None = None) -> list[str]:
    view = view or FindingsView(ROWS)
    view.filter = Filter(text=text)
    view.refresh()
    return [f"{r.result.check_id} {r.result.resource_id}" for r in view.items]  # type: ignore[union-attr]


def test_every_word_must_match_in_any_column() -> None:
    both = shown("ACI-029 storefront")
    assert both and all(
        line.startswith("ACI-029") and "storefront" in line.lower() for line in both
    )
    assert set(both) == set(shown("ACI-029")) & set(shown("storefront"))
    assert shown("storefront ACI-029") == both  # word order does not matter
    assert shown("ACI-029 no-such-thing") == []


def test_typing_on_narrows_to_what_a_fresh_filter_finds() -> None:
    view = FindingsView(ROWS)
    for text in ("a", "ac", "aci ", "aci s", "aci sto", "aci storefront"):
        assert shown(text, view) == shown(text), text


def test_blank_text_filters_nothing() -> None:
    assert len(shown("   ")) == len(shown(""))
