// The words of the firmware's fault codes (assembly/faults.ts). A reason
// comes as "E<n>" or "E<n> <arg>"; the host prints the words below with the
// argument in place of {}. Numbers are never reused.
export const FAULTS: Record<number, string> = {
  // 1xx configuration
  // 2xx unusable answers
  // 3xx refusals and failures
  // 4xx flash
  // 5xx the action table
};

const FAULT = /^E(\d{3})(?: ([\s\S]*))?$/;

/** A fault reason in words ("E<n> arg" → the words with arg); anything else as it came. */
export function expandFault(reason: string): string {
  const m = FAULT.exec(reason);
  if (!m) return reason;
  const words = FAULTS[Number(m[1])];
  if (words === undefined) return reason;
  const arg = m[2] ?? "";
  const text = words.includes("{}") ? words.replace("{}", () => arg) : arg.length > 0 ? `${words} (${arg})` : words;
  return `${text} [E${m[1]}]`;
}
