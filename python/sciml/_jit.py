"""Native code for traced models: the model's C source (generated from the expression graph; nothing from user
code but numbers reaches it) is compiled once into a shared library, cached on disk by hash, and loaded.

The cache lives in $SCIML_CACHE_DIR, else $XDG_CACHE_HOME/sciml, else ~/.cache/sciml, created owner-only
(0700). A cached library is loaded only when it and its directory are owned by the current user, neither is
writable by others, and its recorded key (the model's canonical text, the compiler's identity and flags, the
sciml version) matches. Builds write to a temporary name and rename, so concurrent processes compiling the
same model do not corrupt each other. The first solve of a model runs on bytecode while the build runs in a
background thread; later solves use the native code.

The library holds f, its Jacobian's nonzeros and, for the adjoints of sciml.gradient, df/dp's nonzeros. df/dp of a
large model (a neural network of more than about 400 parameters) is one long straight-line function whose C
compile time and memory grow faster than linearly (GCC -O2: 250 kB of C in 2 s, 570 kB in 17 s, 1 MB in 90 s and
1.2 GB), so above PJAC_MAX_BYTES of C it stays on bytecode."""
import ctypes
import hashlib
import json
import os
import shutil
import stat
import subprocess
import tempfile
import threading

from . import __version__ as _version  # noqa: F401 - set in __init__ before this import

CFLAGS = ["-O2", "-fPIC", "-shared", "-fno-math-errno"]
_F_SYMBOL, _JAC_SYMBOL, _PJAC_SYMBOL = "sciml_f", "sciml_jac", "sciml_pjac"
PJAC_MAX_BYTES = 300_000  # df/dp's C source above this stays on bytecode (see above)
_lock = threading.Lock()
_loaded = {}     # key -> ctypes.CDLL (kept alive for the process; one per distinct model)
_compiler_id = None


def cache_dir():
    """The compile cache directory (created owner-only when missing)."""
    d = os.environ.get("SCIML_CACHE_DIR")
    if not d:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        d = os.path.join(base, "sciml")
    os.makedirs(d, mode=0o700, exist_ok=True)
    return d


def _safe(path, is_dir):
    """Owned by us and not writable by group or others."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if is_dir and not stat.S_ISDIR(st.st_mode):
        return False
    if not is_dir and not stat.S_ISREG(st.st_mode):
        return False
    return st.st_uid == os.getuid() and not (st.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def compiler():
    """(path, identity) of the C compiler, or (None, None)."""
    global _compiler_id
    cc = os.environ.get("SCIML_CC") or shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if not cc:
        return None, None
    if _compiler_id is None or _compiler_id[0] != cc:
        try:
            v = subprocess.run([cc, "--version"], capture_output=True, text=True, timeout=30).stdout.splitlines()
            _compiler_id = (cc, v[0] if v else cc)
        except (OSError, subprocess.SubprocessError):
            return None, None
    return _compiler_id


def model_key(model, cc_id):
    h = hashlib.sha256()
    for part in (model.serialize(), cc_id, " ".join(CFLAGS), _version, f"pjac<={PJAC_MAX_BYTES}"):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def _load(model, key, lib_path):
    lib = _loaded.get(key)
    if lib is None:
        lib = ctypes.CDLL(lib_path)
        _loaded[key] = lib
    f = ctypes.cast(getattr(lib, _F_SYMBOL), ctypes.c_void_p).value
    j = ctypes.cast(getattr(lib, _JAC_SYMBOL), ctypes.c_void_p).value
    pj = getattr(lib, _PJAC_SYMBOL, None)  # df/dp, for adjoints (absent when too large to compile)
    pj = ctypes.cast(pj, ctypes.c_void_p).value if pj is not None else 0
    model.load_native(f, j, pj)
    return "native" if pj else "bytecode"


def _build(model):
    """Compile (or find in the cache) and load; returns the info dict."""
    cc, cc_id = compiler()
    if not cc:
        return {"path": "bytecode", "reason": "no C compiler found (set SCIML_CC)"}
    d = cache_dir()
    if not _safe(d, True):
        return {"path": "bytecode", "reason": f"the cache directory {d} is not owned by this user or is writable by others"}
    key = model_key(model, cc_id)
    lib_path = os.path.join(d, key + ".so")
    meta_path = os.path.join(d, key + ".json")
    if _safe(lib_path, False) and _safe(meta_path, False):
        try:
            with open(meta_path) as fh:
                meta = json.load(fh)
            if meta.get("key") == key:
                pjac = _load(model, key, lib_path)
                return {"path": "native", "library": lib_path, "cached": True, "parameter_jacobian": pjac}
        except (OSError, ValueError, AttributeError):
            pass
    src = model.c_source(_F_SYMBOL, _JAC_SYMBOL)
    with_pjac = model.c_source(_F_SYMBOL, _JAC_SYMBOL, _PJAC_SYMBOL)
    if len(with_pjac) - len(src) <= PJAC_MAX_BYTES:
        src = with_pjac
    with tempfile.TemporaryDirectory(dir=d, prefix="build-") as tmp:
        c_file = os.path.join(tmp, "model.c")
        with open(c_file, "w") as fh:
            fh.write(src)
        tmp_lib = os.path.join(tmp, "model.so")
        r = subprocess.run([cc, *CFLAGS, "-o", tmp_lib, c_file, "-lm"], capture_output=True, text=True)
        if r.returncode != 0:
            return {"path": "bytecode", "reason": "the C compiler failed: " + r.stderr[-2000:]}
        os.chmod(tmp_lib, 0o700)
        fd, tmp_meta = tempfile.mkstemp(dir=d, prefix=".meta-")
        with os.fdopen(fd, "w") as fh:
            json.dump({"key": key, "compiler": cc_id, "flags": CFLAGS, "version": _version}, fh)
        os.replace(tmp_lib, lib_path)   # atomic: readers see the old file or the whole new one
        os.replace(tmp_meta, meta_path)
    pjac = _load(model, key, lib_path)
    return {"path": "native", "library": lib_path, "cached": False, "parameter_jacobian": pjac}


def ensure_native(model, wait):
    """Start (or finish, with wait) the native build of a traced model; returns its info so far. The build's
    thread and result live on the model, so nothing here outlives it."""
    info = getattr(model, "_jit_info", None)
    if info is not None:
        return info
    if os.environ.get("SCIML_JIT", "").lower() in ("0", "off", "bytecode"):
        return {"path": "bytecode", "reason": "SCIML_JIT disables native builds"}
    with _lock:
        th = getattr(model, "_jit_thread", None)
        if th is None:
            def work():
                try:
                    result = _build(model)
                except Exception as e:  # noqa: BLE001 - a failed build leaves the bytecode path
                    result = {"path": "bytecode", "reason": f"{type(e).__name__}: {e}"}
                model._jit_info = result
                model._jit_thread = None
            th = threading.Thread(target=work, daemon=True)
            model._jit_thread = th
            th.start()
    if wait:
        th.join()
    return getattr(model, "_jit_info", None) or {"path": "bytecode", "reason": "native build in progress"}


def build_cached_library(key, source, source_name, command, meta):
    """Compile `source` (written as source_name in a private temporary directory) into the shared library
    <cache>/<key>.so with command(source_path, library_path) -> argv, or reuse it from the cache, under the same
    rules as the models' native code: the cache directory and the library (and its .json record, which must
    hold this key) belong to the current user and are not writable by others; the build goes to a temporary
    name and is renamed into place. Returns (library path, cached); raises RuntimeError with the compiler's
    message when the build fails."""
    d = cache_dir()
    if not _safe(d, True):
        raise RuntimeError(f"the cache directory {d} is not owned by this user or is writable by others; "
                           "set SCIML_CACHE_DIR to a private directory")
    lib_path = os.path.join(d, key + ".so")
    meta_path = os.path.join(d, key + ".json")
    if _safe(lib_path, False) and _safe(meta_path, False):
        try:
            with open(meta_path) as fh:
                if json.load(fh).get("key") == key:
                    return lib_path, True
        except (OSError, ValueError, AttributeError):
            pass
    with tempfile.TemporaryDirectory(dir=d, prefix="build-") as tmp:
        src_file = os.path.join(tmp, source_name)
        with open(src_file, "w") as fh:
            fh.write(source)
        tmp_lib = os.path.join(tmp, "library.so")
        r = subprocess.run(command(src_file, tmp_lib), capture_output=True, text=True)
        if r.returncode != 0 or not os.path.exists(tmp_lib):
            raise RuntimeError(f"compiling the generated {source_name} failed ({' '.join(command('SOURCE', 'LIB'))}):\n"
                               + (r.stderr or r.stdout)[-4000:])
        os.chmod(tmp_lib, 0o700)
        fd, tmp_meta = tempfile.mkstemp(dir=d, prefix=".meta-")
        with os.fdopen(fd, "w") as fh:
            json.dump(dict(meta, key=key, version=_version), fh)
        os.replace(tmp_lib, lib_path)   # atomic: readers see the old file or the whole new one
        os.replace(tmp_meta, meta_path)
    return lib_path, False
