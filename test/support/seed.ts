// Seeded randomness for tests that pick random moments or inputs: the seed
// comes from LINKFW_SEED when set (to replay a failure), otherwise it is
// fresh, and it is always printed so a failing run can be repeated.

/** mulberry32: small, fast, and good enough to spread test timings. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed for `what` (printed), and its generator. */
export function testRandom(what: string): { seed: number; random: () => number } {
  const env = process.env.LINKFW_SEED;
  const seed = env !== undefined && env !== "" ? Number(env) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
  console.log(`# ${what}: seed ${seed} (replay with LINKFW_SEED=${seed})`);
  return { seed, random: seededRandom(seed) };
}
