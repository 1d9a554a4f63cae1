"""Compiles tests/gpu/kernel_registers.cu with `nvcc -cubin -Xptxas -v` and checks ptxas's report: every
EnsembleGPUKernel kernel in it keeps its trajectory in registers (0 bytes stack frame, 0 bytes of spills), except
the ones known not to fit (KNOWN: reported, not failed). Prints the table docs/gpu.md quotes.
A dynamically indexed array (a pivot row, a stage picked by a loop counter) would put it in local memory,
which a GPU reaches through the cache hierarchy: many times slower than registers. Needs nvcc, not a device.
Usage: check_kernel_registers.py NVCC SOURCE INCLUDE_DIR ARCH (e.g. 90) [EXPECTED_KERNELS]"""
import os
import re
import subprocess
import sys
import tempfile

nvcc, source, include, arch = sys.argv[1:5]
expected = int(sys.argv[5]) if len(sys.argv) > 5 else 12
KNOWN = {("Kvaerno5", "float"), ("Kvaerno5", "double"), ("Vern9", "double")}
with tempfile.TemporaryDirectory() as tmp:
    cmd = [nvcc, "-std=c++20", "-O3", "--expt-relaxed-constexpr", f"-arch=sm_{arch}", "-I", include, "-Xptxas", "-v",
           "-cubin", "-o", os.path.join(tmp, "k.cubin"), source]
    run = subprocess.run(cmd, capture_output=True, text=True)
if run.returncode != 0:
    sys.exit("nvcc failed:\n" + run.stdout + run.stderr)
kernels, name = [], None
for line in (run.stdout + run.stderr).splitlines():
    m = re.search(r"Compiling entry function '(\S+)'", line)
    if m:
        name = m.group(1) if "ensemble_kernel" in m.group(1) else None
        continue
    if name is None:
        continue
    m = re.search(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads", line)
    if m:
        kernels.append({"name": name, "stack": int(m.group(1)), "spill": int(m.group(2)) + int(m.group(3))})
    m = re.search(r"Used (\d+) registers", line)
    if m and kernels and kernels[-1]["name"] == name:
        kernels[-1]["registers"] = int(m.group(1))
        name = None

bad = 0
for k in kernels:
    method = re.search(r"tableau\d+(\w+?)Tableau|(Rosenbrock23)", k["name"])
    label = (method.group(1) or method.group(2)) if method else k["name"][:60]
    scalar = "double" if "SVectorIdLm3" in k["name"] else "float"
    ok = k["stack"] == 0 and k["spill"] == 0
    known = not ok and (label, scalar) in KNOWN
    bad += not ok and not known
    print(f"{'ok  ' if ok else 'known' if known else 'FAIL'} {label:13s} {scalar:6s} registers {k.get('registers', '?'):>3}  "
          f"stack frame {k['stack']} B  spills {k['spill']} B")
if len(kernels) != expected:
    sys.exit(f"expected {expected} ensemble kernels in ptxas's report, found {len(kernels)}")
if bad:
    sys.exit(f"{bad} kernel(s) use local memory: look for arrays indexed by a runtime value in their step")
print(f"every kernel but the {len(KNOWN)} known ones keeps its trajectory in registers")
