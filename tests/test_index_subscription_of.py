"""The index's quick subscription reading agrees with `arm_id.parse` on any id."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from checks import arm_id
from checks.index import _subscription_of

segments = st.sampled_from(
    ["", "subscriptions", "Subscriptions", "SUBSCRIPTIONS", "s-1", "resourceGroups", "rg", "x y"]
)


@settings(max_examples=500, deadline=None)
@given(parts=st.lists(segments, max_size=6), lead=st.sampled_from(["/", "", "//"]))
def test_same_subscription_as_parse(parts: list[str], lead: str) -> None:
    rid = lead + "/".join(parts)
    assert _subscription_of(rid) == arm_id.parse(rid).subscription


def test_usual_and_unusual_ids() -> None:
    for rid, sub in [
        ("/subscriptions/abc/resourceGroups/rg", "abc"),
        ("/Subscriptions/ABC", "ABC"),
        ("/subscriptions/", None),
        ("/subscriptions//abc/x", "abc"),
        ("/providers/Microsoft.Management/managementGroups/m", None),
    ]:
        assert _subscription_of(rid) == sub == arm_id.parse(rid).subscription
