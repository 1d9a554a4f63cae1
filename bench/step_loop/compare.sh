#!/bin/sh
# Our solvers' speed at two revisions of the library, measured in one run (interleaved, best of 3 x 15):
#   sh bench/step_loop/compare.sh REV_BEFORE [REV_AFTER]   (REV_AFTER default: the working tree)
# Prints a markdown table: time before and after, their ratio, and the f calls (equal when no result changed).
set -e
cd "$(dirname "$0")/../.."
before=$1
[ -n "$before" ] || { echo "usage: $0 REV_BEFORE [REV_AFTER]" >&2; exit 2; }
after=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree_of() {  # $1: revision (empty: the working tree) -> an include directory
  if [ -z "$1" ]; then echo "$PWD/include"; return; fi
  mkdir -p "$work/$1" && git archive "$1" include | tar -x -C "$work/$1" && echo "$work/$1/include"
}
for side in before after; do
  eval rev=\$$side
  inc=$(tree_of "$rev")
  g++ -std=c++20 -O3 -DNDEBUG -DSCIML_HAVE_EIGEN -I "$inc" -I/usr/include/eigen3 bench/step_loop/speed.cpp \
    -o "$work/speed_$side"
done
for i in 1 2 3; do
  "$work/speed_before" >"$work/b$i" 2>/dev/null
  "$work/speed_after" >"$work/a$i" 2>/dev/null
done
/usr/bin/python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
def load(f):
    return [l.split() for l in open(f) if l.strip()]
b = [load(f"{w}/b{i}") for i in (1, 2, 3)]
a = [load(f"{w}/a{i}") for i in (1, 2, 3)]
print("| problem/method | rtol | before (us) | after (us) | after / before | f calls before | after |")
print("|---|---:|---:|---:|---:|---:|---:|")
for j, row in enumerate(b[0]):
    tb = min(float(x[j][2]) for x in b)
    ta = min(float(x[j][2]) for x in a)
    print(f"| {row[0]} | {row[1]} | {tb:.1f} | {ta:.1f} | {ta / tb:.2f} | {row[3]} | {a[0][j][3]} |")
PY
