"""pytest set-up: import the package from the build tree (ctest sets PYTHONPATH) and keep the native compile
cache of a test run in a private temporary directory."""
import os
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.dirname(__file__))
_cache = tempfile.mkdtemp(prefix="sciml-test-cache-")
os.environ.setdefault("SCIML_CACHE_DIR", os.path.join(_cache, "cache"))


@pytest.fixture(autouse=True)
def _agg_backend():
    import matplotlib
    matplotlib.use("Agg")
    yield
