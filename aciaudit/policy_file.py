"""The policy file, `aci-audit.toml`: read and validated into `checks.policy.Policy`,
and edited in place for the app (comments and layout kept, written atomically).

Every problem is reported with the file, the line, the key and what is wrong, all of
them at once, so a user fixes the file in one go.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.items import AoT
from tomlkit.toml_document import TOMLDocument

from aciaudit.atomic import write_text_atomic
from aciaudit.policy_lines import KeyPath as Path_
from aciaudit.policy_lines import locate
from aciaudit.reading import InputError, input_problem, read_input
from aciaudit.run import PolicyFileInfo
from checks.catalogue import load_catalogue
from checks.model import Severity, Status
from checks.policy import ATTESTABLE, Attestation, Policy, Suppression
from checks.registry import Catalogue

DEFAULT_NAME = "aci-audit.toml"
TOP_KEYS = (
    "approved_registries",
    "approved_images",
    "severity",
    "disabled",
    "suppressions",
    "attestations",
    "classification",
)
# The longest classification line a report cover shows.
CLASSIFICATION_MAX = 200
SUPPRESSION_KEYS = ("check", "resource", "justification", "expires", "author")
ATTESTATION_KEYS = ("status", "note", "by", "date")


@dataclass(frozen=True)
class PolicyIssue:
    line: int | None
    key: str
    message: str


class PolicyError(Exception):
    """An unreadable or invalid policy file; one line per problem, exit code 2."""

    def __init__(self, path: str, issues: Sequence[PolicyIssue]) -> None:
        self.path = path
        self.issues = list(issues)
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = []
        for issue in self.issues:
            where = f"{self.path}:{issue.line}" if issue.line else self.path
            key = f"{issue.key}: " if issue.key else ""
            lines.append(f"{where}: {key}{issue.message}")
        return "\n".join(lines)


@dataclass(frozen=True)
class LoadedPolicy:
    policy: Policy
    info: PolicyFileInfo


def find_policy(explicit: Path | None, folder: Path | None = None) -> Path | None:
    """`--policy FILE` when given (it must exist), else `aci-audit.toml` in the working
    folder when there is one, else None."""
    if explicit is not None:
        problem = input_problem(explicit)  # a file, `-` or a FIFO is read (aciaudit.reading)
        if problem is not None:
            reason = "no such policy file" if problem == "no such file" else problem
            raise PolicyError(str(explicit), [PolicyIssue(None, "", reason)])
        return explicit
    candidate = (folder or Path.cwd()) / DEFAULT_NAME
    return candidate if candidate.is_file() else None


def load_policy(path: Path, catalogue: Catalogue | None = None) -> LoadedPolicy:
    try:
        raw = read_input(path, "a policy file")
    except InputError as exc:
        reason = str(exc).removeprefix(f"{path}: ")
        raise PolicyError(str(path), [PolicyIssue(None, "", reason)]) from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # Windows editors add a BOM
    except UnicodeDecodeError:
        raise PolicyError(str(path), [PolicyIssue(None, "", "not UTF-8 text")]) from None
    policy = parse_policy(text, str(path), catalogue)
    return LoadedPolicy(policy, PolicyFileInfo(str(path), hashlib.sha256(raw).hexdigest()))


def parse_policy(text: str, name: str = DEFAULT_NAME, catalogue: Catalogue | None = None) -> Policy:
    return _Validator(text, name, catalogue or load_catalogue()).policy(_parse(text, name))


def _parse(text: str, name: str) -> TOMLDocument:
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.TOMLKitError as exc:
        message = re.sub(r" at line \d+ col \d+$", "", str(exc))
        line = getattr(exc, "line", None)
        raise PolicyError(name, [PolicyIssue(line, "", f"not valid TOML: {message}")]) from None


# -- validation --------------------------------------------------------------------


class _Validator:
    def __init__(self, text: str, name: str, catalogue: Catalogue) -> None:
        self.text = text
        self.name = name
        self.catalogue = catalogue
        self.issues: list[PolicyIssue] = []

    def error(self, path: Path_, message: str) -> None:
        self.issues.append(PolicyIssue(locate(self.text, path), _key_text(path), message))

    def policy(self, doc: TOMLDocument) -> Policy:
        data: dict[str, Any] = doc.unwrap()
        for key in data:
            if key not in TOP_KEYS:
                self.error((key,), f"unknown key; expected one of {', '.join(TOP_KEYS)}")
        policy = Policy(
            approved_registries=self.patterns(data, "approved_registries"),
            approved_images=self.patterns(data, "approved_images"),
            severity=self.severities(data.get("severity")),
            disabled=frozenset(self.disabled(data.get("disabled"))),
            suppressions=self.suppressions(data.get("suppressions")),
            attestations=self.attestations(data.get("attestations")),
            classification=self.classification(data.get("classification")),
        )
        if self.issues:
            raise PolicyError(self.name, self.issues)
        return policy

    def classification(self, value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str) or "\n" in value or len(value) > CLASSIFICATION_MAX:
            self.error(
                ("classification",),
                f"expected one line of text (at most {CLASSIFICATION_MAX} characters), "
                'e.g. "CONFIDENTIAL — Contoso Ltd"',
            )
            return ""
        return value.strip()

    def patterns(self, data: dict[str, Any], key: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error((key,), 'expected a list of glob patterns, e.g. ["*.azurecr.io"]')
            return ()
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error((key, i), f"entry {i + 1}: expected a non-empty string")
            else:
                out.append(item.strip())
        return tuple(out)

    def known_check(self, path: Path_, check_id: Any) -> str | None:
        if not isinstance(check_id, str) or self.catalogue.get(check_id.upper()) is None:
            self.error(path, f"unknown check id {check_id!r} (see `aci-audit checks`)")
            return None
        return check_id.upper()

    def severities(self, value: Any) -> dict[str, Severity]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(
                ("severity",), 'expected a table of check id = severity, e.g. "ACI-020" = "high"'
            )
            return {}
        out: dict[str, Severity] = {}
        names = ", ".join(s.value for s in Severity)
        for check_id, sev in value.items():
            key = self.known_check(("severity", check_id), check_id)
            if key is None:
                continue
            chosen = next((s for s in Severity if isinstance(sev, str) and sev.lower() == s), None)
            if chosen is None:
                self.error(("severity", check_id), f"expected one of {names}, got {sev!r}")
            else:
                out[key] = chosen
        return out

    def disabled(self, value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(("disabled",), 'expected a list of check ids, e.g. ["ACI-022"]')
            return []
        out = [self.known_check(("disabled", i), item) for i, item in enumerate(value)]
        return [c for c in out if c]

    def suppressions(self, value: Any) -> tuple[Suppression, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(("suppressions",), "expected an array of tables: [[suppressions]]")
            return ()
        out = []
        for i, entry in enumerate(value):
            rule = self.suppression(i, entry)
            if rule is not None:
                out.append(rule)
        return tuple(out)

    def suppression(self, i: int, entry: Any) -> Suppression | None:
        here: Path_ = ("suppressions", i)
        if not isinstance(entry, dict):
            self.error(here, "expected a table with check, resource, justification, expires")
            return None
        before = len(self.issues)
        for key in entry:
            if key not in SUPPRESSION_KEYS:
                self.error((*here, key), f"unknown key; expected {', '.join(SUPPRESSION_KEYS)}")
        check = self.text_field(here, entry, "check")
        if check and not any(_glob_matches(check, c.id) for c in self.catalogue):
            self.error((*here, "check"), f"{check!r} matches no check id (see `aci-audit checks`)")
        resource = self.text_field(here, entry, "resource")
        justification = self.text_field(here, entry, "justification")
        expires = self.date_field(here, entry, "expires")
        author = entry.get("author", "")
        if not isinstance(author, str):
            self.error((*here, "author"), "expected a string")
        if len(self.issues) > before:
            return None
        assert check and resource and justification and expires
        return Suppression(check, resource, justification, expires, str(author).strip())

    def attestations(self, value: Any) -> dict[str, Attestation]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(("attestations",), "expected tables: [attestations.MAN-001]")
            return {}
        out = {}
        for check_id, entry in value.items():
            here: Path_ = ("attestations", check_id)
            chk = self.catalogue.get(str(check_id).upper())
            if chk is None or not chk.is_manual:
                self.error(here, "only manual items (MAN-001 … MAN-006) can be attested")
                continue
            attestation = self.attestation(here, chk.id, entry)
            if attestation is not None:
                out[chk.id] = attestation
        return out

    def attestation(self, here: Path_, check_id: str, entry: Any) -> Attestation | None:
        if not isinstance(entry, dict):
            self.error(here, "expected a table with status, note, by, date")
            return None
        before = len(self.issues)
        for key in entry:
            if key not in ATTESTATION_KEYS:
                self.error((*here, key), f"unknown key; expected {', '.join(ATTESTATION_KEYS)}")
        choices = ", ".join(s.value.lower() for s in ATTESTABLE)
        raw = self.text_field(here, entry, "status")
        status = next((s for s in ATTESTABLE if raw and raw.upper() == s.value), None)
        if raw and status is None:
            self.error((*here, "status"), f"expected one of {choices}, got {raw!r}")
        note = self.text_field(here, entry, "note")
        by = self.text_field(here, entry, "by")
        on = self.date_field(here, entry, "date")
        if len(self.issues) > before:
            return None
        assert status and note and by and on
        return Attestation(check_id, status, note, by, on)

    def text_field(self, here: Path_, entry: dict[str, Any], key: str) -> str | None:
        value = entry.get(key)
        if value is None:
            self.error(here, f"missing required key '{key}'")
            return None
        if not isinstance(value, str) or not value.strip():
            self.error((*here, key), "expected a non-empty string")
            return None
        return value.strip()

    def date_field(self, here: Path_, entry: dict[str, Any], key: str) -> date | None:
        value = entry.get(key)
        if value is None:
            self.error(here, f"missing required key '{key}' (a date, e.g. 2026-12-31)")
            return None
        parsed = _as_date(value)
        if parsed is None:
            self.error((*here, key), f"expected a date like 2026-12-31, got {value!r}")
        return parsed


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return date(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _glob_matches(pattern: str, check_id: str) -> bool:
    return Suppression(pattern, "*", "-", date.max).matches_check(check_id)


def _key_text(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# -- editing from the app: comments and layout kept, written atomically -------------


def _edit(path: Path, change: Callable[[TOMLDocument], None]) -> None:
    """Apply `change` to the document, refuse a result that does not validate, and
    replace the file atomically."""
    text = path.read_text("utf-8") if path.exists() else ""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    doc = _parse(text.removeprefix(bom), str(path))
    try:
        change(doc)
    except (tomlkit.exceptions.TOMLKitError, TypeError, ValueError, AttributeError) as exc:
        # A layout the edit does not know (e.g. suppressions as an inline array).
        issue = PolicyIssue(None, "", f"cannot edit this file's layout ({exc}); edit it by hand")
        raise PolicyError(str(path), [issue]) from None
    new_text = doc.as_string()
    parse_policy(new_text, str(path))  # never write a file the next load would reject
    write_text_atomic(path, bom + new_text)


def add_suppression(
    path: Path,
    check: str,
    resource: str,
    justification: str,
    expires: date,
    author: str = "",
) -> None:
    def change(doc: TOMLDocument) -> None:
        table = tomlkit.table()
        table.add("check", check)
        table.add("resource", resource)
        table.add("justification", justification)
        table.add("expires", expires)
        if author:
            table.add("author", author)
        table.add(tomlkit.nl())  # a blank line before whatever follows
        if "suppressions" not in doc:
            doc.add("suppressions", tomlkit.aot())
        rules = doc["suppressions"]
        if isinstance(rules, AoT):
            rules.append(table)
        else:  # written as an inline array: add an inline table in the same style
            inline = tomlkit.inline_table()
            inline.update({k: v for k, v in table.items() if v is not None})
            rules.append(inline)

    _edit(path, change)


def remove_suppression(path: Path, check: str, resource: str) -> bool:
    """Remove every suppression with exactly this check and resource pattern; False when
    there was none."""
    removed = False

    def change(doc: TOMLDocument) -> None:
        nonlocal removed
        rules = doc.get("suppressions")
        if rules is None:
            return
        for i in reversed(range(len(rules))):
            if rules[i].get("check") == check and rules[i].get("resource") == resource:
                del rules[i]
                removed = True
        if not len(rules):
            del doc["suppressions"]

    _edit(path, change)
    return removed


def set_attestation(
    path: Path, check_id: str, status: Status, note: str, by: str, on: date
) -> None:
    def change(doc: TOMLDocument) -> None:
        if "attestations" not in doc:
            doc.add("attestations", tomlkit.table(is_super_table=True))
        attestations = doc["attestations"]
        entry = tomlkit.table()
        entry.add("status", status.value.lower())
        entry.add("note", note)
        entry.add("by", by)
        entry.add("date", on)
        if check_id in attestations:
            old = attestations[check_id]
            for key in list(old.keys()):
                del old[key]
            for key, value in entry.items():
                old[key] = value
        else:
            attestations[check_id] = entry

    _edit(path, change)


# -- what a front end needs: the policy for a run, and what to warn about -----------


@dataclass(frozen=True)
class PolicyChoice:
    """The policy a run uses, the file it came from and the file edits go to."""

    policy: Policy
    info: PolicyFileInfo | None
    path: Path  # where the app writes suppressions and attestations (may not exist yet)


def resolve_policy(
    explicit: Path | None, demo: bool = False, folder: Path | None = None
) -> PolicyChoice:
    """`--policy FILE`, else `./aci-audit.toml`, else none. The demo keeps its approved
    lists unless the file sets its own."""
    found = find_policy(explicit, folder)
    base = None
    if demo:
        from aciaudit.sources.demo import DEMO_POLICY

        base = DEMO_POLICY
    policy, info = policy_with_base(found, base, streams=True)
    return PolicyChoice(policy, info, found or (folder or Path.cwd()) / DEFAULT_NAME)


def policy_with_base(
    path: Path | None, base: Policy | None = None, streams: bool = False
) -> tuple[Policy, PolicyFileInfo | None]:
    """The policy file at `path` when it exists (else an empty policy), with `base`'s
    approved lists where the file sets none (the demo ships its own). With `streams`,
    `-`, a FIFO or a device is read too: the command line reads its policy once (the
    app reads it again on every load and edit, so it keeps to files)."""
    policy, info = Policy(), None
    if path is not None and (input_problem(path) is None if streams else path.is_file()):
        loaded = load_policy(path)
        policy, info = loaded.policy, loaded.info
    if base is not None:
        policy = replace(
            policy,
            approved_registries=policy.approved_registries or base.approved_registries,
            approved_images=policy.approved_images or base.approved_images,
        )
    return policy, info
