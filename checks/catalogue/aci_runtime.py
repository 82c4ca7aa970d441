"""Runtime privileges of container groups: ACI-016 … ACI-026 (ACI-027 is with credentials)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from sys import intern  # evidence paths recur on every group: one string each
from typing import Any

from checks.catalogue.aci_parts import (
    ACI_DOCS,
    Container,
    command_text,
    containers,
    group_sku,
    kind_of,
    noun,
    os_type,
    volumes,
)
from checks.catalogue.cce_policy import decode, read_policy, sku_observed
from checks.catalogue.common import MISSING, Resource, api_version_before, get, name
from checks.catalogue.identity_acls import acl_evidence
from checks.catalogue.identity_roles import identity_verdict, principals
from checks.catalogue.image_user import judge_unset
from checks.context import Context
from checks.kinds import ROLE_ASSIGNMENTS
from checks.model import (
    Evidence,
    Outcome,
    Status,
    Target,
    fail,
    not_applicable,
    not_assessed,
    passed,
)
from checks.registry import check

GROUPS = Target.CONTAINER_GROUP
# securityContext is not part of container groups read at older api-versions.
SECURITY_CONTEXT_API = "2023-05-01"
DANGEROUS_CAPS = {"SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH"}
SECURITY_CONTEXT_DOCS = f"{ACI_DOCS}/container-instances-reference-yaml#securitycontextdefinition"


def _security_contexts(group: Resource) -> tuple[tuple[Container, Any], ...]:
    """Each container with its securityContext (MISSING when absent), read once per group."""
    return tuple((c, get(c.props, "securityContext")) for c in containers(group))


def _security_check(
    group: Resource,
    ctx: Context,
    field: str,
    offends: Callable[[Any], bool],
    expected: str,
    fail_text: str,
    pass_text: str,
) -> Outcome:
    """Run one securityContext rule over every container; report each offender."""
    n = name(group)
    api = ctx.index.api_version(kind_of(group), group["id"])
    if api_version_before(api, SECURITY_CONTEXT_API):
        return not_assessed(
            f"{noun(group)} '{n}' was read at api-version {api}, which does not show securityContext."
        )
    bad, evidence, offending = [], [], []
    for c, context in ctx.memo(_security_contexts, group):
        value = get(context, field)
        path = intern(f"{c.path}.properties.securityContext.{field}")
        shown = "<absent>" if value is MISSING else value
        evidence.append(Evidence(path, shown, expected))
        if offends(value):
            bad.append(c.label)
            offending.append(evidence[-1])
    if not evidence:
        return not_assessed(f"{noun(group)} '{n}' lists no container.")
    if bad:
        return fail(f"{noun(group)} '{n}': {fail_text} in {', '.join(bad)}.", *offending)
    return passed(f"{noun(group)} '{n}': {pass_text}.", *evidence)


@check("ACI-016")
def aci_016(group: Resource, ctx: Context) -> Outcome:
    return _security_check(
        group,
        ctx,
        "privileged",
        lambda v: v is True,
        "false or absent",
        "privileged mode",
        "no container is privileged",
    )


@check("ACI-017")
def aci_017(group: Resource, ctx: Context) -> Outcome:
    return _security_check(
        group,
        ctx,
        "allowPrivilegeEscalation",
        lambda v: v is True,
        "false or absent",
        "privilege escalation allowed",
        "no container allows privilege escalation",
    )


@check("ACI-018")
def aci_018(group: Resource, ctx: Context) -> Outcome:
    outcome = _security_check(
        group,
        ctx,
        "capabilities.add",
        lambda v: isinstance(v, list) and bool(v),
        "[] or absent",
        "capabilities added",
        "no container adds capabilities",
    )
    return _name_dangerous(outcome)


def _name_dangerous(outcome: Outcome) -> Outcome:
    """Annotate each offending container's evidence with the dangerous capabilities."""
    evidence = []
    for ev in outcome.evidence:
        caps = ev.observed if isinstance(ev.observed, list) else []
        norm = {str(c).upper().removeprefix("CAP_") for c in caps}
        danger = sorted(norm & DANGEROUS_CAPS)
        note = f"dangerous: {', '.join(danger)}" if danger else ev.note
        evidence.append(Evidence(ev.path, ev.observed, ev.expected, note))
    return Outcome(outcome.status, outcome.message, tuple(evidence))


def _linux_only(group: Resource) -> Outcome | None:
    if os_type(group).lower() == "windows":
        return not_applicable(
            f"{noun(group)} '{name(group)}' runs Windows containers; runAsUser is Linux-only."
        )
    return None


@check("ACI-019")
def aci_019(group: Resource, ctx: Context) -> Outcome:
    if (na := _linux_only(group)) is not None:
        return na
    outcome = _security_check(
        group,
        ctx,
        "runAsUser",
        lambda v: v == 0 and v is not False,
        "a non-zero UID",
        "runs as root (UID 0)",
        "no container runs as UID 0",
    )
    if outcome.status.value == "PASS" and any(ev.observed == "<absent>" for ev in outcome.evidence):
        # Without runAsUser the image decides: only a scan report can say who that is.
        unset = [
            c for c, sc in ctx.memo(_security_contexts, group) if get(sc, "runAsUser") is MISSING
        ]
        if (judged := judge_unset(group, ctx, unset)) is not None:
            return judged
        return not_assessed(
            f"{noun(group)} '{name(group)}': some containers leave runAsUser unset, so the "
            "image's default user applies (see ACI-020).",
            *outcome.evidence,
        )
    return outcome


@check("ACI-020")
def aci_020(group: Resource, ctx: Context) -> Outcome:
    if (na := _linux_only(group)) is not None:
        return na
    return _security_check(
        group,
        ctx,
        "runAsUser",
        lambda v: v is MISSING,
        "an explicit UID",
        "runAsUser not set",
        "every container sets runAsUser",
    )


@check("ACI-021")
def aci_021(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    sku = group_sku(group)
    if sku.lower() != "confidential":
        return not_applicable(
            f"{noun(group)} '{n}' is not a confidential group (sku {sku_observed(group)})."
        )
    policy = get(group, "properties.confidentialComputeProperties.ccePolicy")
    shown = f"<{len(policy)} characters>" if isinstance(policy, str) and policy else "<absent>"
    ev = Evidence("properties.confidentialComputeProperties.ccePolicy", shown, "a CCE policy")
    if not (isinstance(policy, str) and policy.strip()):
        return fail(f"{noun(group)} '{n}' is confidential but has no CCE policy.", ev)
    text = decode(policy)
    if text is None:
        return not_assessed(
            f"{noun(group)} '{n}' has a CCE policy that is not base64 of text; it could not "
            "be read.",
            ev,
        )
    reading = read_policy(text)
    if reading.permissive:
        kind = "allows everything" if reading.allow_all else "turns on debug features"
        return fail(
            f"{noun(group)} '{n}' has a CCE policy that {kind}: {', '.join(reading.permissive)}.",
            Evidence(
                "properties.confidentialComputeProperties.ccePolicy",
                {"allowed unconditionally": list(reading.allow_all), "debug": list(reading.debug)},
                "a policy that pins containers, with debug features off",
                f"decoded: {len(text)} characters of policy",
            ),
        )
    return passed(f"{noun(group)} '{n}' enforces a CCE policy.", ev)


@check("ACI-022")
def aci_022(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    sku = group_sku(group)
    policy = get(group, "properties.confidentialComputeProperties.ccePolicy")
    ev = Evidence("properties.sku", sku_observed(group), "Confidential with a CCE policy")
    if sku.lower() == "confidential" and isinstance(policy, str) and policy.strip():
        text = decode(policy)
        if text is not None and read_policy(text).allow_all:
            return fail(
                f"{noun(group)} '{n}' has a CCE policy that allows every container and command: "
                "no allowlist.",
                ev,
            )
        return passed(f"{noun(group)} '{n}' enforces an allowlist through its CCE policy.", ev)
    return fail(f"{noun(group)} '{n}' enforces no executable allowlist.", ev)


_FETCH = r"\b(?:curl|wget|iwr|invoke-webrequest|irm|invoke-restmethod)\b"
_SHELL = r"\b(?:sh|bash|zsh|ash|dash|ksh|python3?|perl|ruby|node|iex|invoke-expression)\b"
_RUN = rf"(?:&&|;)\s*(?:sudo\s+)?(?:(?:{_SHELL}|chmod\s+\+x)\s+|\./)?"
_END = r"(?=[\s;&|]|$)"
_DOWNLOAD_AND_RUN = re.compile(
    rf"{_FETCH}[^|;&]*\|\s*(?:sudo\s+)?{_SHELL}"  # curl … | sh
    rf"|{_SHELL}\s+(?:-c\s+)?[\"']?\$\(\s*{_FETCH}"  # bash -c "$(curl …)"
    rf"|{_SHELL}\s+<\(\s*{_FETCH}"  # bash <(curl …)
    # curl -o /tmp/i.sh … && sh /tmp/i.sh: the file written is the file run. A fetch
    # followed by an unrelated command (a health probe, then the app) is not a match.
    rf"|{_FETCH}[^|;&]*?\s(?:-\w*[oO]|--output|-outfile)[=\s]\s*(?P<out>[^\s;&|]+)"
    rf"[^;&|]*{_RUN}(?P=out){_END}"
    # wget https://x/i.sh && sh i.sh: the remote name is the file run.
    rf"|{_FETCH}[^|;&]*?/(?P<remote>[\w.-]+){_END}[^;&|]*{_RUN}(?:\S*/)?(?P=remote){_END}",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def _download_and_run(text: str) -> re.Match[str] | None:
    return _DOWNLOAD_AND_RUN.search(text)


@check("ACI-023")
def aci_023(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    bad, evidence, offending = [], [], []
    for c in ctx.memo(containers, group):
        text = command_text(c)
        if text is None:
            continue
        hit = _download_and_run(text)
        evidence.append(
            Evidence(
                intern(f"{c.path}.properties.command"),
                text,
                "no download piped into an interpreter",
                f"matched: {hit.group(0)}" if hit else "",
            )
        )
        if hit:
            bad.append(c.label)
            offending.append(evidence[-1])
    if bad:
        return fail(
            f"{noun(group)} '{n}' downloads and runs code at start in {', '.join(bad)}.", *offending
        )
    if not evidence:
        return passed(
            f"{noun(group)} '{n}' overrides no command; images run their own entrypoints.",
            Evidence(
                "properties.containers[*].properties.command", "<absent>", "no download-and-run"
            ),
        )
    return passed(f"{noun(group)} '{n}' runs no downloaded code at start.", *evidence)


@check("ACI-024")
def aci_024(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    bad, evidence, offending = [], [], []
    # ARM's init-container schema has no `resources`: only regular containers count.
    for c in (c for c in ctx.memo(containers, group) if not c.init):
        limits = get(c.props, "resources.limits")
        evidence.append(
            Evidence(
                intern(f"{c.path}.properties.resources.limits"),
                "<absent>" if limits is MISSING else limits,
                "cpu and memory limits",
            )
        )
        if limits is MISSING or not limits:
            bad.append(c.label)
            offending.append(evidence[-1])
    if not evidence:
        return not_assessed(f"{noun(group)} '{n}' lists no container.")
    if bad:
        return fail(f"{noun(group)} '{n}' sets no resource limits on {', '.join(bad)}.", *offending)
    return passed(f"{noun(group)} '{n}' limits the resources of every container.", *evidence)


@check("ACI-025")
def aci_025(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    held = principals(group)
    if not held:
        return not_applicable(f"{noun(group)} '{n}' has no managed identity.")
    # Checked here, not via `requires`: a group without identity is NOT_APPLICABLE
    # whether or not role assignments could be read.
    reason = ctx.index.missing_reason(ROLE_ASSIGNMENTS, group["id"])
    if reason is not None:
        return not_assessed(f"{noun(group)} '{n}' has a managed identity but {reason}.")
    verdict = identity_verdict(held, ctx)
    acl = acl_evidence(group)  # which containers can use each identity
    # Without identityAcls the evidence is the verdict's own tuple (head and tail are
    # never both set), shared by every group with these identities: the JSON writer
    # encodes it once.
    evidence = (*verdict.head, *acl, *verdict.tail) if acl else verdict.head or verdict.tail
    if verdict.privileged:
        return Outcome(
            Status.FAIL,
            f"{noun(group)} '{n}' runs with privileged roles: {verdict.privileged}.",
            evidence,
        )
    if verdict.unknown:
        return Outcome(
            Status.NOT_ASSESSED,
            f"{noun(group)} '{n}': some role definitions of its identities were not collected.",
            evidence,
        )
    return Outcome(
        Status.PASS, f"{noun(group)} '{n}' identities hold no privileged role.", evidence
    )


@check("ACI-026")
def aci_026(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    shares = {
        v.get("name"): v["azureFile"]
        for _, v in volumes(group)
        if isinstance(v.get("azureFile"), dict)
    }
    if not shares:
        return not_applicable(f"{noun(group)} '{n}' mounts no Azure Files share.")
    bad, evidence, offending = [], [], []
    for c in ctx.memo(containers, group):
        mounts = c.props.get("volumeMounts")
        for i, mount in enumerate(mounts if isinstance(mounts, list) else []):
            if not isinstance(mount, dict) or mount.get("name") not in shares:
                continue
            read_only = (
                mount.get("readOnly") is True or shares[mount["name"]].get("readOnly") is True
            )
            evidence.append(
                Evidence(
                    intern(f"{c.path}.properties.volumeMounts[{i}].readOnly"),
                    mount.get("readOnly", "<absent>"),
                    "true",
                    f"share {mount['name']} at {mount.get('mountPath')}",
                )
            )
            if not read_only:
                bad.append(f"{c.label} → {mount['name']}")
                offending.append(evidence[-1])
    if bad:
        return fail(
            f"{noun(group)} '{n}' mounts Azure Files writable: {', '.join(bad)}.", *offending
        )
    if not evidence:
        return passed(
            f"{noun(group)} '{n}' declares Azure Files volumes but mounts none.",
            Evidence("properties.volumes", list(shares), "read-only mounts"),
        )
    return passed(f"{noun(group)} '{n}' mounts its Azure Files shares read-only.", *evidence)
