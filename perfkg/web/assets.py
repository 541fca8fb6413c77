"""Static files: the explorer's own CSS and JavaScript, and the vendored
libraries (version-named, each with its licence; see static/vendor/VENDOR.md).

A URL carries a hash of the file's content, so a browser may cache it for
good and still sees a changed file at once.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

STATIC = Path(__file__).parent / "static"
PREFIX = "/explore/static"

SWAGGER_JS = "vendor/swagger-ui-dist-5.35.0-bundle.js"
SWAGGER_CSS = "vendor/swagger-ui-dist-5.35.0.css"
REDOC_JS = "vendor/redoc-2.5.4.standalone.offline.js"
CYTOSCAPE_JS = "vendor/cytoscape-3.34.4.min.js"
CHART_JS = "vendor/chart.js-4.6.1.umd.min.js"
FAVICON = "favicon.svg"


@lru_cache(maxsize=None)
def static_url(name: str) -> str:
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]
    return f"{PREFIX}/{name}?v={digest}"
