"""FakeAzure: one HTTPS server on loopback playing both ARM and Entra ID.

azure-core refuses to send a bearer token over plain http, so the server speaks TLS with a
throwaway trustme CA whose PEM the clients get as `connection_verify`. Every ARM request is
recorded (never its Authorization header); Entra requests are only counted, because the
token form carries the client secret.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import shutil
import socket
import ssl
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import trustme

from fakearm import entra, graph
from fakearm.errors import DEFAULT_CODES, FailRule, Reply, arm_error, default_message
from fakearm.estate import Estate, subscription_of
from fakearm.examples import load_example
from fakearm.routes import Router

Json = dict[str, Any]

GRAPH_PATH = "/providers/microsoft.resourcegraph/resources"
# Audiences ARM accepts (its own error message lists these four).
PUBLIC_AUDIENCES = {
    "https://management.core.windows.net/",
    "https://management.core.windows.net",
    "https://management.azure.com/",
    "https://management.azure.com",
}


@dataclass(slots=True)
class Request:
    """One ARM request as the fake saw it. No headers but the User-Agent are kept: the
    Authorization header is a credential."""

    method: str
    path: str
    query: dict[str, str]
    api_version: str | None
    user_agent: str | None
    body_json: Any = None
    status: int = 0  # filled in once answered
    received: float = 0.0  # time.monotonic() when it arrived
    seconds: float = 0.0  # how long the answer took, `latency` included


@dataclass(frozen=True, slots=True)
class Violation:
    """A write or credential-revealing call the read-only auditor must never make."""

    method: str
    path: str
    api_version: str | None
    user_agent: str | None


@dataclass(frozen=True, slots=True)
class EntraRequest:
    method: str
    path: str  # the form body is never kept


@dataclass(slots=True)
class _GraphQuota:
    """Resource Graph's per-user budget: 15 queries per 5-second window."""

    limit: int = 15
    window: float = 5.0
    started: float = 0.0
    used: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def spend(self) -> tuple[int, str]:
        with self.lock:
            now = time.monotonic()
            if now - self.started >= self.window:
                self.started, self.used = now, 0
            self.used += 1
            left = max(0.0, self.window - (now - self.started))
        return max(self.limit - self.used, 0), time.strftime("%H:%M:%S", time.gmtime(left))


class FakeAzure:
    """ARM + Entra on `https://127.0.0.1:<port>`; use as a context manager.

    Seed: `add_subscription`, `add_resource_group`, `add(body, route_id=None)`,
    `add_example(relpath)`. Break: `fail(pattern, status, code, ...)`, `clear_failures()`.
    Knobs (read per request): `page_size`, `graph_page_size`, `scrub_secrets`,
    `aci_list_env`, `api_versions`, `arm_audiences`, `latency`, `graph_denied`
    (`deny_graph_table`), `graph_fault`, `graph_quota()`, `next_link_origin`,
    `next_link_loop`. Observe: `requests`,
    `calls(pattern)`, `violations`, `entra_requests`, `token_requests`, `issued_tokens`,
    `objects()`. Raw tests: `issue_token()`.
    """

    def __init__(
        self,
        tenant_id: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> None:
        self.tenant_id = tenant_id or str(uuid.uuid4())
        self.client_id = client_id or str(uuid.uuid4())
        # Shaped like an Entra secret value (`xxx8Q~...`), so redaction tests see one.
        self.client_secret = (
            client_secret or f"{secrets.token_hex(2)[:3]}8Q~{secrets.token_urlsafe(30)[:34]}"
        )
        # Knobs tests may change at any time.
        self.page_size = 50
        self.graph_page_size = 1000
        self.scrub_secrets = True  # drop what ARM never returns (secureValue, keys, ...)
        self.aci_list_env = "omit"  # or "empty": env vars in container-group lists
        self.api_versions: dict[str, list[str]] = {}  # type -> the only versions served
        # How a version outside `api_versions` is refused: (status, ARM error code).
        self.api_version_refusal: tuple[int, str] = (400, "NoRegisteredProviderFound")
        # Resource Graph tables the identity may not query: table -> (status, code).
        self.graph_denied: dict[str, tuple[int, str]] = {}
        # A misbehaving Resource Graph (graph.FAULTS): every answer is bent that way.
        self.graph_fault: str | None = None
        # Property names Resource Graph rows leave out (a GET still has them).
        self.graph_row_omits: set[str] = set()
        # Misbehaving pagers: nextLinks to another origin (scheme://host:port), or
        # every page linking to the same next page.
        self.next_link_origin: str | None = None
        self.next_link_loop = False
        self.next_link_paths: str | None = None  # only lists whose path matches (re)
        # Entra groups: group objectId (lower case) -> member principalIds.
        self.group_members: dict[str, set[str]] = {}
        self.arm_audiences: set[str] = set(PUBLIC_AUDIENCES)
        # Seconds every ARM request waits before it is answered (a WAN round trip to ARM
        # is 20-100 ms); the handler thread sleeps, so concurrent requests overlap.
        self.latency = 0.0
        # What happened.
        self.requests: list[Request] = []
        self.violations: list[Violation] = []
        self.entra_requests: list[EntraRequest] = []
        self.object_id = str(uuid.uuid4())  # the service principal's object id (`oid`)
        self.url = ""
        self.ca_path = ""
        self._estate = Estate(self.tenant_id)
        self._router = Router(self, self._estate)
        self._rules: list[FailRule] = []
        self._lock = threading.Lock()
        self._reads: dict[str, int] = {}
        self._quota = _GraphQuota()
        self._server: _TlsServer | None = None
        self._thread: threading.Thread | None = None
        self._tmp: str | None = None
        self._entra: entra.Entra | None = None

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> FakeAzure:
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(context)
        self._tmp = tempfile.mkdtemp(prefix="fakearm-")
        ca_file = Path(self._tmp) / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        self.ca_path = str(ca_file)
        self._server = _TlsServer(("127.0.0.1", 0), _Handler, context, self)
        self.url = f"https://127.0.0.1:{self._server.server_address[1]}"
        self._entra = entra.Entra(
            self.url, self.tenant_id, self.client_id, self.client_secret, self.object_id
        )
        # The fake's own URL is also a valid audience: a custom cloud whose audience
        # defaults to its ARM endpoint (as the collector's does) must work.
        self.arm_audiences |= {self.url, self.url + "/"}
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="fakearm", daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> FakeAzure:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sign_in_env(self, monkeypatch: Any) -> None:
        """The service principal in the environment, as EnvironmentCredential reads it."""
        monkeypatch.setenv("AZURE_TENANT_ID", self.tenant_id)
        monkeypatch.setenv("AZURE_CLIENT_ID", self.client_id)
        monkeypatch.setenv("AZURE_CLIENT_SECRET", self.client_secret)

    # -- seeding ------------------------------------------------------------------------

    def add_subscription(
        self,
        sub_id: str,
        display_name: str,
        state: str = "Enabled",
        tenant_id: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Json:
        return self._estate.add_subscription(sub_id, display_name, state, tenant_id, tags)

    def add_resource_group(self, sub_id: str, name: str, location: str = "westus") -> Json:
        return self._estate.add_resource_group(sub_id, name, location)

    def add(self, resource: Json, route_id: str | None = None) -> Json:
        """Any ARM object with an `id` (and `type`); served at its id, listed under its
        parent path. Adding implies its subscription and resource group exist."""
        return self._estate.add(resource, route_id)

    def add_example(self, relpath: str, status: str = "200") -> list[Json]:
        """Add every object of an example body (each `value` item of a list)."""
        body = load_example(relpath, status)
        items = body["value"] if isinstance(body, dict) and "value" in body else [body]
        return [self.add(item) for item in items]

    @staticmethod
    def load_example(relpath: str, status: str = "200") -> Any:
        return load_example(relpath, status)

    def fail(
        self,
        pattern: str,
        status: int = 403,
        code: str | None = None,
        message: str | None = None,
        method: str | None = "GET",
        times: int | None = None,
        retry_after: int | None = None,
        headers: dict[str, str] | None = None,
        api_version: str | None = None,
        after: int = 0,
        stall: float = 0.0,
    ) -> FailRule:
        """ARM requests whose path (no query) matches `pattern` (re.search, ignoring case
        like ARM) answer `{"error": {code, message}}`; `method=None` matches any method,
        `times=N` only the first N, `after=N` lets the first N through, `api_version`
        only requests at that version, `stall` waits that many seconds first."""
        extra = dict(headers or {})
        if retry_after is not None:
            extra["Retry-After"] = str(retry_after)
        rule = FailRule(
            re.compile(pattern, re.IGNORECASE),
            status,
            code or DEFAULT_CODES.get(status, f"Http{status}"),
            message,
            method,
            times,
            retry_after,
            extra,
            api_version,
            after=after,
            stall=stall,
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear_failures(self) -> None:
        with self._lock:
            self._rules.clear()

    def issue_token(self, audience: str = "https://management.azure.com") -> str:
        """A valid bearer token, for raw HTTP tests that skip azure-identity."""
        assert self._entra is not None, "start the server first"
        return self._entra.issue(audience)

    @property
    def token_requests(self) -> int:
        return self._entra.token_requests if self._entra else 0

    @property
    def issued_tokens(self) -> list[str]:
        """Every access token handed out so far: leak tests look for them in outputs."""
        if self._entra is None:
            return []
        with self._entra._lock:
            return list(self._entra.issued)

    def objects(self) -> list[Json]:
        """Every stored object as a GET of it answers (secrets scrubbed while
        `scrub_secrets` is on), in the order added: the estate itself, for a test that
        wants the results a complete and faithful collection must give."""
        return [self._router.shape(item) for item in self._estate.snapshot()]

    def calls(self, pattern: str, method: str | None = None) -> list[Request]:
        """Recorded ARM requests whose path matches `pattern` (re.search, any case)."""
        rx = re.compile(pattern, re.IGNORECASE)
        return [
            r
            for r in list(self.requests)
            if rx.search(r.path) and (method is None or r.method == method.upper())
        ]

    # -- dispatch (handler threads) -------------------------------------------------------

    def _dispatch(self, method: str, target: str, headers: Any, body: bytes) -> Reply:
        parts = urlsplit(target)
        path = unquote(parts.path) or "/"
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        assert self._entra is not None
        if entra.is_entra(path):
            with self._lock:
                self.entra_requests.append(EntraRequest(method, path))
            return self._entra.handle(method, path, query, body)
        api_version = next((v for k, v in query.items() if k.lower() == "api-version"), None)
        is_graph = method == "POST" and path.rstrip("/").lower() == GRAPH_PATH
        received = time.monotonic()
        record = Request(
            method,
            path,
            query,
            api_version,
            headers.get("User-Agent"),
            _json_or_none(body) if is_graph else None,
            received=received,
        )
        with self._lock:
            self.requests.append(record)
        if self.latency > 0:
            time.sleep(self.latency)
        reply = self._answer(method, path, query, api_version, headers, body, is_graph)
        record.status = reply.status
        record.seconds = time.monotonic() - received
        reply.headers = {**self._arm_headers(path, is_graph), **reply.headers}
        return reply

    def _answer(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        api_version: str | None,
        headers: Any,
        body: bytes,
        is_graph: bool,
    ) -> Reply:
        if method not in ("GET", "HEAD") and not is_graph:
            with self._lock:
                self.violations.append(
                    Violation(method, path, api_version, headers.get("User-Agent"))
                )
            return arm_error(
                403,
                "ReadOnlyGuard",
                f"fakearm: the auditor is read-only; refused {method} {path}",
            )
        denied = self._authenticate(headers.get("Authorization"))
        if denied is not None:
            return denied
        injected = self._injected(method, path, api_version)
        if injected is not None:
            return injected
        if not api_version:
            return arm_error(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
        if is_graph and (refused := self._graph_refusal(body, api_version)) is not None:
            return refused
        if is_graph:
            return graph.handle(
                self._estate,
                _json_or_none(body),
                self.graph_page_size,
                self.scrub_secrets,
                self.graph_fault,
                frozenset(self.graph_row_omits),
            )
        return self._router.get(path, query, api_version)

    def graph_quota(self, limit: int, window: float) -> None:
        """Resource Graph's per-user budget: `limit` queries per `window` seconds (the
        service's default is 15 per 5 s); the quota headers count it down."""
        self._quota = _GraphQuota(limit, window)

    def deny_graph_table(
        self, table: str, status: int = 403, code: str = "AuthorizationFailed"
    ) -> None:
        """Resource Graph queries of `table` (e.g. `securityresources`) answer an error;
        queries of other tables still work."""
        self.graph_denied[table.lower()] = (status, code)

    def _graph_refusal(self, body: bytes, api_version: str | None) -> Reply | None:
        request = _json_or_none(body)
        query = request.get("query") if isinstance(request, dict) else None
        table = query.split("|", 1)[0].strip().lower() if isinstance(query, str) else ""
        if table not in self.graph_denied:
            return None
        status, code = self.graph_denied[table]
        message = default_message(
            code,
            "POST",
            GRAPH_PATH,
            client_id=self.client_id,
            object_id=self.object_id,
            api_version=api_version,
            retry_after=None,
        )
        return arm_error(status, code, message)

    def _authenticate(self, header: str | None) -> Reply | None:
        assert self._entra is not None
        if not header:
            return self._challenge(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' header.",
            )
        scheme, _, token = header.partition(" ")
        issued = self._entra.lookup(token.strip()) if scheme.lower() == "bearer" else None
        if issued is None:
            return self._challenge(
                "InvalidAuthenticationToken",
                "The access token is invalid.",
                "The access token is invalid.",
            )
        if issued.expires_on <= time.time():
            now = datetime.now(UTC).strftime("%m/%d/%Y %H:%M:%S")
            expired = datetime.fromtimestamp(issued.expires_on, UTC).strftime("%m/%d/%Y %H:%M:%S")
            text = (
                f"The access token expiry UTC time '{expired}' is earlier than current UTC time "
                f"'{now}'."
            )
            return self._challenge("ExpiredAuthenticationToken", text, "The access token expired.")
        if issued.audience not in self.arm_audiences:
            allowed = ",".join(f"'{a}'" for a in sorted(PUBLIC_AUDIENCES))
            return self._challenge(
                "InvalidAuthenticationTokenAudience",
                f"The access token has been obtained for wrong audience or resource "
                f"'{issued.audience}'. It should exactly match with one of the allowed "
                f"audiences {allowed}.",
                "The access token has been obtained from wrong audience or resource.",
            )
        return None

    def _challenge(self, code: str, message: str, description: str) -> Reply:
        # ARM's 401 carries a Bearer challenge naming the authority (here: this server).
        challenge = (
            f'Bearer authorization_uri="{self.url}/{self.tenant_id}", error="invalid_token", '
            f'error_description="{description}"'
        )
        return arm_error(401, code, message, headers={"WWW-Authenticate": challenge})

    def _injected(self, method: str, path: str, api_version: str | None) -> Reply | None:
        with self._lock:
            rule = next((r for r in self._rules if r.matches(method, path, api_version)), None)
            if rule is None:
                return None
            rule.hits += 1
        if rule.stall > 0:
            time.sleep(rule.stall)
        message = rule.message or default_message(
            rule.code,
            method,
            path,
            client_id=self.client_id,
            object_id=self.object_id,
            api_version=api_version,
            retry_after=rule.retry_after,
        )
        headers = dict(rule.headers)
        if rule.code == "ResourceGroupNotFound":
            headers.setdefault("x-ms-failure-cause", "gateway")
        if rule.status == 401:
            headers.setdefault(
                "WWW-Authenticate",
                f'Bearer authorization_uri="{self.url}/{self.tenant_id}", error="invalid_token", '
                f'error_description="{message}"',
            )
        return arm_error(rule.status, rule.code, message, headers=headers)

    def _arm_headers(self, path: str, is_graph: bool) -> dict[str, str]:
        request_id = str(uuid.uuid4())
        scope = subscription_of(path)
        budget = f"subscription:{scope.lower()}" if scope else "tenant"
        with self._lock:
            remaining = self._reads[budget] = self._reads.get(budget, 12000) - 1
        headers = {
            "Cache-Control": "no-cache",
            "Pragma": "no-cache",
            "Expires": "-1",
            "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
            "X-Content-Type-Options": "nosniff",
            "x-ms-request-id": request_id,
            "x-ms-correlation-request-id": request_id,
            "x-ms-routing-request-id": f"WESTUS:{datetime.now(UTC):%Y%m%dT%H%M%SZ}:{request_id}",
            f"x-ms-ratelimit-remaining-{'subscription' if scope else 'tenant'}-reads": str(
                max(remaining, 0)
            ),
        }
        if is_graph:
            left, resets = self._quota.spend()
            headers["x-ms-user-quota-remaining"] = str(left)
            headers["x-ms-user-quota-resets-after"] = resets
        return headers


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


class _TlsServer(ThreadingHTTPServer):
    """Handshakes in the connection's own thread, so one slow client never blocks accept."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        context: ssl.SSLContext,
        fake: FakeAzure,
    ) -> None:
        super().__init__(address, handler)
        self.context = context
        self.fake = fake

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(30)
        # Headers and body go out as separate writes; with Nagle on, each answer on a
        # kept-alive connection waits ~40 ms for the client's delayed ACK.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            handler: Any = self.RequestHandlerClass  # typeshed wants the plain socket
            handler(tls, client_address, self)
        except (ssl.SSLError, ConnectionError, TimeoutError):
            pass  # the client went away; nothing to answer
        finally:
            with contextlib.suppress(OSError):
                tls.shutdown(socket.SHUT_RDWR)
            tls.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's connection pool expects
    server: _TlsServer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet test output

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        body = self._read_body()
        method = self.command.upper()
        reply = self.server.fake._dispatch(method, self.path, self.headers, body)
        payload = b"" if reply.body is None else json.dumps(reply.body).encode("utf-8")
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(0 if method == "HEAD" else len(payload)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle
