"""MediaPipe's Tasks API imported without matplotlib and sounddevice (formcheck.io._mediapipe).

Each case runs in a fresh interpreter: what is in ``sys.modules`` is the point.
"""

import json
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("mediapipe")


def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_tasks_import_leaves_pyplot_and_sounddevice_unloaded_and_the_landmarker_usable():
    res = _run("""
        import json, sys
        from formcheck.io._mediapipe import tasks
        mp, python = tasks()
        real = [n for n in ("matplotlib.pyplot", "matplotlib", "sounddevice")
                if n in sys.modules and type(sys.modules[n]).__name__ != "_Placeholder"]
        print(json.dumps({"real": real, "landmarker": hasattr(python.vision, "PoseLandmarker"),
                          "image": hasattr(mp, "Image"), "figure_loaded": "matplotlib.figure" in sys.modules}))
    """)
    assert res == {"real": [], "landmarker": True, "image": True, "figure_loaded": False}


def test_a_later_real_use_of_matplotlib_gets_the_real_module():
    res = _run("""
        import json, sys
        from formcheck.io._mediapipe import tasks
        tasks()
        from mediapipe.tasks.python.vision import drawing_utils
        fig_via_mediapipe = callable(drawing_utils.plt.figure)  # MediaPipe's own reference works
        import matplotlib
        import matplotlib.pyplot as plt
        from matplotlib import pyplot
        print(json.dumps({"via_mediapipe": fig_via_mediapipe, "version": matplotlib.__version__.count(".") >= 1,
                          "subplots": callable(plt.subplots) and callable(pyplot.subplots),
                          "real_now": type(sys.modules["matplotlib.pyplot"]).__name__ != "_Placeholder"}))
    """)
    assert res == {"via_mediapipe": True, "version": True, "subplots": True, "real_now": True}


def test_walking_modules_does_not_load_the_real_modules():
    """A tool reading ``__file__`` of every module (Streamlit's watcher) gets AttributeError, imports nothing."""
    res = _run("""
        import json, sys
        from formcheck.io._mediapipe import tasks
        tasks()
        files = [getattr(m, "__file__", None) for m in list(sys.modules.values())]
        print(json.dumps({"figure_loaded": "matplotlib.figure" in sys.modules,
                          "placeholder_file": getattr(sys.modules["sounddevice"], "__file__", None)}))
    """)
    assert res == {"figure_loaded": False, "placeholder_file": None}


def test_nothing_is_replaced_when_matplotlib_is_already_loaded():
    res = _run("""
        import json, sys
        import matplotlib
        from formcheck.io._mediapipe import tasks
        tasks()
        print(json.dumps({"pyplot_real": type(sys.modules["matplotlib.pyplot"]).__name__ == "module"}))
    """)
    assert res == {"pyplot_real": True}
