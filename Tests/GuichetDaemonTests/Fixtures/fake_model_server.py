#!/usr/bin/env python3
"""Stands in for scripts/serve_model.py in supervisor tests: same arguments, serves /health
and an echoing /v1/chat/completions with the standard library only."""
import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("--model")
ap.add_argument("--port", type=int)
ap.add_argument("--threads")
ap.add_argument("--parallel")
ap.add_argument("--ctx")
args = ap.parse_args()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def _send(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._send(200, {"status": "ok"}) if self.path == "/health" else self._send(404, {})

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        req = json.loads(self.rfile.read(n))
        text = req["messages"][-1]["content"]
        self._send(200, {"model": "fake-bundled", "choices": [{"index": 0, "finish_reason": "stop",
                   "message": {"role": "assistant", "content": text.upper()}}],
                   "usage": {"prompt_tokens": 3, "completion_tokens": 4}})


ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()
