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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ROOT, served  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=50)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="perfkg-fuzz-")
    env = dict(os.environ, PERFKG_STORE=str(Path(scratch) / "fuzz.db"), PERFKG_API_KEY="fuzz-key",
               PERFKG_QUERY_TIMEOUT_MS="1000")
    subprocess.run([sys.executable, "-m", "perfkg.cli", "ingest", "--quiet", str(ROOT / "examples" / "reports")],
                   env=env, check=True, cwd=ROOT)
    with served(env) as base:
        schemathesis = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
        return subprocess.call([
            schemathesis, "run", base + "/openapi.json", "--checks", "not_a_server_error",
            "--max-examples", str(args.max_examples), "--workers", "2", "--header", "X-API-Key: fuzz-key",
        ])

if __name__ == "__main__":
    sys.exit(main())
