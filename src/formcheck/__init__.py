"""formcheck: running-technique analysis from a side- or rear-view video.

Stages (one module each, plain data passed forward):
``video`` (ingest) → ``pose`` (MediaPipe landmarks) → gait engine → ``pipeline``
(the JSON contract) → ``app.py`` (dashboard).
"""

__version__ = "0.1.0"
