#!/usr/bin/env python3
"""Import circles between the store's modules: every `crate::` and `super::` path of a file, resolved to the
module file that holds it, drawn as a graph; prints the strongly connected components of more than one module.

A module's edges to its own ancestors (a child using its parent's shared types) are left out: a folder is one
area, and what counts is that areas and sibling files do not lean on each other both ways.
With --areas, one node per area (a top-level module, or one scheme of `pathways`); -v lists every edge.
Exit status 1 when a circle remains. Usage: scripts/store-import-cycles.py [--areas] [-v] [crates/store/src]
"""
import re
import sys
from pathlib import Path

args = [a for a in sys.argv[1:] if not a.startswith("-")]
root = Path(args[0] if args else "crates/store/src")
modules = {}  # module path ("pathways::iae::prescriptions") -> file
for f in root.rglob("*.rs"):
    parts = list(f.relative_to(root).with_suffix("").parts)
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    modules["::".join(parts)] = f


def strip(text):
    """The code without its comments, strings and character literals."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            i = text.find("*/", i) + 2
        elif raw := re.match(r'r(#*)"', text[i : i + 10]):
            i = text.find('"' + raw.group(1), i + len(raw.group(0))) + 1 + len(raw.group(1))
            out.append('""')
        elif c == '"':
            i += 1
            while text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            out.append('""')
        elif c == "'" and (text[i + 1] == "\\" or text[i + 2 : i + 3] == "'"):
            i = text.index("'", i + 3 if text[i + 1] == "\\" else i + 2) + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def expand(tree):
    """`a::{b, c::{d, e}}` -> [a::b, a::c::d, a::c::e]."""
    tree = tree.strip()
    depth, start = 0, None
    for i, ch in enumerate(tree):
        if ch == "{" and depth == 0:
            start = i
        depth += ch == "{"
        depth -= ch == "}"
    if start is None:
        return [tree]
    prefix, inner = tree[:start], tree[start + 1 : tree.rindex("}")]
    items, depth, cur = [], 0, ""
    for ch in inner:
        depth += ch == "{"
        depth -= ch == "}"
        if ch == "," and depth == 0:
            items.append(cur)
            cur = ""
        else:
            cur += ch
    items.append(cur)
    return [p for item in items if item.strip() for p in expand(prefix + item.strip())]


def resolve(path, here):
    """The longest known module that `path` (from module `here`) names, or None for the crate root."""
    segs = [s.split(" as ")[0].strip() for s in path.split("::")]
    if segs[0] == "crate":
        segs = segs[1:]
    else:  # super::...
        base = here.split("::") if here else []
        while segs and segs[0] == "super":
            base, segs = base[:-1], segs[1:]
        segs = base + segs
    for n in range(len(segs), 0, -1):
        name = "::".join(segs[:n])
        if name in modules:
            return name
    return None


edges = {m: set() for m in modules}
for here, f in modules.items():
    if here == "":
        continue  # lib.rs: declarations and re-exports only
    text = strip(f.read_text())
    text = text.split("#[cfg(test)]")[0]
    paths = []
    for use in re.findall(r"\buse\s+((?:crate|super)::[^;]+);", text, re.S):
        paths += expand(" ".join(use.split()))
    paths += re.findall(r"(?<![\w:])((?:crate|super)(?:::\w+)+)", text)
    children = [m[len(here) + 2 :] for m in modules if m.startswith(here + "::") and "::" not in m[len(here) + 2 :]]
    for child in children:  # `child::item` written from the parent, without `self::`
        if re.search(rf"(?<![\w:]){child}::", text):
            paths.append(f"crate::{here}::{child}")
    for p in paths:
        target = resolve(p, here)
        if target is None or target == here:
            continue
        if here.startswith(target + "::"):
            continue  # a child leaning on its parent
        edges[here].add(target)

if "--areas" in sys.argv:  # one node per area: a top-level module, or one scheme of `pathways`

    def area(m):
        parts = m.split("::")
        return "::".join(parts[:2] if parts[0] == "pathways" else parts[:1])

    collapsed = {}
    for v, ws in edges.items():
        collapsed.setdefault(area(v), set()).update(area(w) for w in ws if area(w) != area(v))
    edges = collapsed

# Tarjan's strongly connected components.
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]


def visit(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in edges[v]:
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))


sys.setrecursionlimit(10000)
for v in sorted(edges):
    if v not in index:
        visit(v)

print(f"{len(edges)} {'areas' if '--areas' in sys.argv else 'modules'}, {sum(len(e) for e in edges.values())} edges")
for comp in sccs:
    print("circle:", ", ".join(comp))
    for v in comp:
        inner = sorted(w for w in edges[v] if w in comp)
        print(f"  {v} -> {', '.join(inner)}")
if not sccs:
    print("no import circle")
if "-v" in sys.argv:
    for v in sorted(edges):
        print(f"{v} -> {', '.join(sorted(edges[v]))}")
sys.exit(1 if sccs else 0)
