"""What the order-condition checkers (check_erk_tableau.py, check_sdirk_tableau.py) share: reading the tableau
headers of include/sciml/tableau/ (each `struct` with `static constexpr` ints, doubles, strings and
std::array<double, ...> initializers becomes a dict of mpmath numbers, 50 digits), and Butcher's rooted trees."""
import re

import mpmath as mp


def value(expr):
    """One C++ initializer entry (decimal literals, `p / q`, `double(p) / q`, sums) in mpmath."""
    expr = re.sub(r"\b(?:static_cast<double>|double)\s*\(", "(", expr)
    num = r"(?<![\w.])((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFlL]?(?![\w.])"
    py = re.sub(num, lambda m: "mp.mpf('%s')" % m.group(1), expr)
    if re.search(r"[A-Za-z_]", re.sub(r"mp\.mpf\('[^']*'\)", "", py)):
        raise ValueError("cannot parse entry: %r" % expr)
    return mp.mpf(eval(py.strip(), {"mp": mp}))


def parse(path):
    """The tableau structs of one header, as dicts (plus "struct" and "file")."""
    text = open(path).read()
    text = re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", "", text, flags=re.S))
    tabs = []
    for m in re.finditer(r"struct\s+(\w+)\s*\{", text):
        depth, end = 1, m.end()
        while depth:  # the struct body ends at the matching brace
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        body = text[m.end(): end - 1]
        t = {"struct": m.group(1), "file": path}
        for k, v in re.findall(r'static\s+constexpr\s+const\s+char\s*\*\s*(\w+)\s*=\s*"([^"]*)"', body):
            t[k] = v
        for k, v in re.findall(r"static\s+constexpr\s+int\s+(\w+)\s*=\s*(-?\d+)\s*;", body):
            t[k] = int(v)
        for k, v in re.findall(r"static\s+constexpr\s+double\s+(\w+)\s*=\s*([^;]*);", body):
            t[k] = value(v)
        for k, v in re.findall(r"std::array<\s*double\s*,[^>]*>\s*(\w+)\s*\{(.*?)\}\s*;", body, flags=re.S):
            t[k] = [value(e) for e in v.split(",") if e.strip()]
        tabs.append(t)
    return tabs


def rooted_trees(max_order):
    """all rooted trees up to max_order as (children: tuple of indices into the list, order, density)."""
    out = [((), 1, 1)]

    def forests(rem, start, below):  # multisets (non-decreasing indices) of trees with orders summing to rem
        if rem == 0:
            yield ()
        for i in range(start, below):
            if out[i][1] <= rem:
                for rest in forests(rem - out[i][1], i, below):
                    yield (i,) + rest

    for n in range(2, max_order + 1):
        below = len(out)
        for f in list(forests(n - 1, 0, below)):
            g = n
            for i in f:
                g *= out[i][2]
            out.append((f, n, g))
    return out
