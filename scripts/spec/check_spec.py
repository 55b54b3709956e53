#!/usr/bin/env python3
"""Checks on openapi/openapi.json that Redocly's configurable rules cannot express.

usage: scripts/spec/check_spec.py [--spec openapi/openapi.json] [--reference DIR] [--examples error|warn]

1. Coder parity, for every operation that Coder's reference also has (same method and path,
   path parameter names ignored):
   - its `summary` equals the seed docs' title of that endpoint (seeds/*.md; where Coder's
     Swagger differs, the seed markdown wins), else the Swagger summary;            (error)
   - its tag equals Coder's tag (`Users`, `Enterprise`, `General`, `Members`, ...);  (error)
   - its `operationId` equals Coder's, so generated clients name functions alike.    (warning)
   The reference is found in $CODER_REFERENCE_DIR, else ../shared/reference beside the repo;
   without it these checks are skipped with a note.
2. Examples: every JSON request body and every successful (2xx) JSON response has a realistic
   example: a media-type `example`/`examples`, or an `example` on the schema it uses (through
   `$ref`, or on the item schema of an array).          (error; `--examples warn` to report only)
3. Authentication errors: every operation that requires authentication (a security requirement
   naming a scheme, with no empty `{}` alternative) documents its 401 response.        (error)

Exits 1 on any error; prints one line per finding with the operation and a JSON pointer.
Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]


def norm(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path.rstrip("/") or "/")


def pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def seed_titles(ref: Path) -> dict[tuple[str, str], str]:
    """(METHOD, normalized path) -> title, from the seed markdown (current editions win)."""
    titles: dict[tuple[str, str], str] = {}
    files = [
        ("enterprise-api-2023.md", True),  # older edition first: later files overwrite it
        ("enterprise-api.md", False),
        ("users-api.md", False),
    ]
    for name, old in files:
        f = ref / "seeds" / name
        if not f.exists():
            continue
        title = None
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.startswith("## "):
                title = line[3:].strip()
                continue
            m = re.fullmatch(r"`([A-Z]+) (/[^`]*)`", line.strip())
            if m and title:
                method, path = m.groups()
                if old and not path.startswith(("/api/v2", "/.well-known", "/oauth2")):
                    path = "/api/v2" + path
                titles[(method, norm(path))] = title
                title = None
    return titles


def swagger_ops(ref: Path) -> dict[tuple[str, str], dict]:
    f = ref / "coder-swagger-subset.json"
    if not f.exists():
        return {}
    doc = json.loads(f.read_text(encoding="utf-8"))
    base = (doc.get("basePath") or "/").rstrip("/")
    out = {}
    for path, item in (doc.get("paths") or {}).items():
        for method, op in item.items():
            if method in METHODS and isinstance(op, dict):
                out[(method.upper(), norm(base + path))] = op
    return out


class Checker:
    def __init__(self, doc: dict):
        self.doc = doc
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def resolve(self, node):
        seen = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#/"):
                return {}
            seen.add(ref)
            target = self.doc
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node = target
        return node

    def has_example(self, media: dict) -> bool:
        if "example" in media or media.get("examples"):
            return True
        return self.schema_has_example(media.get("schema"), 0)

    def schema_has_example(self, schema, depth: int) -> bool:
        if depth > 8 or not isinstance(schema, dict):
            return False
        if "example" in schema or schema.get("examples"):
            return True
        if "$ref" in schema:
            return self.schema_has_example(self.resolve(schema), depth + 1)
        for key in ("oneOf", "anyOf"):
            opts = [o for o in schema.get(key) or [] if not (isinstance(o, dict) and o.get("type") == "null")]
            if len(opts) == 1:
                return self.schema_has_example(opts[0], depth + 1)
        if isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
            return self.schema_has_example(schema["allOf"][0], depth + 1)
        t = schema.get("type")
        if t == "array" or (isinstance(t, list) and "array" in t):
            return self.schema_has_example(schema.get("items"), depth + 1)
        # A scalar (a plain string body such as /healthz's `OK`) needs its own example too.
        return False

    def operations(self):
        for path in sorted(self.doc.get("paths") or {}):
            item = self.resolve(self.doc["paths"][path])
            for method in METHODS:
                op = item.get(method) if isinstance(item, dict) else None
                if isinstance(op, dict):
                    yield path, method, op

    def check_examples(self, severity: str = "error") -> None:
        out = self.errors if severity == "error" else self.warnings
        for path, method, op in self.operations():
            where = f"{method.upper()} {path}"
            body = self.resolve(op.get("requestBody")) if op.get("requestBody") else None
            if isinstance(body, dict):
                for mt, media in sorted((body.get("content") or {}).items()):
                    if "json" in mt and not self.has_example(media or {}):
                        out.append(
                            f"example: {where}: request body ({mt}) has no example"
                            f" [{pointer('paths', path, method, 'requestBody', 'content', mt)}]"
                        )
            for status, resp in sorted((op.get("responses") or {}).items()):
                if not str(status).startswith("2"):
                    continue
                resp = self.resolve(resp)
                for mt, media in sorted(((resp or {}).get("content") or {}).items()):
                    if not self.has_example(media or {}):
                        out.append(
                            f"example: {where}: {status} response ({mt}) has no example"
                            f" [{pointer('paths', path, method, 'responses', status, 'content', mt)}]"
                        )

    def check_auth_errors(self) -> None:
        for path, method, op in self.operations():
            sec = op.get("security", self.doc.get("security", [])) or []
            named = [req for req in sec if isinstance(req, dict) and req]
            optional = any(isinstance(req, dict) and not req for req in sec)
            responses = op.get("responses") or {}
            if named and not optional and "401" not in responses and "4XX" not in responses:
                self.errors.append(
                    f"401: {method.upper()} {path}: requires authentication but documents no 401 response"
                    f" [{pointer('paths', path, method, 'responses')}]"
                )

    def check_parity(self, ref: Path) -> int:
        titles = seed_titles(ref)
        coder = swagger_ops(ref)
        matched = 0
        for path, method, op in self.operations():
            key = (method.upper(), norm(path))
            c = coder.get(key)
            if key not in titles and c is None:
                continue
            matched += 1
            where = f"{method.upper()} {path}"
            at = pointer("paths", path, method)
            want = titles.get(key) or (c or {}).get("summary")
            if want and op.get("summary") != want:
                self.errors.append(f"summary: {where}: {op.get('summary')!r}, Coder's docs title it {want!r} [{at}/summary]")
            if c is not None:
                want_tags = c.get("tags") or []
                if want_tags and (op.get("tags") or []) != want_tags:
                    self.errors.append(f"tag: {where}: {op.get('tags')}, Coder groups it under {want_tags} [{at}/tags]")
                if c.get("operationId") and op.get("operationId") != c["operationId"]:
                    self.warnings.append(
                        f"operationId: {where}: {op.get('operationId')!r}, Coder's is {c['operationId']!r} [{at}/operationId]"
                    )
        return matched


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec", default=str(REPO / "openapi" / "openapi.json"))
    ap.add_argument("--reference", default=os.environ.get("CODER_REFERENCE_DIR") or str(REPO.parent / "shared" / "reference"))
    ap.add_argument(
        "--examples",
        choices=["error", "warn"],
        default=os.environ.get("SPEC_EXAMPLES", "error"),
        help="severity of a missing example (default: error, or $SPEC_EXAMPLES)",
    )
    args = ap.parse_args(argv)

    doc = json.loads(Path(args.spec).read_text(encoding="utf-8"))
    c = Checker(doc)
    c.check_examples(args.examples)
    c.check_auth_errors()
    ref = Path(args.reference)
    if (ref / "coder-swagger-subset.json").exists() or (ref / "seeds").is_dir():
        matched = c.check_parity(ref)
        note = f"{matched} operations compared with Coder's reference in {ref}"
    else:
        note = f"Coder parity not checked: no reference at {ref} (set CODER_REFERENCE_DIR)"
    for w in c.warnings:
        print(f"warning  {w}")
    for e in c.errors:
        print(f"error    {e}")
    print(f"check_spec: {len(c.errors)} errors, {len(c.warnings)} warnings; {note}")
    return 1 if c.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
