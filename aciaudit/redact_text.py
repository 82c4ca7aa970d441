"""Redaction of one text: each secret span found in it becomes its marker, the rest stays.
Shared by the container-group pass (`redact_group`) and the walk over every string
(`redact`)."""

from __future__ import annotations

import json
import re

from aciaudit.secrets import find_secrets, is_arm_id, make_marker
from checks.secret_markers import parse_marker


def redact_text(text: str) -> str:
    """`text` with each secret span inside it replaced by its marker; the rest unchanged."""
    # Only the entropy rule misreads an id's segments; a token pasted into a name
    # (`…/sites/ghp_…`) is still found by its own detector.
    spans = find_secrets(text, arm_id=is_arm_id(text))
    return apply_spans(text, [(span.start, span.end, span.detector) for span in spans])


def apply_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    """`text` with each (start, end, detector) span, in order and disjoint, made a marker.

    A span that stops right before a letter or digit (base64 padding then more of the
    token: `…==8dxe3Cu0`) takes that run in too: the rest of the word is the secret's,
    and a marker glued to hex digits would not read as a marker on a second pass."""
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for start, end, detector in spans:
        if start < last:  # the previous span took this one's beginning in
            start = last
            if start >= end:
                continue
        if end < len(text) and text[end].isascii() and text[end].isalnum():
            found = _WORD_TAIL.match(text, end)
            end = found.end() if found else end
        parts += [text[last:start], mark(text[start:end], detector)]
        last = end
    parts.append(text[last:])
    return "".join(parts)


_WORD_TAIL = re.compile(r"[A-Za-z0-9]+")


def mark(text: str, detector: str) -> str:
    return text if parse_marker(text) is not None else make_marker(text, detector)


def as_text(value: object) -> str:
    # Numbers and stray objects are hashed as their JSON text, so a marker's length and
    # digest match what the snapshot file showed.
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)
