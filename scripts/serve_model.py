#!/usr/bin/env python3
"""Serves the bundled GGUF model with llama.cpp's own server (xllamacpp) on 127.0.0.1.

Started and supervised by `guichet run` when llm.backend = "bundled"; it answers
GET /health and POST /v1/chat/completions until the process is stopped.
"""
import argparse
import os
import signal
import sys
import time

import xllamacpp as xlc


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--port", type=int, default=8089)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--parallel", type=int, default=2)
    ap.add_argument("--ctx", type=int, default=8192)
    ap.add_argument("--alias", default=None, help="model name reported by the API")
    args = ap.parse_args()

    p = xlc.CommonParams()
    p.model.path = args.model
    if args.alias:
        p.model_alias = {args.alias}  # a set of names in this binding
    p.hostnames = [args.host]
    p.port = args.port
    p.n_parallel = args.parallel
    p.n_ctx = args.ctx
    p.cpuparams.n_threads = args.threads
    p.cpuparams_batch.n_threads = args.threads
    p.use_jinja = True
    p.ui = False
    p.offline = True
    server = xlc.Server(p)  # noqa: F841  (serves until the process exits)

    stop = False

    def on_signal(_sig, _frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stop:
        time.sleep(0.2)
    # The native server's teardown can block for seconds; the supervisor wants a prompt exit.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
