// Hardware-in-loop: unlink while the board refuses a request (EBUSY), with
// the firmware in this process so the test can use the board's refuse hook.
// The outcome is said only after both RFC 7009 revocations were tried.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startAuthServer } from "../support/servers.ts";
import { EBUSY } from "../../host/runtime.ts";
import { startFaultProxy } from "../support/fault-proxy.ts";
import { approve } from "../support/phone.ts";
import { LocalDevice } from "../support/device.ts";

test("UNLINK while the board refuses the first revocation: both are tried before the outcome is said", async () => {
  const server = await startAuthServer({ accessTokenTtl: 3600 });
  const proxy = await startFaultProxy(server.url, { interval: 1 });
  const config = proxy.deviceConfigFor(server.deviceConfig()) as { revocation_endpoint: string };
  const d = new LocalDevice({ config });
  try {
    const { uri, userCode } = await d.shownCode();
    await approve(uri, userCode);
    await d.waitState("linked", 15000);
    let refused = 0;
    d.board.refuse = (req) => {
      if (req.url === config.revocation_endpoint && refused === 0) {
        refused++;
        return EBUSY;
      }
      return null;
    };
    const before = server.events.filter((e) => e.name === "revocation").length;
    d.press("unlink");
    const said = await d.waitFor((l) => l.ev === "say" && /unlinked/i.test(l.text), 15000, "the unlink outcome");
    await d.waitState("unlinked", 5000);
    const at = d.lines.indexOf(said);
    const nets = d.lines.slice(0, at).filter((l) => l.ev === "net" && String(l.url).startsWith(config.revocation_endpoint));
    assert.equal(refused, 1, "the board refused one request");
    assert.equal(nets.length, 2, "two revocations before the outcome: " + JSON.stringify(nets));
    assert.equal(nets[0].refused, true, "the first was refused by the board");
    assert.equal(nets[1].status, 200, "the second reached the server and was confirmed");
    assert.equal(server.events.filter((e) => e.name === "revocation").length, before + 1, "the server saw the access token revocation");
    assert.match(said.text, /server could not be told/, "the device says the server was not told everything");
    await d.waitDisplay(/could not be reached/);
    assert.equal(d.lines.filter((l) => l.ev === "trap").length, 0, "no trap");
    assert.equal(d.sim.runtime.stats.spins, 0, "the host never saw the firmware spin");
  } finally {
    d.stop();
    await proxy.close();
    await server.close();
  }
});
