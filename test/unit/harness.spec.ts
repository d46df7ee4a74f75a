// Proves the harness itself can fail: a case with a false expectation must
// be counted as failed, and so must a case that asserts nothing; the runner
// checks that this file reports exactly 2 failures.
import { test, expect, expectEq, report } from "./harness";

test("a true expectation passes", () => {
  expect(true, "true is true");
  expectEq<i32>(2 + 2, 4, "arithmetic");
});

test("a false expectation fails (expected to fail)", () => {
  expectEq<string>("a", "b", "strings differ");
});

test("a case with no assertion fails (expected to fail)", () => {
  const x = 1 + 1;
  if (x != 2) unreachable();
});

report();
