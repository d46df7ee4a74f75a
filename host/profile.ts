// Board profiles (boards/*.json): what a simulated board has. The firmware
// learns it only through board_cap (boards/ABI.md, Capabilities).
import { readFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export interface BoardProfile {
  name: string;
  description?: string;
  display: { width: number; height: number; format: "mono" | "rgb565" } | null;
  text: { cols: number; rows: number } | null;
  leds: number;
  speaker: boolean;
  deviceType: "speaker" | "tv";
  flashBytes: number;
  netBodyCap: number;
}

export const BOARDS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "boards");

function fail(name: string, why: string): never {
  throw new Error(`board profile '${name}': ${why}`);
}

/** Loads and checks a profile by name (boards/NAME.json) or by path. */
export function loadProfile(nameOrPath: string): BoardProfile {
  const path = nameOrPath.endsWith(".json") ? nameOrPath : join(BOARDS_DIR, `${nameOrPath}.json`);
  if (!existsSync(path)) fail(nameOrPath, `no such profile (looked for ${path})`);
  let p: any;
  try {
    p = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    fail(nameOrPath, `not valid JSON: ${(e as Error).message}`);
  }
  const n = p.name ?? nameOrPath;
  if (p.display !== null && p.display !== undefined) {
    const d = p.display;
    if (!(d.width > 0 && d.height > 0 && d.width <= 4096 && d.height <= 4096)) fail(n, "display width/height must be 1..4096");
    if (d.format !== "mono" && d.format !== "rgb565") fail(n, "display format must be 'mono' or 'rgb565'");
  }
  if (p.text && !(p.text.cols > 0 && p.text.rows > 0)) fail(n, "text cols/rows must be positive");
  if (!(Number.isInteger(p.leds) && p.leds >= 0)) fail(n, "leds must be a whole number");
  if (!(p.flashBytes >= 1024 && p.flashBytes % 2 === 0)) fail(n, "flashBytes must be an even number >= 1024");
  if (!(p.netBodyCap >= 1024)) fail(n, "netBodyCap must be >= 1024");
  if (p.deviceType !== "speaker" && p.deviceType !== "tv") fail(n, "deviceType must be 'speaker' or 'tv'");
  return {
    name: n,
    description: p.description,
    display: p.display ?? null,
    text: p.text ?? null,
    leds: p.leds,
    speaker: !!p.speaker,
    deviceType: p.deviceType,
    flashBytes: p.flashBytes,
    netBodyCap: p.netBodyCap,
  };
}
