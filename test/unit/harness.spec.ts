// Proves the harness itself can fail: a case with a false expectation must
// be counted as failed, and the runner checks that this file reports 1 failure.
import { test, expect, expectEq, report } from "./harness";

test("a true expectation passes", () => {
  expect(true, "true is true");
  expectEq<i32>(2 + 2, 4, "arithmetic");
});

test("a false expectation fails (expected to fail)", () => {
  expectEq<string>("a", "b", "strings differ");
});

report();
