// The embedded authorization server in a process of its own, so that the
// idle figure's process.cpuUsage() counts only the host and the firmware.
// Prints one JSON line {"deviceConfig":…} when ready; exits when stdin ends.
import { startAuthServer } from "../host/authserver.ts";

const ttl = Number(process.argv[2] ?? "180");
const server = await startAuthServer({ deviceCodeTtl: ttl });
process.stdout.write(JSON.stringify({ deviceConfig: server.deviceConfig() }) + "\n");
const quit = () => {
  void server.close().finally(() => process.exit(0));
};
process.stdin.on("end", quit);
process.stdin.on("close", quit);
process.stdin.resume();
process.on("SIGTERM", quit);
