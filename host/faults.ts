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
  260: "JSON text too large: {} bytes (at most 16,384)",
  261: "JSON nested more than 16 deep at byte {}",
  262: "JSON text has more than 16,384 values (at byte {})",
  263: "JSON object has more than 512 members (at byte {})",
  264: "JSON text is not valid UTF-8 at byte {}",
  265: "JSON syntax error at byte {}",
  266: "text after the JSON value at byte {}",
  267: "control character or bad escape in a JSON string at byte {}",
  268: "unpaired surrogate escape in a JSON string at byte {}",
  269: "unterminated JSON string at byte {}",
  270: "malformed JSON number at byte {}",
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
