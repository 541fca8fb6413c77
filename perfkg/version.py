"""perfkg's version: stored on every report it loads (extractor_version)."""

__version__ = "0.1.0"
