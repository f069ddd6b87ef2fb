#!/usr/bin/env python3
"""fwplan's layering, checked: every C/C++ file of lib/, include/ and tools/ belongs to a
module, every module to a layer, and no file includes a module of a higher layer; the modules
form no cycle. The layers are written down once, in the table of docs/architecture.md between
its `layers:begin` and `layers:end` markers, which this script reads.

    tests/layering/check_layers.py [--root DIR] [--table FILE] [--report]

Exit 0 when the rules hold, 1 with every offending include (file:line) otherwise. --report
also prints the module graph and the counts.
"""
import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

SOURCES = ("lib", "include", "tools")
EXTENSIONS = (".hpp", ".cpp", ".h", ".c", ".hpp.in")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def read_table(path):
    """Rows of the layer table: (layer number, layer name, module, [path prefixes])."""
    text = path.read_text(encoding="utf-8")
    try:
        block = text.split("<!-- layers:begin -->", 1)[1].split("<!-- layers:end -->", 1)[0]
    except IndexError:
        sys.exit(f"{path}: no <!-- layers:begin --> ... <!-- layers:end --> table")
    rows = []
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not re.match(r"^\d+", cells[0]):
            continue
        number, _, name = cells[0].partition(" ")
        paths = re.findall(r"`([^`]+)`", cells[2])
        if not paths:
            sys.exit(f"{path}: module {cells[1]} lists no paths")
        rows.append((int(number), name.strip(), cells[1], paths))
    if not rows:
        sys.exit(f"{path}: the layer table is empty")
    return rows


def module_map(rows):
    """path prefix -> (layer, module); a prefix ending in '/' is a folder."""
    out = {}
    for number, _, module, paths in rows:
        for p in paths:
            if p in out:
                sys.exit(f"architecture table: {p} is listed twice")
            out[p] = (number, module)
    return out


def module_of(rel, prefixes):
    best = None
    for prefix, owner in prefixes.items():
        if rel == prefix or (prefix.endswith("/") and rel.startswith(prefix)):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, owner)
    return best[1] if best else None


def resolve(root, source, kind, name):
    """The repository path an include names, or None for system and library headers."""
    if kind == "<":
        if name.startswith("fwplan/"):
            candidate = root / "include" / name
            if candidate.exists() or (root / "include" / (name + ".in")).exists():
                return f"include/{name}"
        return None
    for base in (source.parent, root / "lib", root / "include"):
        candidate = base / name
        if candidate.exists():
            return candidate.resolve().relative_to(root.resolve()).as_posix()
    return None


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = Path(__file__).resolve().parents[2]
    parser.add_argument("--root", type=Path, default=here)
    parser.add_argument("--table", type=Path)
    parser.add_argument("--report", action="store_true")
    args = parser.parse_args()
    root = args.root.resolve()
    rows = read_table(args.table or root / "docs" / "architecture.md")
    prefixes = module_map(rows)
    layer_name = {number: name for number, name, _, _ in rows}

    problems, against, includes = [], [], 0
    graph = defaultdict(set)
    edges = defaultdict(int)
    for top in SOURCES:
        for path in sorted((root / top).rglob("*")):
            if not path.is_file() or not path.name.endswith(EXTENSIONS):
                continue
            rel = path.relative_to(root).as_posix()
            owner = module_of(rel, prefixes)
            if owner is None:
                problems.append(f"{rel}: belongs to no module of the layer table "
                                "(add it to docs/architecture.md)")
                continue
            layer, module = owner
            graph[module]
            for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace")
                                          .splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = resolve(root, path, m.group(1), m.group(2))
                if target is None:
                    continue
                target_owner = module_of(target, prefixes)
                if target_owner is None:
                    continue  # reported above when it is a source file
                includes += 1
                t_layer, t_module = target_owner
                if t_module != module:
                    graph[module].add(t_module)
                    edges[(module, t_module)] += 1
                if t_layer > layer:
                    against.append(f"{rel}:{number}: {module} (layer {layer} {layer_name[layer]}) "
                                   f"includes {m.group(2)}, of {t_module} "
                                   f"(layer {t_layer} {layer_name[t_layer]}), a higher layer")
    loops = cycles(graph)
    if args.report:
        print(f"{includes} includes between project files, {len(against)} against the layer "
              f"order, {len(loops)} cycles of modules")
        for (a, b), n in sorted(edges.items()):
            print(f"  {a} -> {b}: {n}")
    for p in problems + against:
        print(p)
    for loop in loops:
        inside = sum(n for (a, b), n in edges.items() if a in loop and b in loop)
        print(f"cycle of {len(loop)} modules ({inside} includes inside it): {' '.join(loop)}")
    return 1 if problems or against or loops else 0


if __name__ == "__main__":
    sys.exit(main())
