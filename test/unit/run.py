"""Runs the compiled AssemblyScript unit specs in the real wasmtime engine.

Each build/test/*.spec.wasm is a WASI command: it prints one line per case
and a closing `RESULT <passed> <failed>` line (see harness.ts). A trap, a
non-zero exit or a missing RESULT line is a failure of that file.

harness.spec is the harness's own self-test: it must report exactly two
failing cases, which proves that a failed expectation and a case with no
assertion are really counted.
"""
import glob
import os
import sys
import tempfile

from wasmtime import Config, Engine, ExitTrap, Linker, Module, Store, Trap, WasiConfig, WasmtimeError

EXPECTED_FAILURES = {"harness.spec": 2}


def run_one(engine, path):
    out = tempfile.NamedTemporaryFile(delete=False)
    out.close()
    store = Store(engine)
    wasi = WasiConfig()
    wasi.stdout_file = out.name
    wasi.stderr_file = out.name
    store.set_wasi(wasi)
    linker = Linker(engine)
    linker.define_wasi()
    module = Module.from_file(engine, path)
    trap = None
    try:
        instance = linker.instantiate(store, module)
        instance.exports(store)["_start"](store)
    except ExitTrap as e:
        if e.code != 0:
            trap = f"exit code {e.code}"
    except (Trap, WasmtimeError) as e:
        trap = str(e).splitlines()[0]
    with open(out.name, encoding="utf-8", errors="replace") as f:
        text = f.read()
    os.unlink(out.name)
    return text, trap


def main():
    files = sorted(glob.glob("build/test/*.spec.wasm"))
    only = sys.argv[1:]
    if only:
        files = [f for f in files if any(o in f for o in only)]
    if not files:
        print("no unit specs found in build/test/")
        return 1
    engine = Engine(Config())
    total_pass = total_fail = 0
    for path in files:
        name = os.path.basename(path)[: -len(".wasm")]
        text, trap = run_one(engine, path)
        result = [l for l in text.splitlines() if l.startswith("RESULT ")]
        expected_fail = EXPECTED_FAILURES.get(name, 0)
        if trap or not result:
            print(f"# {name}: TRAP or no result ({trap or 'missing RESULT line'})")
            print(text)
            total_fail += 1
            continue
        p, f = (int(x) for x in result[-1].split()[1:3])
        if f != expected_fail:
            print(f"# {name}: {f} failing case(s), expected {expected_fail}")
            print(text)
            total_fail += max(1, abs(f - expected_fail))
            total_pass += p
            continue
        # The self-test's intended failure is counted as a pass of the harness.
        total_pass += p + f
        print(f"# {name}: {p + f} passed")
        if os.environ.get("VERBOSE"):
            print(text)
    print(f"unit: {total_pass} passed, {total_fail} failed")
    return 1 if total_fail else 0


if __name__ == "__main__":
    sys.exit(main())
