"""Native code for traced models: the model's C source (generated from the expression graph; nothing from user
code but numbers reaches it) is compiled once into a shared library, cached on disk by hash, and loaded.

The cache lives in $SCIML_CACHE_DIR, else $XDG_CACHE_HOME/sciml, else ~/.cache/sciml, created owner-only
(0700). A cached library is loaded only when it and its directory are owned by the current user, neither is
writable by others, and its recorded key (the model's canonical text, the compiler's identity and flags, the
sciml version) matches and the library's size and SHA-256, recorded when it was built, match the file: a
truncated or corrupted library, or another model's library put in its place, is rebuilt, never loaded
(loading it would crash the process or give another model's results); the model's key is also compiled
into the library and compared after loading, so another model's library with an edited record is refused too. Builds write to a temporary name and
rename, so concurrent processes compiling the same model do not corrupt each other.

A build is capped: C source above SOURCE_MAX_BYTES ($SCIML_JIT_MAX_BYTES) is not compiled, and a compiler
running longer than BUILD_TIMEOUT seconds ($SCIML_JIT_TIMEOUT) is stopped; the model then stays on bytecode,
with a NativeCodeWarning that says why (as for a refused cache directory). The compiler runs in its own
process group, which is killed, and its build-* directory removed, when Python exits during a build. The first solve of a model runs on bytecode while the build runs in a
background thread; later solves use the native code.

The library holds f, its Jacobian's nonzeros and, for the adjoints of sciml.gradient, df/dp's nonzeros. df/dp of a
large model (a neural network of more than about 400 parameters) is one long straight-line function whose C
compile time and memory grow faster than linearly (GCC -O2: 250 kB of C in 2 s, 570 kB in 17 s, 1 MB in 90 s and
1.2 GB), so above PJAC_MAX_BYTES of C it stays on bytecode."""
import atexit
import ctypes
import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
import warnings

from ._version import __version__ as _version

CFLAGS = ["-O2", "-fPIC", "-shared", "-fno-math-errno"]
_F_SYMBOL, _JAC_SYMBOL, _PJAC_SYMBOL = "sciml_f", "sciml_jac", "sciml_pjac"
_KEY_SYMBOL = "sciml_model_key"
PJAC_MAX_BYTES = 300_000  # df/dp's C source above this stays on bytecode (see above)
# f and its Jacobian above this stay on bytecode: GCC -O2 time grows faster than linearly in straight-line code
# (measured: 1 MB of C in 90 s; a 10^5-operation f gave 8.5 MB that had not compiled after 300 s)
SOURCE_MAX_BYTES = int(os.environ.get("SCIML_JIT_MAX_BYTES", 2_000_000))
BUILD_TIMEOUT = float(os.environ.get("SCIML_JIT_TIMEOUT", 300))
STALE_BUILD_SECONDS = 3600  # build-* directories older than this were left by a killed process: removed
_lock = threading.Lock()
_loaded = {}     # key -> ctypes.CDLL (kept alive for the process; one per distinct model)
_compiler_id = None
_running = {}    # Popen -> its temporary build directory (killed and removed at exit)
_exiting = False


class NativeCodeWarning(UserWarning):
    """Native code could not be built or loaded (no compiler, a refused cache, a build over its size or time
    limit, a compiler error): the model runs on bytecode, which gives the same results more slowly."""


def cache_dir():
    """The compile cache directory (created owner-only when missing)."""
    d = os.environ.get("SCIML_CACHE_DIR")
    if not d:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        d = os.path.join(base, "sciml")
    os.makedirs(d, mode=0o700, exist_ok=True)
    return d


def _refusal(path, is_dir):
    """Why path may not be used (None: it may): it must be ours, a real directory or regular file (not a
    symbolic link), and not writable by group or others."""
    try:
        st = os.lstat(path)
    except OSError as e:
        return f"{path} cannot be read ({e.strerror})"
    if stat.S_ISLNK(st.st_mode):
        return f"{path} is a symbolic link (set SCIML_CACHE_DIR to the real directory)"
    if is_dir and not stat.S_ISDIR(st.st_mode):
        return f"{path} is not a directory"
    if not is_dir and not stat.S_ISREG(st.st_mode):
        return f"{path} is not a regular file"
    if st.st_uid != os.getuid():
        return f"{path} is not owned by this user"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"{path} is writable by others"
    return None


def _safe(path, is_dir):
    return _refusal(path, is_dir) is None


def _dir_refusal(d):
    r = _refusal(d, True)
    return None if r is None else f"the cache directory is refused: {r}"


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


def _digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _cached(d, key):
    """<d>/<key>.so when it may be loaded: safe files, the record names this key, and the library's size and
    SHA-256 are the recorded ones. A library that fails the check (truncated, corrupted, replaced) is removed
    with its record, so that it is rebuilt (regression: test_corrupted_cache_entry)."""
    lib_path = os.path.join(d, key + ".so")
    meta_path = os.path.join(d, key + ".json")
    if not (_safe(lib_path, False) and _safe(meta_path, False)):
        return None
    try:
        with open(meta_path) as fh:
            meta = json.load(fh)
        if not isinstance(meta, dict) or meta.get("key") != key:
            return None
        if meta.get("size") == os.path.getsize(lib_path) and meta.get("sha256") == _digest(lib_path):
            return lib_path
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    for path in (lib_path, meta_path):  # ours (checked above) and bad: rebuilt in its place
        try:
            os.remove(path)
        except OSError:
            pass
    return None


def _install(d, key, tmp_lib, meta):
    """Move a freshly built library into the cache with its record (size, SHA-256)."""
    os.chmod(tmp_lib, 0o700)
    record = dict(meta, key=key, version=_version, size=os.path.getsize(tmp_lib), sha256=_digest(tmp_lib))
    fd, tmp_meta = tempfile.mkstemp(dir=d, prefix=".meta-")
    with os.fdopen(fd, "w") as fh:
        json.dump(record, fh)
    lib_path = os.path.join(d, key + ".so")
    os.replace(tmp_lib, lib_path)   # atomic: readers see the old file or the whole new one
    os.replace(tmp_meta, os.path.join(d, key + ".json"))
    return lib_path


def _remove_stale_builds(d):
    now = time.time()
    try:
        names = os.listdir(d)
    except OSError:
        return
    for name in names:
        if not (name.startswith("build-") or name.startswith(".meta-")):
            continue
        path = os.path.join(d, name)
        try:
            if now - os.lstat(path).st_mtime > STALE_BUILD_SECONDS:
                shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        except OSError:
            pass


def _compile(argv, tmpdir, timeout):
    """Run the compiler in its own process group with a time limit. Returns (ok, message)."""
    if _exiting:
        return False, "Python is exiting"
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
    except OSError as e:
        return False, f"the C compiler could not be started: {e}"
    with _lock:
        _running[proc] = tmpdir
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        proc.communicate()
        return False, (f"the C compiler ran longer than {timeout:g} s (SCIML_JIT_TIMEOUT) and was stopped; the "
                       "model stays on bytecode")
    finally:
        with _lock:
            _running.pop(proc, None)
    if proc.returncode != 0:
        return False, "the C compiler failed: " + (err or out)[-2000:]
    return True, ""


def _kill(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass


@atexit.register
def _stop_builds():
    """At exit: no orphaned compiler, no build-* directory left behind."""
    global _exiting
    _exiting = True
    with _lock:
        running = list(_running.items())
    for proc, tmpdir in running:
        _kill(proc)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        shutil.rmtree(tmpdir, ignore_errors=True)


def _load(model, key, lib_path):
    lib = _loaded.get(key)
    if lib is None:
        lib = ctypes.CDLL(lib_path)
        try:  # the key compiled into the library: another model's library, even with a matching record, is refused
            ok = (ctypes.c_char * (len(key) + 1)).in_dll(lib, _KEY_SYMBOL).value == key.encode()  # a char array
        except ValueError:
            ok = False
        if not ok:
            _unload(lib)
            raise _WrongLibrary(f"{lib_path} holds another model's code")
        _loaded[key] = lib
    f = ctypes.cast(getattr(lib, _F_SYMBOL), ctypes.c_void_p).value
    j = ctypes.cast(getattr(lib, _JAC_SYMBOL), ctypes.c_void_p).value
    pj = getattr(lib, _PJAC_SYMBOL, None)  # df/dp, for adjoints (absent when too large to compile)
    pj = ctypes.cast(pj, ctypes.c_void_p).value if pj is not None else 0
    model.load_native(f, j, pj)
    return "native" if pj else "bytecode"


class _WrongLibrary(Exception):
    pass


def _unload(lib):
    """dlclose, so that a rebuilt library at the same path is really loaded (dlopen reuses a loaded path)."""
    try:
        import _ctypes
        _ctypes.dlclose(lib._handle)
    except (ImportError, AttributeError, OSError):
        pass


def _build(model):
    """Compile (or find in the cache) and load; returns the info dict."""
    cc, cc_id = compiler()
    if not cc:
        return {"path": "bytecode", "reason": "no C compiler found (set SCIML_CC)"}
    d = cache_dir()
    refused = _dir_refusal(d)
    if refused:
        return {"path": "bytecode", "reason": refused}
    key = model_key(model, cc_id)
    with _lock:
        lib_path = _cached(d, key)
    if lib_path:
        try:
            pjac = _load(model, key, lib_path)
            return {"path": "native", "library": lib_path, "cached": True, "parameter_jacobian": pjac}
        except _WrongLibrary:
            for path in (lib_path, lib_path[:-3] + ".json"):
                try:
                    os.remove(path)
                except OSError:
                    pass
    src = model.c_source(_F_SYMBOL, _JAC_SYMBOL)
    if len(src) > SOURCE_MAX_BYTES:
        return {"path": "bytecode", "reason": f"the model's C source is {len(src) / 1e6:.1f} MB, above the "
                f"{SOURCE_MAX_BYTES / 1e6:.1f} MB limit of native builds (SCIML_JIT_MAX_BYTES); compiling it "
                "would take minutes"}
    with_pjac = model.c_source(_F_SYMBOL, _JAC_SYMBOL, _PJAC_SYMBOL)
    if len(with_pjac) - len(src) <= PJAC_MAX_BYTES:
        src = with_pjac
    src += f'\nconst char {_KEY_SYMBOL}[] = "{key}";\n'  # checked when loaded (key: hexadecimal digits)
    _remove_stale_builds(d)
    with tempfile.TemporaryDirectory(dir=d, prefix="build-") as tmp:
        c_file = os.path.join(tmp, "model.c")
        with open(c_file, "w") as fh:
            fh.write(src)
        tmp_lib = os.path.join(tmp, "model.so")
        ok, why = _compile([cc, *CFLAGS, "-o", tmp_lib, c_file, "-lm"], tmp, BUILD_TIMEOUT)
        if not ok or _exiting:
            return {"path": "bytecode", "reason": why or "Python is exiting"}
        lib_path = _install(d, key, tmp_lib, {"compiler": cc_id, "flags": CFLAGS})
    pjac = _load(model, key, lib_path)
    return {"path": "native", "library": lib_path, "cached": False, "parameter_jacobian": pjac}


def _warn(model, info):
    """Say once per model why it stays on bytecode (a missing compiler is not worth a warning)."""
    reason = info.get("reason") if info.get("path") == "bytecode" else None
    if reason and not getattr(model, "_jit_warned", False) and not reason.startswith(("no C compiler", "SCIML_JIT")):
        model._jit_warned = True
        warnings.warn(f"sciml: native code is off for this model ({reason}); it runs on bytecode: the same results, "
                      "more slowly", NativeCodeWarning, stacklevel=4)


def ensure_native(model, wait):
    """Start (or finish, with wait) the native build of a traced model; returns its info so far. The build's
    thread and result live on the model, so nothing here outlives it. A refused cache directory is found here,
    in the caller's thread, and any reason to stay on bytecode is given once as a NativeCodeWarning."""
    info = getattr(model, "_jit_info", None)
    if info is not None:
        _warn(model, info)
        return info
    if os.environ.get("SCIML_JIT", "").lower() in ("0", "off", "bytecode"):
        return {"path": "bytecode", "reason": "SCIML_JIT disables native builds"}
    try:
        refused = _dir_refusal(cache_dir())
    except OSError as e:
        refused = f"the cache directory cannot be created ({e})"
    if refused:
        model._jit_info = {"path": "bytecode", "reason": refused}
        _warn(model, model._jit_info)
        return model._jit_info
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
        info = getattr(model, "_jit_info", None)
        if info is not None:
            _warn(model, info)
    return getattr(model, "_jit_info", None) or {"path": "bytecode", "reason": "native build in progress"}


def build_cached_library(key, source, source_name, command, meta, timeout=None):
    """Compile `source` (written as source_name in a private temporary directory) into the shared library
    <cache>/<key>.so with command(source_path, library_path) -> argv, or reuse it from the cache, under the same
    rules as the models' native code: the cache directory and the library (and its .json record, which must
    hold this key and the library's size and SHA-256) belong to the current user and are not writable by others;
    the build goes to a temporary name and is renamed into place. Returns (library path, cached); raises
    RuntimeError with the compiler's message when the build fails."""
    d = cache_dir()
    refused = _dir_refusal(d)
    if refused:
        raise RuntimeError(refused + "; set SCIML_CACHE_DIR to a private directory")
    with _lock:
        lib_path = _cached(d, key)
    if lib_path:
        return lib_path, True
    _remove_stale_builds(d)
    with tempfile.TemporaryDirectory(dir=d, prefix="build-") as tmp:
        src_file = os.path.join(tmp, source_name)
        with open(src_file, "w") as fh:
            fh.write(source)
        tmp_lib = os.path.join(tmp, "library.so")
        ok, why = _compile(command(src_file, tmp_lib), tmp, timeout or BUILD_TIMEOUT)
        if not ok or not os.path.exists(tmp_lib):
            raise RuntimeError(f"compiling the generated {source_name} failed ({' '.join(command('SOURCE', 'LIB'))}):\n"
                               + why[-4000:])
        lib_path = _install(d, key, tmp_lib, meta)
    return lib_path, False
