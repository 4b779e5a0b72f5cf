#!/usr/bin/env python3
"""Checks the module layering of ../shared/STYLE.md on the source tree; exits 1 on a violation.

1. Order. A module (a folder of src/ with a CMakeLists.txt) may link only modules that come
   before it in LAYERS; STYLE's named exceptions are in FORBIDDEN (policy never links baseline).
2. Include what you link. A file in src/M may include "X/..." of another module X only when M
   links X, directly or through its dependencies (the link graph is the truth, not the include
   path: every module sees all of src/).
3. One owner per outside library where STYLE names one: only baseline links SQLite.
4. Tests: a unit test folder links the module it tests, not cmdsentry_lib_all.

The link graph is read from each module's CMakeLists.txt (the cmdsentry_<module> names it lists);
the public facade include/cmdsentry/ is not a module and may be included anywhere.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

# Lowest first. A module not listed here is a violation of its own: place it.
LAYERS = [
    "core", "evtx", "sources", "events", "cmdline", "engine", "rules", "sigma", "kb",
    "correlate", "baseline", "policy", "scan", "trend", "report", "cli",
]
FORBIDDEN = {("policy", "baseline")}
SINGLE_OWNER = {r"\bSQLite::SQLite3\b|\bsqlite3\b|PkgConfig::SQLITE": "baseline"}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_0-9]+)/', re.M)


def modules():
    return sorted(p.name for p in SRC.iterdir() if (p / "CMakeLists.txt").exists())


def direct_deps(mod, known):
    text = (SRC / mod / "CMakeLists.txt").read_text()
    deps = set(re.findall(r"\bcmdsentry_([a-z_0-9]+)\b", text))
    if mod == "cli" and "lib_all" in deps:
        deps |= set(known)  # the CLI links every library module
    return {d for d in deps if d in known and d != mod}


def main():
    known = modules()
    problems = []
    deps = {m: direct_deps(m, known) for m in known}
    for m in known:
        if m not in LAYERS:
            problems.append(f"src/{m}: module not placed in LAYERS of scripts/check-layering.py")
    rank = {m: i for i, m in enumerate(LAYERS)}
    for m in known:
        for d in sorted(deps[m]):
            if m in rank and d in rank and rank[d] >= rank[m]:
                problems.append(f"src/{m} links {d}, which is not below it ({' < '.join(LAYERS)})")
            if (m, d) in FORBIDDEN:
                problems.append(f"src/{m} links {d}: STYLE.md forbids it")

    def closure(m, seen=None):
        seen = set() if seen is None else seen
        for d in deps[m]:
            if d not in seen:
                seen.add(d)
                closure(d, seen)
        return seen

    for m in known:
        allowed = closure(m) | {m}
        for f in sorted((SRC / m).rglob("*")):
            if f.suffix not in (".h", ".cpp", ".inc"):
                continue
            for n, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
                hit = INCLUDE.match(line)
                if hit and hit.group(1) in known and hit.group(1) not in allowed:
                    problems.append(f"{f.relative_to(ROOT)}:{n}: includes {hit.group(1)}/ "
                                    f"but src/{m} does not link cmdsentry_{hit.group(1)}")
    for pattern, owner in SINGLE_OWNER.items():
        for m in known:
            if m != owner and re.search(pattern, (SRC / m / "CMakeLists.txt").read_text()):
                problems.append(f"src/{m}/CMakeLists.txt links a library only src/{owner} may link")
    # 4. A unit test links the module it tests (and what an integration test of it needs, said
    #    in its CMakeLists.txt), never every library at once.
    for cm in sorted((ROOT / "tests" / "unit").glob("*/CMakeLists.txt")):
        if re.search(r"\bcmdsentry_lib_all\b", cm.read_text()):
            problems.append(f"{cm.relative_to(ROOT)} links cmdsentry_lib_all: link the module tested")
    for p in problems:
        print(f"check-layering: {p}")
    if problems:
        return 1
    print(f"check-layering: {len(known)} modules, layering as STYLE.md says")
    return 0


if __name__ == "__main__":
    sys.exit(main())
