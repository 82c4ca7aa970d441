"""is_profile remembers a type string's answer: the answer must stay the spelling's own."""

from __future__ import annotations

from typing import Any

import pytest

from checks.catalogue.aci_parts import is_profile, kind_of, noun
from checks.model import Target


@pytest.mark.parametrize(
    ("rtype", "expected"),
    [
        ("Microsoft.ContainerInstance/containerGroupProfiles", True),
        ("microsoft.containerinstance/CONTAINERGROUPPROFILES", True),
        ("Microsoft.ContainerInstance/containerGroups", False),
        ("Microsoft.ContainerInstance/containerGroupProfiles ", False),
        ("", False),
        (None, False),
        (["Microsoft.ContainerInstance/containerGroupProfiles"], False),
        (1, False),
    ],
)
def test_is_profile_same_answer_every_time(rtype: Any, expected: bool) -> None:
    group = {"type": rtype}
    # The first call may remember the spelling; the later ones read it back.
    assert [is_profile(group) for _ in range(3)] == [expected] * 3
    assert kind_of(group) is (
        Target.CONTAINER_GROUP_PROFILE if expected else Target.CONTAINER_GROUP
    )
    assert noun(group) == ("Container group profile" if expected else "Container group")


def test_is_profile_without_type() -> None:
    assert not is_profile({})
