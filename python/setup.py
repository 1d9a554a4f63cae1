"""pip install --no-build-isolation --no-index ./python (from the repository root): builds the extension with
the repository's CMake project (in $SCIML_BUILD_DIR if set, e.g. an existing `build`, else a private build
directory) and installs the package, with the C++ headers in sciml/include (sciml.EnsembleGPUKernel compiles the
kernels it generates against them). Needs cmake, a C++20 compiler, pybind11-dev and python3-dev."""
import glob
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        given = os.environ.get("SCIML_BUILD_DIR")
        build = os.path.join(ROOT, given) if given else os.path.join(HERE, "build-pip")  # relative: to the repository
        os.makedirs(build, exist_ok=True)
        if not given:  # a private build for this interpreter; an existing build keeps its configuration
            subprocess.run(["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DSCIML_BUILD_PYTHON=ON",
                            "-DSCIML_BUILD_TESTS=OFF", "-DSCIML_BUILD_EXAMPLES=OFF",
                            f"-DPython_EXECUTABLE={sys.executable}"], check=True)
        jobs = str(os.cpu_count() or 2)
        subprocess.run(["cmake", "--build", build, "--target", "sciml_python", "-j", jobs], check=True)
        built = glob.glob(os.path.join(build, "python", "sciml", "_core*.so"))
        if not built:
            raise RuntimeError("the CMake build produced no sciml/_core extension (is pybind11-dev installed?)")
        dest = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy2(built[0], dest)


class BuildPyWithHeaders(build_py):
    """The package plus the sciml C++ headers (include/sciml -> sciml/include/sciml)."""

    def run(self):
        super().run()
        dest = os.path.join(self.build_lib, "sciml", "include", "sciml")
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(os.path.join(ROOT, "include", "sciml"), dest)


setup(packages=["sciml"], package_dir={"sciml": "sciml"}, ext_modules=[Extension("sciml._core", sources=[])],
      cmdclass={"build_ext": CMakeBuild, "build_py": BuildPyWithHeaders})
