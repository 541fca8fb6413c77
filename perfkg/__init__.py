"""perfkg: a knowledge graph of performance self-evaluation reports.

In Python (a notebook, say)::

    import perfkg
    kg = perfkg.connect(create=True)           # PERFKG_STORE, or ./var/perfkg.db
    kg.ingest(["examples/reports"])
    kg.query("indicators_below_target", topic="垃圾分类")   # a pandas DataFrame
"""

from .version import __version__

__all__ = ["__version__", "connect"]


def connect(store: str | None = None, *, create: bool = False):
    """Open the graph perfkg is configured for (or `store`: a path or a bolt://
    URI); with `create`, a new embedded store where the path names none."""
    from .client import Client

    return Client.open(store, create=create)
