"""Schemathesis over the API's OpenAPI schema: no request it can make may
cause a server error. Starts `perfkg serve` on the embedded store with the
example reports loaded (and an API key, so uploads are exercised).

    python benchmarks/api_fuzz.py [--max-examples 50]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ROOT, free_port  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=50)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="perfkg-fuzz-")
    env = dict(os.environ, PERFKG_STORE=str(Path(scratch) / "fuzz.db"), PERFKG_API_KEY="fuzz-key",
               PERFKG_QUERY_TIMEOUT_MS="1000")
    subprocess.run([sys.executable, "-m", "perfkg.cli", "ingest", "--quiet", str(ROOT / "examples" / "reports")],
                   env=env, check=True, cwd=ROOT)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "perfkg.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        schemathesis = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
        return subprocess.call([
            schemathesis, "run", base + "/openapi.json", "--checks", "not_a_server_error",
            "--max-examples", str(args.max_examples), "--workers", "2", "--header", "X-API-Key: fuzz-key",
        ])
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
