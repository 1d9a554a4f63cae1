"""Regression cases of the Python package (one file per bug found, named for it): the package from the build
tree (ctest sets PYTHONPATH), the native compile cache in a private temporary directory."""
import os
import tempfile

_cache = tempfile.mkdtemp(prefix="sciml-regression-cache-")
os.environ.setdefault("SCIML_CACHE_DIR", os.path.join(_cache, "cache"))
