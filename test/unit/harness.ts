// A tiny test harness for AssemblyScript unit tests run under wasmtime.
//
// A spec file calls `test(name, fn)` for each case and `report()` once at
// the end. A failed `expect*` records the failure and the case goes on, so
// one spec reports every broken must at once; a trap ends the whole file
// and the runner counts that as a failure. A case that checks nothing
// fails too: a test that cannot fail proves nothing.

let failuresInCase = 0;
let checksInCase = 0;
let passed = 0;
let failed = 0;
let currentCase = "";

export function test(name: string, fn: () => void): void {
  currentCase = name;
  failuresInCase = 0;
  checksInCase = 0;
  fn();
  if (checksInCase == 0) fail("the case made no assertion");
  if (failuresInCase == 0) {
    passed++;
    console.log("ok   " + name);
  } else {
    failed++;
    console.log("FAIL " + name);
  }
}

function fail(message: string): void {
  failuresInCase++;
  console.log("  - " + currentCase + ": " + message);
}

export function expect(cond: bool, message: string): void {
  checksInCase++;
  if (!cond) fail(message);
}

export function expectEq<T>(actual: T, expected: T, message: string): void {
  checksInCase++;
  if (actual != expected) {
    fail(message + " (expected " + show<T>(expected) + ", got " + show<T>(actual) + ")");
  }
}

function show<T>(v: T): string {
  if (isString<T>()) {
    const s = changetype<string | null>(v);
    return s === null ? "null" : "\"" + s + "\"";
  }
  if (isInteger<T>() || isFloat<T>()) return v.toString();
  if (isBoolean<T>()) return v ? "true" : "false";
  return "<value>";
}

/** Prints the closing line the runner reads: `RESULT <passed> <failed>`. */
export function report(): void {
  console.log("RESULT " + passed.toString() + " " + failed.toString());
}
