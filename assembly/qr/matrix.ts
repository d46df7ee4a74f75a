// The module grid of one symbol: function patterns (§6.3), format and
// version information (§7.9, §7.10) and the placement of codeword bits
// (§7.7.3). Coordinates are x = column, y = row, (0, 0) top left.

import { Ecl, alignmentPositions } from "./tables";
import { formatBits, versionBits } from "./format";
import { maskFlips } from "./mask";

export class Matrix {
  /** Modules per side: 17 + 4 · version (§6.3.1). */
  size: i32;
  /** 1 = dark, row after row. */
  modules: Uint8Array;
  /** 1 where a function pattern lives; data bits and masks skip those. */
  reserved: Uint8Array;

  constructor(public version: i32) {
    const size = version * 4 + 17;
    this.size = size;
    this.modules = new Uint8Array(size * size);
    this.reserved = new Uint8Array(size * size);
  }

  private setFunction(x: i32, y: i32, dark: bool): void {
    const i = y * this.size + x;
    this.modules[i] = dark ? 1 : 0;
    this.reserved[i] = 1;
  }

  /** Everything that does not depend on the data or the mask. */
  drawFunctionPatterns(ecl: Ecl): void {
    const size = this.size;
    // Timing patterns (§6.3.5): row 6 and column 6 alternate, dark on even
    // indices. Drawn across the whole side; the finders overwrite the ends.
    for (let i = 0; i < size; i++) {
      this.setFunction(i, 6, i % 2 == 0);
      this.setFunction(6, i, i % 2 == 0);
    }
    this.drawFinder(3, 3);
    this.drawFinder(size - 4, 3);
    this.drawFinder(3, size - 4);

    const centres = alignmentPositions(this.version);
    const n = centres.length;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        // The three corners next to finder patterns carry no alignment pattern.
        const nearFinder = (i == 0 && j == 0) || (i == 0 && j == n - 1) || (i == n - 1 && j == 0);
        if (!nearFinder) this.drawAlignment(centres[i], centres[j]);
      }
    }

    // Reserve the format areas now; the real bits depend on the mask.
    this.drawFormat(ecl, 0);
    if (this.version >= 7) this.drawVersion();
  }

  /**
   * A finder pattern (§6.3.3) centred on (cx, cy) with its separator:
   * square rings by Chebyshev distance from the centre, 0–1 dark (the 3 × 3
   * core), 2 light, 3 dark, 4 light (the separator, §6.3.4).
   */
  private drawFinder(cx: i32, cy: i32): void {
    this.drawRings(cx, cy, 4, 0b10100);
  }

  /** An alignment pattern (§6.3.6): 5 × 5, dark centre, light ring, dark ring. */
  private drawAlignment(cx: i32, cy: i32): void {
    this.drawRings(cx, cy, 2, 0b00010);
  }

  /**
   * Square rings 0 to `radius` around (cx, cy), ring r light when bit r of
   * `lightRings` is set; modules outside the symbol are skipped.
   */
  private drawRings(cx: i32, cy: i32, radius: i32, lightRings: i32): void {
    for (let dy = -radius; dy <= radius; dy++) {
      for (let dx = -radius; dx <= radius; dx++) {
        const x = cx + dx;
        const y = cy + dy;
        if (x < 0 || y < 0 || x >= this.size || y >= this.size) continue;
        const ring = max(abs(dx), abs(dy));
        this.setFunction(x, y, ((lightRings >> ring) & 1) == 0);
      }
    }
  }

  /**
   * Both copies of the 15 format bits (§7.9.1 Figure 25), plus the single
   * dark module at (8, size − 8) that is always dark.
   *
   * Copy 1 wraps the top-left finder: bits 0–7 go down column 8 (rows
   * 0–5, 7, 8; row 6 is the timing pattern), bits 8–14 go left along row 8
   * (columns 7, 5–0; column 6 is the timing pattern).
   * Copy 2 is split: bits 0–7 run right to left along row 8 under the
   * top-right finder (columns size − 1 … size − 8), bits 8–14 run down
   * column 8 beside the bottom-left finder (rows size − 7 … size − 1).
   */
  drawFormat(ecl: Ecl, mask: i32): void {
    const bits = formatBits(ecl, mask);
    const size = this.size;
    for (let i = 0; i < 15; i++) {
      const dark = ((bits >> i) & 1) != 0;
      if (i < 8) {
        this.setFunction(8, i < 6 ? i : i + 1, dark);
        this.setFunction(size - 1 - i, 8, dark);
      } else {
        this.setFunction(i < 9 ? 7 : 14 - i, 8, dark);
        this.setFunction(8, size - 15 + i, dark);
      }
    }
    this.setFunction(8, size - 8, true);
  }

  /**
   * Both copies of the 18 version bits (§7.10 Figure 27): a 6 × 3 block
   * above the bottom-left finder (bit i at column i / 3, row size − 11 +
   * i % 3) and its transpose left of the top-right finder.
   */
  private drawVersion(): void {
    const bits = versionBits(this.version);
    const size = this.size;
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >> i) & 1) != 0;
      const a = i / 3;
      const b = size - 11 + (i % 3);
      this.setFunction(a, b, dark);
      this.setFunction(b, a, dark);
    }
  }

  /**
   * Places the codewords, most significant bit first, in the zigzag of
   * §7.7.3: two-module-wide columns from the right edge to the left, going
   * up in the first, down in the next, and so on; within a column pair the
   * right module comes first. Column 6 (the vertical timing pattern) is
   * skipped as a whole. Reserved modules are stepped over; modules left
   * over after the last codeword (the remainder bits) stay light.
   */
  placeCodewords(codewords: Uint8Array): void {
    const size = this.size;
    const totalBits = codewords.length * 8;
    let bit = 0;
    let upward = true;
    for (let right = size - 1; right >= 1; right -= 2) {
      if (right == 6) right = 5;
      for (let step = 0; step < size; step++) {
        const y = upward ? size - 1 - step : step;
        for (let dx = 0; dx < 2; dx++) {
          const x = right - dx;
          const i = y * size + x;
          if (this.reserved[i]) continue;
          let dark = false;
          if (bit < totalBits) dark = ((<u32>codewords[bit >> 3] >> <u32>(7 - (bit & 7))) & 1) != 0;
          this.modules[i] = dark ? 1 : 0;
          bit++;
        }
      }
      upward = !upward;
    }
  }

  /** XORs mask pattern `mask` over every non-reserved module; applying it twice undoes it. */
  applyMask(mask: i32): void {
    const size = this.size;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const i = y * size + x;
        if (!this.reserved[i] && maskFlips(mask, x, y)) this.modules[i] ^= 1;
      }
    }
  }
}
