// An asc transform for the release build: before binaryen optimizes the
// module, asc lays out every static item (a string, an array, a table from
// memory.data) as a data segment of its own. Optimization then packs the
// segments (splits them at runs of zeros, trims them), so the boundaries
// are lost. This records them, as (memory offset, length) pairs of u32, in
// a custom section that tools/finish.mjs reads and removes: the dead-data
// step (tools/dead-data.mjs) needs to know where each item begins and ends.
import { dataSegments } from "./wasm-sections.mjs";

export const SECTION = "firmware.static-items";

export default class StaticItems {
  afterCompile(module) {
    const segs = dataSegments(module.emitBinary());
    const out = new Uint8Array(segs.length * 8);
    const view = new DataView(out.buffer);
    segs.forEach((s, i) => {
      view.setUint32(i * 8, s.offset, true);
      view.setUint32(i * 8 + 4, s.len, true);
    });
    module.addCustomSection(SECTION, out);
  }
}
