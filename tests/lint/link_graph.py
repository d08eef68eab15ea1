#!/usr/bin/env python3
"""link_graph.py -- the engine's file dependencies as the linker sees them.

Reads the symbol tables (nm) of the engine library's objects and of the
programs' objects, and checks what engine/src/README.md promises:

  * no circle of engine files: file X calling a function defined in file Y and
    Y (directly or around a longer loop) calling back into X. The review of
    issue 16 found four (block.c <-> block_keys.c, features.c <->
    features_record.c, name_fold.c <-> name_parse.c, api_report.c <-> run.c);
    headers hide them, so the objects are read instead of the #includes;
  * the stages depend one way (read -> normalise -> features -> block ->
    compare -> score -> cluster, common/ below them all, pipeline/ above): a
    file calling a function defined in a later stage's folder is a fault. The
    review found read/reader_columns.c and score/model_json.c calling name
    helpers of pipeline/api.c. A folder not in the chain (pprl/, store/, ...)
    sits between cluster/ and pipeline/: it may use every stage, and no stage
    may call it;
  * "0 threads means all cores" is written once: only common/common.c asks
    OpenMP for the core count (omp_get_max_threads); the CLI, the benchmarks and
    every other engine file go through wl_thread_count.

Usage: link_graph.py ENGINE_LIB.a [PROGRAM_OBJECTS ...] (objects also as a;b;c)
Exit 0 when both hold, 1 with one line per fault otherwise.
"""
import os
import subprocess
import sys

ONE_THREAD_HELPER = "common.c.o"
# engine/src's folders in the order data flows through them (engine/src/README.md).
STAGES = ["common", "read", "normalise", "features", "block", "compare", "score", "cluster", None, "pipeline"]
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "engine", "src")
CORE_COUNT = "omp_get_max_threads"


def symbols(path):
    """{member: (defined, undefined)} of an archive or one object (nm's POSIX
    format: "lib.a[member.o]: name T value size", "file.o: name U")."""
    out = subprocess.run(["nm", "-P", "-A", path], capture_output=True, text=True, check=True).stdout
    table = {}
    for line in out.splitlines():
        where, sep, rest = line.partition(": ")
        fields = rest.split()
        if not sep or len(fields) < 2:
            continue
        member = where[where.index("[") + 1:-1] if where.endswith("]") else os.path.basename(where)
        defined, undefined = table.setdefault(member, (set(), set()))
        if fields[1] in ("T", "D", "B", "R"):
            defined.add(fields[0])
        elif fields[1] == "U":
            undefined.add(fields[0])
    return table


def circles(table):
    """Strongly connected components of more than one file (Tarjan)."""
    owner = {}
    for member, (defined, _) in table.items():
        for s in defined:
            owner[s] = member
    dep = {m: sorted({owner[s] for s in und if s in owner and owner[s] != m})
           for m, (_, und) in table.items()}
    index, low, stack, on, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in dep[v]:
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
                found.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(dep):
        if v not in index:
            visit(v)
    return found


# Sources the build generates: the embedded data tables belong to common/.
GENERATED = {"wl_tables.c.o": "common"}


def stage_of(src=SRC):
    """{object member name: (folder, rank)} for engine/src/FOLDER/FILE.c; a
    folder outside STAGES ranks where the None entry stands."""
    out = {m: (folder, STAGES.index(folder)) for m, folder in GENERATED.items()}
    for folder in sorted(os.listdir(src)):
        path = os.path.join(src, folder)
        if not os.path.isdir(path):
            continue
        rank = STAGES.index(folder) if folder in STAGES else STAGES.index(None)
        for name in os.listdir(path):
            if name.endswith(".c"):
                out[name + ".o"] = (folder, rank)
    return out


def upward_calls(table, stages):
    """(caller, callee, symbol) where caller's stage comes before callee's."""
    owner = {s: m for m, (defined, _) in table.items() for s in defined}
    found = []
    for m, (_, und) in sorted(table.items()):
        for s in sorted(und):
            o = owner.get(s)
            if o is None or o == m or m not in stages or o not in stages:
                continue
            if stages[m][1] < stages[o][1]:
                found.append((m, o, s))
    return found


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-3], file=sys.stderr)
        return 2
    engine = symbols(argv[1])
    if len(engine) < 10:
        print(f"{argv[1]}: only {len(engine)} objects read: not the engine library", file=sys.stderr)
        return 1
    faults = []
    for comp in circles(engine):
        faults.append("engine files calling each other in a circle: " + " <-> ".join(
            m[:-2] for m in comp))
    stages = stage_of()
    missing = sorted(m for m in engine if m not in stages)
    if missing:
        faults.append("objects without a source in engine/src/*/: " + ", ".join(missing))
    for m, o, sym in upward_calls(engine, stages):
        faults.append(f"{stages[m][0]}/{m[:-2]} calls {sym} of {stages[o][0]}/{o[:-2]}: "
                      "a stage calls only its own and earlier stages (engine/src/README.md)")
    programs = {}
    # CMake hands each program's objects as one ';'-separated argument
    for obj in (o for arg in argv[2:] for o in arg.split(";") if o):
        programs.update({obj: v for v in symbols(obj).values()})
    for name, (_, und) in list(engine.items()) + list(programs.items()):
        if CORE_COUNT in und and name != ONE_THREAD_HELPER:
            faults.append(f"{name}: calls {CORE_COUNT}; use wl_thread_count (common.c), the one "
                          "place that says what 0 threads means")
    if ONE_THREAD_HELPER not in engine or CORE_COUNT not in engine[ONE_THREAD_HELPER][1]:
        faults.append(f"{ONE_THREAD_HELPER} does not call {CORE_COUNT}: the check looks at the wrong objects")
    for f in faults:
        print(f)
    print(f"{len(engine)} engine objects, {len(programs)} program objects, {len(faults)} fault(s)")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
