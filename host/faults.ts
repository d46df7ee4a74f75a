// The words of the firmware's fault codes (assembly/faults.ts). A reason
// comes as "E<n>" or "E<n> <arg>"; the host prints the words below with the
// argument in place of {}. Numbers are never reused.
export const FAULTS: Record<number, string> = {
  // 1xx configuration: the device config (100-139)
  // ·
  // 1xx configuration: URLs, HTTP, forms (140-169)
  // ·
  // 1xx configuration: JSON (170-199)
  // ·
  // 2xx unusable answers: linking, tokens, discovery, unlink (200-239)
  // ·
  // 2xx unusable answers: HTTP, URLs, forms (240-259)
  // ·
  // 2xx unusable answers: JSON and UTF-8 (260-289)
  // ·
  // 2xx unusable answers: the action backend (290-299)
  // ·
  // 3xx refusals and failures: linking, tokens, discovery, unlink (300-339)
  // ·
  // 3xx refusals and failures: HTTP and the action backend (340-399)
  // ·
  // 4xx flash: the token store and its records (400-449)
  // ·
  // 5xx the action table (500-599)
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
