// Hardware-in-loop: every reply to an utterance reaches every display the
// board has, at once; on a board without a speaker the screen is the only
// feedback (the OLED), and on the TV both the text screen and the picture
// change. The firmware runs in this process so the test sees each blit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LocalDevice, TraceLine } from "../support/device.ts";

// Nothing listens on port 9 of loopback: the device backs off and stays unlinked.
const CONFIG = {
  issuer: "http://127.0.0.1:9", client_id: "replies",
  device_authorization_endpoint: "http://127.0.0.1:9/device", token_endpoint: "http://127.0.0.1:9/token",
};

function withBlits(d: LocalDevice): void {
  d.sim.runtime.onBlit = () => {
    d.lines.push({ t: d.sim.runtime.now(), ev: "blit", at: performance.now() } as TraceLine);
  };
}

/** Says `text` and returns what the device did between the utterance and its next blit. */
async function replyFrame(d: LocalDevice, text: string): Promise<TraceLine[]> {
  const from = d.lines.length;
  d.say(text);
  const heard = await d.waitFor((l) => l.ev === "utterance" && d.lines.indexOf(l) >= from, 5000, "the utterance");
  const blit = await d.waitFor((l) => l.ev === "blit" && d.lines.indexOf(l) > d.lines.indexOf(heard), 5000, `a new frame after "${text}"`);
  return d.lines.slice(d.lines.indexOf(heard) + 1, d.lines.indexOf(blit));
}

test("OLED (no speaker): 'didn't get that' and 'not linked' each draw a new frame at once", async () => {
  const d = new LocalDevice({ config: CONFIG, board: "oled" });
  withBlits(d);
  try {
    await d.waitState("backoff", 10000);
    for (const text of ["sing me a song", "who am i"]) {
      const between = await replyFrame(d, text);
      assert.ok(!between.some((l) => l.ev === "net" || l.ev === "state"), `the frame answers the utterance itself: ${JSON.stringify(between)}`);
    }
    assert.ok(!d.lines.some((l) => l.ev === "say"), "nothing is said on a board without a speaker");
  } finally {
    d.stop();
  }
});

test("TV: the reply is said, written on the text screen and drawn in the picture", async () => {
  const d = new LocalDevice({ config: CONFIG, board: "tv" });
  withBlits(d);
  try {
    await d.waitState("backoff", 10000);
    const from = d.lines.length;
    const between = await replyFrame(d, "sing me a song");
    assert.ok(between.some((l) => l.ev === "say" && /didn't get that/.test(l.text)), "said");
    await d.waitFor((l) => l.ev === "display" && d.lines.indexOf(l) >= from && /didn't get that/.test(l.text.replace(/\s+/g, " ")), 5000, "the reply on the text screen");
  } finally {
    d.stop();
  }
});
