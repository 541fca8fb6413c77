"""The explorer: server-rendered pages over the graph at / (search,
departments, reports with their source text, topics and the flagship
question, the neighbourhood of any node), and the API docs served offline."""

from .site import mount

__all__ = ["mount"]
