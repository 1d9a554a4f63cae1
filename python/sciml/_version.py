"""The package's version (sciml.__version__; part of the native code and GPU kernel cache keys)."""
__version__ = "0.1.0"
