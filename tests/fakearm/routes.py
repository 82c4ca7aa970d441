"""ARM reads: subscriptions, resource groups, and any stored object or list by path.

Routing follows ARM's own grammar (`{scope}/providers/{namespace}/{type}/{name}/...`,
case-insensitive) rather than a table of URLs, so any provider's GET works as soon as a
test adds objects of that type. The special cases are the ones whose real behaviour is
not "the objects under this path": role assignments (inherited from above), role
definitions (one GUID readable at any scope), and subAssessments (listed from deep below).
"""

from __future__ import annotations

import copy
import re
from typing import Any, Protocol
from urllib.parse import quote, urlencode

from fakearm.errors import Reply, arm_error, no_provider_message, not_found_message
from fakearm.estate import (
    CONTAINER_GROUPS,
    ArmPath,
    Estate,
    Stored,
    list_shape,
    parse,
    scrub_secrets,
    split,
)

Json = dict[str, Any]

ROLE_ASSIGNMENTS = "microsoft.authorization/roleassignments"
ROLE_DEFINITIONS = "microsoft.authorization/roledefinitions"
SUB_ASSESSMENTS = "microsoft.security/assessments/subassessments"
# Lists ARM answers in one `{"value": [...]}` with no nextLink ever.
NOT_PAGED = {
    "microsoft.insights/diagnosticsettings",
    "microsoft.insights/metricalerts",
    "microsoft.security/pricings",
}
# Namespaces whose type names are checked, so a typo in the collector's path gets ARM's
# InvalidResourceType instead of an empty list that looks like "nothing deployed".
KNOWN_TYPES = {
    "microsoft.containerinstance": {
        "containergroups",
        "containergroupprofiles",
        "ngroups",
        "locations",
    },
    "microsoft.containerregistry": {
        "registries",
        "registries/tokens",
        "registries/cacherules",
        "registries/credentialsets",
        "registries/scopemaps",
        "registries/privateendpointconnections",
        "registries/privatelinkresources",
        "registries/replications",
        "registries/webhooks",
        "registries/connectedregistries",
        "registries/agentpools",
        "registries/tasks",
        "registries/runs",
        "registries/taskruns",
        "registries/exportpipelines",
        "registries/importpipelines",
        "registries/pipelineruns",
        "locations",
    },
}


class Config(Protocol):
    """The FakeAzure knobs routes read at request time (tests change them mid-run)."""

    url: str
    tenant_id: str
    page_size: int
    scrub_secrets: bool
    aci_list_env: str
    api_versions: dict[str, list[str]]
    next_link_origin: str | None
    next_link_loop: bool
    next_link_paths: str | None
    group_members: dict[str, set[str]]
    api_version_refusal: tuple[int, str]


class Router:
    def __init__(self, config: Config, estate: Estate) -> None:
        self.config = config
        self.estate = estate

    # -- entry ------------------------------------------------------------------------

    def get(self, path: str, query: dict[str, str], api_version: str | None) -> Reply:
        segments = split(path)
        lowered = [s.lower() for s in segments]
        if lowered == ["subscriptions"]:
            return self.page(list(self.estate.subscriptions.values()), path, query)
        if lowered == ["tenants"]:
            return self.page([self._tenant()], path, query)
        if lowered[:1] == ["subscriptions"]:
            missing = self._missing_scope(segments)
            if missing is not None:
                return missing
            if len(segments) == 2:
                return Reply(200, copy.deepcopy(self.estate.subscriptions[lowered[1]]))
            if lowered[2:] == ["resourcegroups"]:
                return self.page(self.estate.groups_of(segments[1]), path, query)
            if len(segments) == 4 and lowered[2] == "resourcegroups":
                group = self.estate.resource_groups[(lowered[1], lowered[3])]
                return Reply(200, copy.deepcopy(group))
        parsed = parse(path)
        if parsed is None:
            return arm_error(404, "NotFound", f"fakearm: no ARM route for GET {path}")
        return self._provider(path, parsed, query, api_version)

    def _missing_scope(self, segments: list[str]) -> Reply | None:
        """ARM checks the subscription, then the resource group, before the provider."""
        sub = segments[1]
        if not self.estate.has_subscription(sub):
            return arm_error(
                404, "SubscriptionNotFound", f"The subscription '{sub}' could not be found."
            )
        if (
            len(segments) >= 4
            and segments[2].lower() == "resourcegroups"
            and not self.estate.has_resource_group(sub, segments[3])
        ):
            return arm_error(
                404,
                "ResourceGroupNotFound",
                f"Resource group '{segments[3]}' could not be found.",
                headers={"x-ms-failure-cause": "gateway"},
            )
        return None

    # -- provider paths ---------------------------------------------------------------

    def _provider(
        self, path: str, parsed: ArmPath, query: dict[str, str], api_version: str | None
    ) -> Reply:
        kind = parsed.full_type.lower()
        if (refused := self._check_type(parsed, kind, api_version)) is not None:
            return refused
        if kind == ROLE_DEFINITIONS and not parsed.is_collection:
            return self._role_definition(path, parsed)
        if kind == ROLE_ASSIGNMENTS and parsed.is_collection:
            return self._role_assignments(path, parsed, query)
        if kind == "microsoft.security/subassessments" and parsed.is_collection:
            return self._sub_assessments(path, parsed, query)
        if kind == SUB_ASSESSMENTS and parsed.is_collection:
            # SubAssessments_List of one assessment: no assessment object is stored, and
            # a resource Defender never assessed lists nothing.
            items = [copy.deepcopy(i.body) for i in self.estate.collection(path)]
            return self.page(items, path, query)
        if (orphan := self._missing_parent(path, parsed)) is not None:
            return orphan
        if parsed.is_collection:
            items = [self._shape(i, listing=True) for i in self.estate.collection(path)]
            if kind in NOT_PAGED:
                return Reply(200, {"value": items})
            return self.page(items, path, query)
        item = self.estate.get(path)
        if item is None:
            return arm_error(404, "ResourceNotFound", not_found_message(path))
        return Reply(200, self._shape(item, listing=False))

    def _check_type(self, parsed: ArmPath, kind: str, api_version: str | None) -> Reply | None:
        supported = {k.lower(): v for k, v in self.config.api_versions.items()}.get(kind)
        if supported is not None and api_version not in supported:
            status, code = self.config.api_version_refusal
            if code == "NoRegisteredProviderFound":
                message = no_provider_message(parsed.types[-1], api_version, supported)
            else:  # InvalidResourceType (404 in some clouds), InvalidApiVersionParameter
                message = (
                    f"The resource type '{'/'.join(parsed.types)}' could not be found in the "
                    f"namespace '{parsed.namespace}' for api version '{api_version}'. The "
                    f"supported api-versions are '{', '.join(supported)}'."
                )
            return arm_error(status, code, message)
        known = KNOWN_TYPES.get(parsed.namespace.lower())
        if known is None or "/".join(parsed.types).lower() in known:
            return None
        if any(i.parsed.full_type.lower() == kind for i in self.estate.snapshot()):
            return None  # the test added objects of this type: it exists
        return arm_error(
            400,
            "InvalidResourceType",
            f"The resource type '{'/'.join(parsed.types)}' could not be found in the namespace "
            f"'{parsed.namespace}' for api version '{api_version}'.",
        )

    def _missing_parent(self, path: str, parsed: ArmPath) -> Reply | None:
        # A nested type (`registries/x/tokens`) needs its parent resource; an extension
        # (`{resource}/providers/Microsoft.Insights/...`) needs the resource it extends.
        if len(parsed.types) >= 2:
            chain = [p for pair in zip(parsed.types, parsed.names, strict=False) for p in pair]
            parent = f"{parsed.scope}/providers/{parsed.namespace}/" + "/".join(
                chain[: 2 * (len(parsed.types) - 1)]
            )
            if self.estate.get(parent) is None:
                return arm_error(
                    404,
                    "ParentResourceNotFound",
                    "Can not perform requested operation on nested resource. Parent resource "
                    f"'{parent.rsplit('/', 1)[-1]}' not found.",
                )
        scope = parse(parsed.scope)
        if scope is not None and not scope.is_collection and self.estate.get(parsed.scope) is None:
            return arm_error(404, "ResourceNotFound", not_found_message(parsed.scope))
        return None

    def shape(self, item: Stored) -> Json:
        """The body a GET of this object answers."""
        return self._shape(item, listing=False)

    def _shape(self, item: Stored, listing: bool) -> Json:
        """The body as ARM would send it for this kind of read."""
        if item.parsed.full_type.lower() != CONTAINER_GROUPS:
            return copy.deepcopy(item.body)
        body = scrub_secrets(item.body) if self.config.scrub_secrets else copy.deepcopy(item.body)
        return list_shape(body, self.config.aci_list_env) if listing else body

    # -- special cases ----------------------------------------------------------------

    def _role_definition(self, path: str, parsed: ArmPath) -> Reply:
        guid = parsed.names[-1].lower()
        for item in self.estate.snapshot():
            if item.parsed.full_type.lower() == ROLE_DEFINITIONS and (
                item.parsed.names[-1].lower() == guid
            ):
                body = copy.deepcopy(item.body)
                # ARM answers with the id at the scope it was asked at.
                body["id"] = "/" + path.strip("/")
                return Reply(200, body)
        return arm_error(
            404,
            "RoleDefinitionDoesNotExist",
            f"The specified role definition with ID '{parsed.names[-1]}' does not exist.",
        )

    def _role_assignments(self, path: str, parsed: ArmPath, query: dict[str, str]) -> Reply:
        """RoleAssignments_ListForScope: assignments at, above and below the scope;
        `$filter` takes `atScope()`, `principalId eq '<id>'` and `assignedTo('<id>')`;
        `assignedTo` also returns, with the group's principalId, what the principal holds
        through Entra groups it is a member of (`FakeAzure.group_members`), as Learn's
        "List Azure role assignments using the REST API" documents."""
        scope = (parsed.scope or "").lower()
        text = _param(query, "$filter") or ""
        at_scope, principal, transitive = False, None, False
        for clause in (c.strip() for c in re.split(r"\s+and\s+", text, flags=re.I) if c.strip()):
            if re.fullmatch(r"atScope\(\)", clause, re.I):
                at_scope = True
            elif m := re.fullmatch(
                r"(?:principalId\s+eq\s+|assignedTo\()'([^']*)'\)?", clause, re.I
            ):
                principal = m.group(1).lower()
                transitive = clause.lower().startswith("assignedto")
            else:
                return arm_error(
                    400,
                    "UnsupportedQuery",
                    f"fakearm: unsupported $filter clause {clause!r} for role assignments.",
                )
        items = []
        for item in self.estate.snapshot():
            if item.parsed.full_type.lower() != ROLE_ASSIGNMENTS:
                continue
            props = item.body.get("properties") or {}
            where = str(props.get("scope") or item.parsed.scope or "/").rstrip("/").lower()
            above = (
                where in ("", scope) or scope.startswith(where + "/") or "managementgroups" in where
            )
            below = where.startswith(scope + "/")
            if not (above or (below and not at_scope)):
                continue
            holder = str(props.get("principalId", "")).lower()
            if principal and holder != principal:
                members = self.config.group_members.get(holder, set()) if transitive else set()
                if principal not in {m.lower() for m in members}:
                    continue
            items.append(copy.deepcopy(item.body))
        return self.page(items, path, query)

    def _sub_assessments(self, path: str, parsed: ArmPath, query: dict[str, str]) -> Reply:
        prefix = (parsed.scope or "").lower() + "/"
        items = [
            copy.deepcopy(i.body)
            for i in self.estate.snapshot()
            if i.parsed.full_type.lower() == SUB_ASSESSMENTS
            and i.route_id.lower().startswith(prefix)
        ]
        return self.page(items, path, query)

    def _tenant(self) -> Json:
        tid = self.config.tenant_id
        return {
            "id": f"/tenants/{tid}",
            "tenantId": tid,
            "tenantCategory": "Home",
            "countryCode": "US",
            "displayName": "Fake Tenant",
            "domains": ["fake.onmicrosoft.com"],
            "defaultDomain": "fake.onmicrosoft.com",
            "tenantType": "AAD",
        }

    # -- paging -----------------------------------------------------------------------

    def page(self, items: list[Json], path: str, query: dict[str, str]) -> Reply:
        """`{"value": [...], "nextLink": <absolute, to this server>}`: the link keeps the
        request's query (api-version included, as ARM's do) plus `$skiptoken`."""
        try:
            start = int(_param(query, "$skiptoken") or 0)
        except ValueError:
            return arm_error(400, "InvalidSkipToken", "The skip token is invalid.")
        size = max(1, int(self.config.page_size))
        body: Json = {"value": items[start : start + size]}
        if start + size < len(items):
            params = {k: v for k, v in query.items() if k.lower() != "$skiptoken"}
            bent = self.config.next_link_paths is None or bool(
                re.search(self.config.next_link_paths, path, re.IGNORECASE)
            )
            # A looping service links every page back to the first one.
            loop = bent and self.config.next_link_loop
            params["$skiptoken"] = str(0 if loop else start + size)
            encoded = urlencode(params, quote_via=quote, safe="$'()")
            origin = (self.config.next_link_origin if bent else None) or self.config.url
            body["nextLink"] = f"{origin}{quote(path)}?{encoded}"
        return Reply(200, body)


def _param(query: dict[str, str], name: str) -> str | None:
    """Query keys are case-insensitive in ARM (`$skipToken`, `$skiptoken`)."""
    return next((v for k, v in query.items() if k.lower() == name.lower()), None)
