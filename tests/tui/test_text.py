"""keep_tail: references cut at the front, where registry hosts repeat."""

from __future__ import annotations

from rich.cells import cell_len

from tui.text import keep_tail, short_reference


def test_keep_tail_cuts_the_front_and_fits_the_width() -> None:
    image = "fabrikamprod.azurecr.io/storefront/web:2.14.1"
    assert keep_tail(image, 60) == image
    cut = keep_tail(image, 20)
    assert cut.startswith("…") and image.endswith(cut[1:]) and cell_len(cut) == 20
    wide = keep_tail("registry/イメージ:1", 8)  # double-width characters still fit
    assert cell_len(wide) <= 8 and wide.endswith(":1")


def test_short_reference_shortens_a_digest_before_cutting() -> None:
    ref = "docker.io/keycloak/keycloak@sha256:" + "347a0d748d05" + "a" * 52
    assert short_reference(ref, 80) == "docker.io/keycloak/keycloak@sha256:347a0d748d05…"
    assert short_reference(ref, 30) == "keycloak/keycloak@347a0d74…"
    prod = "fabrikamprod.azurecr.io/orders/api@sha256:2246cff4b40456b9c6f064e162370e5e9d0"
    assert short_reference(prod, 20) == "orders/api@2246cff4…"
    assert short_reference("fabrikamprod.azurecr.io/storefront/web:2.14.1", 18) == (
        "…efront/web:2.14.1"
    )
    assert short_reference("nginx:latest", 30) == "nginx:latest"
