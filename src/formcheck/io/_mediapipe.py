"""MediaPipe's Tasks API without the imports the pose pass never uses.

``import mediapipe.tasks.python`` also imports ``matplotlib.pyplot`` (for the
3-D plotting helper in ``vision.drawing_utils``) and ``sounddevice`` (for the
audio tasks): about 0.5 s of each process's start (``python -X importtime``:
matplotlib 0.14 s + pyplot 0.27 s + sounddevice 0.07 s of 0.77 s), paid by
the calling process and again by every pose helper, before either can run the
model. :func:`tasks` imports MediaPipe with those modules standing in as
placeholders: a placeholder imports the real module on first use of any of
its attributes, so code that does use matplotlib or sounddevice later (in
this process) gets the real one.

(``importlib.util.LazyLoader`` cannot do this: since Python 3.11 the import
statement itself reads the lazy module's ``__spec__``, which loads it.)
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import threading
import types

DEFERRED = ("matplotlib", "matplotlib.pyplot", "sounddevice")
"""Modules MediaPipe's Tasks package imports but the pose landmarker never uses."""

_lock = threading.RLock()
_placeholders: dict[str, "_Placeholder"] = {}


class _Placeholder(types.ModuleType):
    """Stands in for a module of :data:`DEFERRED`; the real one is imported when an attribute is asked for.

    Dunder names other than ``__version__`` and ``__all__`` are not passed on: tools that walk
    ``sys.modules`` (Streamlit's file watcher reads every module's ``__file__``) must not import the
    real module by looking, and the real ``sounddevice`` raises OSError on import where PortAudio is missing.
    """

    def __getattr__(self, attr: str):
        if attr.startswith("__") and attr.endswith("__") and attr not in ("__version__", "__all__"):
            raise AttributeError(attr)
        return getattr(_real(self.__name__), attr)


def _real(name: str) -> types.ModuleType:
    """Drop every placeholder from ``sys.modules`` and import the real module ``name``."""
    with _lock:
        for other, module in list(_placeholders.items()):
            if sys.modules.get(other) is module:
                del sys.modules[other]
        _placeholders.clear()
    return importlib.import_module(name)


class _Finder:
    """Meta-path finder and loader answering the :data:`DEFERRED` names with placeholders (while installed).

    (Not derived from ``importlib.abc``, whose import takes 30 ms: the import system only calls these methods.)
    """

    def find_spec(self, name, path=None, target=None):
        if name not in DEFERRED:
            return None
        return importlib.machinery.ModuleSpec(name, self, is_package=name == "matplotlib")

    def create_module(self, spec):
        module = _Placeholder(spec.name)
        if spec.submodule_search_locations is not None:
            module.__path__ = []  # a package, so that ``import matplotlib.pyplot`` finds its child here too
        _placeholders[spec.name] = module
        return module

    def exec_module(self, module) -> None:
        pass


def tasks():
    """``(mediapipe, mediapipe.tasks.python)``, imported without :data:`DEFERRED` when they are not loaded yet."""
    with _lock:
        if "mediapipe.tasks.python.vision" not in sys.modules and not any(n in sys.modules for n in DEFERRED):
            finder = _Finder()
            sys.meta_path.insert(0, finder)
            try:
                importlib.import_module("mediapipe.tasks.python.vision")
            finally:
                sys.meta_path.remove(finder)
    import mediapipe
    from mediapipe.tasks import python

    return mediapipe, python
