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
from urllib.parse import parse_qs, unquote, urlsplit

from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders, NodeConfig
from elastic_transport._node import NodeApiResponse


@dataclass
class Request:
    method: str
    path: str
    query: str
    body: Any  # parsed JSON, list of parsed NDJSON lines, or None
    headers: dict[str, str]
    request_timeout: Any = None  # the client's own timeout for this request, as the node gets it


Responder = Callable[[Request], "tuple[int, Any] | BaseException"]


class FakeCluster:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._routes: list[tuple[str, re.Pattern[str], Responder]] = []
        cluster = self

        class FakeNode(BaseNode):
            def perform_request(self, method, target, body=None, headers=None, request_timeout=None):
                return cluster._answer(self.config, method, target, body, headers, request_timeout)

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
    def _answer(self, config: NodeConfig, method: str, target: str, body: bytes | None, headers: Any,
                request_timeout: Any = None):
        parts = urlsplit(target)
        request = Request(method.upper(), parts.path, parts.query, _parse(body),
                          dict(headers.items()) if headers else {}, request_timeout)
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
                 "hits": [{"_index": "gka-v4-x", **h} for h in hits]},
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


class FakeDocs:
    """Single documents of some indices, kept as Elasticsearch keeps them (per-index ``_seq_no``,
    primary term 1, ``_version`` per id surviving deletes) and answered as it answers:

    * ``PUT /<index>/_create/<id>``: 201 ``created``; 409 ``version_conflict_engine_exception``
      when the id exists; a missing index is created (``action.auto_create_index``, unless off:
      then 404 ``index_not_found_exception``).
    * ``GET /<index>/_doc/<id>``: 200 ``found: true`` with ``_seq_no``/``_primary_term``;
      404 ``found: false``; 404 ``index_not_found_exception`` for a missing index.
    * ``DELETE /<index>/_doc/<id>`` (``if_seq_no``/``if_primary_term`` optional): 200 ``deleted``;
      404 ``not_found``; 409 when the condition no longer holds (or the document is gone).
    * ``PUT /<index>``: 200 ``acknowledged``; 400 ``resource_already_exists_exception``.
    """

    def __init__(self, cluster: FakeCluster, index: str, auto_create_index: bool = True) -> None:
        self.indices: dict[str, dict[str, dict[str, Any]]] = {}  # index -> id -> stored doc
        self._seq: dict[str, int] = {}
        self._versions: dict[tuple[str, str], int] = {}
        self.auto_create_index = auto_create_index
        name = re.escape(index)
        cluster.on("PUT", rf"/({name})", responder=self._create_index)
        cluster.on("PUT", rf"/({name})/_create/([^/]+)", responder=self._create)
        cluster.on("GET", rf"/({name})/_doc/([^/]+)", responder=self._get)
        cluster.on("DELETE", rf"/({name})/_doc/([^/]+)", responder=self._delete)

    def put(self, index: str, es_id: str, source: dict[str, Any]) -> dict[str, Any]:
        """Store a document directly (a holder left by another process)."""
        self.indices.setdefault(index, {})
        return self._write(index, es_id, source, "created")

    def source(self, index: str, es_id: str) -> dict[str, Any] | None:
        doc = self.indices.get(index, {}).get(es_id)
        return None if doc is None else doc["_source"]

    # -- responders
    def _create_index(self, request: Request) -> tuple[int, Any]:
        index = _path_parts(request)[0]
        if index in self.indices:
            return 400, _index_error(400, "resource_already_exists_exception",
                                     f"index [{index}/fAkEuUiD] already exists", index)
        self.indices[index] = {}
        return 200, {"acknowledged": True, "shards_acknowledged": True, "index": index}

    def _create(self, request: Request) -> tuple[int, Any]:
        index, es_id = _path_parts(request)
        if index not in self.indices:
            if not self.auto_create_index:
                return 404, _missing_index(index)
            self.indices[index] = {}
        current = self.indices[index].get(es_id)
        if current is not None:
            return 409, _index_error(409, "version_conflict_engine_exception",
                                     f"[{es_id}]: version conflict, document already exists "
                                     f"(current version [{current['_version']}])", index)
        return 201, self._write(index, es_id, request.body, "created")

    def _get(self, request: Request) -> tuple[int, Any]:
        index, es_id = _path_parts(request)
        if index not in self.indices:
            return 404, _missing_index(index)
        doc = self.indices[index].get(es_id)
        if doc is None:
            return 404, {"_index": index, "_id": es_id, "found": False}
        return 200, {"_index": index, "_id": es_id, "_version": doc["_version"], "_seq_no": doc["_seq_no"],
                     "_primary_term": doc["_primary_term"], "found": True, "_source": doc["_source"]}

    def _delete(self, request: Request) -> tuple[int, Any]:
        index, es_id = _path_parts(request)
        if index not in self.indices:
            return 404, _missing_index(index)
        params = parse_qs(request.query)
        doc = self.indices[index].get(es_id)
        if "if_seq_no" in params:
            seq_no, term = int(params["if_seq_no"][0]), int(params.get("if_primary_term", ["1"])[0])
            if doc is None:
                return 409, _index_error(409, "version_conflict_engine_exception",
                                         f"[{es_id}]: version conflict, required seqNo [{seq_no}], primary term "
                                         f"[{term}]. but no document was found", index)
            if (doc["_seq_no"], doc["_primary_term"]) != (seq_no, term):
                return 409, _index_error(409, "version_conflict_engine_exception",
                                         f"[{es_id}]: version conflict, required seqNo [{seq_no}], primary term "
                                         f"[{term}]. current document has seqNo [{doc['_seq_no']}] and primary "
                                         f"term [{doc['_primary_term']}]", index)
        if doc is None:
            body = self._result(index, es_id, "not_found")
            return 404, body
        del self.indices[index][es_id]
        return 200, self._result(index, es_id, "deleted")

    # -- internals
    def _write(self, index: str, es_id: str, source: Any, result: str) -> dict[str, Any]:
        body = self._result(index, es_id, result)
        self.indices[index][es_id] = {"_source": source, "_version": body["_version"],
                                      "_seq_no": body["_seq_no"], "_primary_term": 1}
        return body

    def _result(self, index: str, es_id: str, result: str) -> dict[str, Any]:
        """A write's answer; every write (a miss too) takes the next seq_no and version."""
        self._seq[index] = self._seq.get(index, -1) + 1
        self._versions[(index, es_id)] = self._versions.get((index, es_id), 0) + 1
        return {"_index": index, "_id": es_id, "_version": self._versions[(index, es_id)], "result": result,
                "_shards": {"total": 2, "successful": 1, "failed": 0},
                "_seq_no": self._seq[index], "_primary_term": 1}


def _path_parts(request: Request) -> list[str]:
    parts = [unquote(p) for p in request.path.strip("/").split("/")]
    return [parts[0]] if len(parts) == 1 else [parts[0], parts[2]]


def _index_error(status: int, kind: str, reason: str, index: str) -> dict[str, Any]:
    cause = {"type": kind, "reason": reason, "index_uuid": "fAkEuUiD", "shard": "0", "index": index}
    return {"error": {"root_cause": [cause], **cause}, "status": status}


def _missing_index(index: str) -> dict[str, Any]:
    cause = {"type": "index_not_found_exception", "reason": f"no such index [{index}]",
             "resource.type": "index_or_alias", "resource.id": index, "index_uuid": "_na_", "index": index}
    return {"error": {"root_cause": [cause], **cause}, "status": 404}
