"""A fake Elasticsearch node for tests without a server (the official client's own approach).

``FakeCluster`` owns a list of routes and records every request; ``cluster.node_class`` is a
``elastic_transport.BaseNode`` subclass bound to it, passed to the client as ``node_class=``.
Routes match on method and a path regex and answer a JSON body (or raise a transport error).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders, NodeConfig
from elastic_transport._node import NodeApiResponse


@dataclass
class Request:
    method: str
    path: str
    query: str
    body: Any  # parsed JSON, list of parsed NDJSON lines, or None
    headers: dict[str, str]


Responder = Callable[[Request], "tuple[int, Any] | BaseException"]


class FakeCluster:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._routes: list[tuple[str, re.Pattern[str], Responder]] = []
        cluster = self

        class FakeNode(BaseNode):
            def perform_request(self, method, target, body=None, headers=None, request_timeout=None):
                return cluster._answer(self.config, method, target, body, headers)

        self.node_class = FakeNode

    # -- configuring
    def on(self, method: str, path_regex: str, status: int = 200, body: Any = None,
           responder: Responder | None = None, error: BaseException | None = None) -> "FakeCluster":
        """Answer ``method`` requests whose path fully matches ``path_regex``; newest route wins."""
        if responder is None:
            responder = (lambda _req: error) if error is not None else (lambda _req: (status, body))
        self._routes.insert(0, (method.upper(), re.compile(path_regex), responder))
        return self

    # -- inspecting
    def calls(self, method: str | None = None, path_regex: str | None = None) -> list[Request]:
        return [
            r for r in self.requests
            if (method is None or r.method == method.upper())
            and (path_regex is None or re.fullmatch(path_regex, r.path))
        ]

    def last(self, method: str | None = None, path_regex: str | None = None) -> Request:
        found = self.calls(method, path_regex)
        assert found, f"no {method} {path_regex} request; got {[(r.method, r.path) for r in self.requests]}"
        return found[-1]

    # -- the node side
    def _answer(self, config: NodeConfig, method: str, target: str, body: bytes | None, headers: Any):
        parts = urlsplit(target)
        request = Request(method.upper(), parts.path, parts.query, _parse(body),
                          dict(headers.items()) if headers else {})
        self.requests.append(request)
        for route_method, pattern, responder in self._routes:
            if route_method == request.method and pattern.fullmatch(request.path):
                answer = responder(request)
                break
        else:
            answer = (404, {"error": {"root_cause": [{"type": "fake_route_missing",
                                                      "reason": f"{method} {parts.path}"}],
                                      "type": "fake_route_missing", "reason": "no route"},
                            "status": 404})
        if isinstance(answer, BaseException):
            raise answer
        status, payload = answer
        meta = ApiResponseMeta(
            status=status,
            http_version="1.1",
            headers=HttpHeaders({"content-type": "application/json", "x-elastic-product": "Elasticsearch"}),
            duration=0.001,
            node=config,
        )
        raw = b"" if payload is None else json.dumps(payload).encode()
        return NodeApiResponse(meta, raw)


def _parse(body: bytes | None) -> Any:
    if not body:
        return None
    text = body.decode("utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def error_body(status: int, kind: str, reason: str) -> dict[str, Any]:
    """An error body shaped like Elasticsearch's."""
    return {"error": {"root_cause": [{"type": kind, "reason": reason}], "type": kind, "reason": reason},
            "status": status}


def search_response(hits: list[dict[str, Any]], aggregations: dict[str, Any] | None = None) -> dict[str, Any]:
    """A ``_search`` response (shape as in the Elasticsearch docs)."""
    body: dict[str, Any] = {
        "took": 3,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {"total": {"value": len(hits), "relation": "eq"},
                 "max_score": max((h.get("_score") or 0 for h in hits), default=None),
                 "hits": [{"_index": "gka-v2-x", **h} for h in hits]},
    }
    if aggregations is not None:
        body["aggregations"] = aggregations
    return body


def bulk_responder(failing: dict[str, tuple[int, str, str]] | None = None) -> Responder:
    """Answer ``_bulk`` item by item; ``failing`` maps an _id to (status, type, reason)."""
    failing = failing or {}

    def respond(request: Request) -> tuple[int, Any]:
        items = []
        lines = request.body or []
        for action in lines[0::2]:
            op, info = next(iter(action.items()))
            es_id = info.get("_id")
            if es_id in failing:
                status, kind, reason = failing[es_id]
                items.append({op: {"_index": info.get("_index"), "_id": es_id, "status": status,
                                   "error": {"type": kind, "reason": reason}}})
            else:
                items.append({op: {"_index": info.get("_index"), "_id": es_id, "status": 201,
                                   "result": "created"}})
        errors = any("error" in next(iter(i.values())) for i in items)
        return 200, {"took": 5, "errors": errors, "items": items}

    return respond
