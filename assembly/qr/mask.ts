// Data masking (ISO/IEC 18004 §7.8).
//
// Each of the eight mask patterns is XORed over the data and ECC modules
// (never over function patterns); the encoder scores every masked symbol
// with the penalty rules of §7.8.3 and keeps the lowest score, so the
// symbol avoids large blotches and finder look-alikes that confuse readers.

/**
 * Whether mask `mask` flips the module at column `x`, row `y`
 * (§7.8.2 Table 10, which writes i for the row and j for the column).
 */
export function maskFlips(mask: i32, x: i32, y: i32): bool {
  switch (mask) {
    case 0: return (y + x) % 2 == 0;
    case 1: return y % 2 == 0;
    case 2: return x % 3 == 0;
    case 3: return (y + x) % 3 == 0;
    case 4: return (y / 2 + x / 3) % 2 == 0;
    case 5: return (y * x) % 2 + (y * x) % 3 == 0;
    case 6: return ((y * x) % 2 + (y * x) % 3) % 2 == 0;
    case 7: return ((y + x) % 2 + (y * x) % 3) % 2 == 0;
  }
  return false;
}

// Penalty weights of §7.8.3 Table 11.
/** N1: a run of 5 same-colour modules in a row or column costs N1, each extra module 1 more. */
const N1: i32 = 3;
/** N2: every 2 × 2 block of one colour (overlapping blocks each count). */
const N2: i32 = 3;
/** N3: a 1:1:3:1:1 dark:light:dark:light:dark pattern with 4 light modules beside it. */
const N3: i32 = 40;
/** N4: each full 5 % step of the dark share away from 50 %. */
const N4: i32 = 10;

/**
 * The §7.8.3 penalty score of a finished symbol, `modules[y * size + x]`
 * being 1 for dark. Lower is better.
 */
export function penalty(modules: Uint8Array, size: i32): i32 {
  let score = 0;
  for (let i = 0; i < size; i++) {
    score += linePenalty(modules, size, i * size, 1); // row i
    score += linePenalty(modules, size, i, size); // column i
  }

  // N2: 2 × 2 blocks of one colour. A block of m × n modules of one colour
  // holds (m − 1)(n − 1) of them, the standard's 3 · (m − 1)(n − 1).
  for (let y = 0; y < size - 1; y++) {
    for (let x = 0; x < size - 1; x++) {
      const c = modules[y * size + x];
      if (c == modules[y * size + x + 1] && c == modules[(y + 1) * size + x] && c == modules[(y + 1) * size + x + 1]) {
        score += N2;
      }
    }
  }

  // N4: k is how many whole 5 % steps the dark share lies from 50 %,
  // |100 · dark / total − 50| / 5 = |20 · dark − 10 · total| / total.
  let dark = 0;
  const total = size * size;
  for (let i = 0; i < total; i++) dark += modules[i];
  score += N4 * (abs(20 * dark - 10 * total) / total);
  return score;
}

/**
 * N1 and N3 along one line of `size` modules starting at `start` and
 * stepping by `step` (1 for a row, `size` for a column).
 */
function linePenalty(modules: Uint8Array, size: i32, start: i32, step: i32): i32 {
  let score = 0;

  // N1: runs of five or more modules of the same colour.
  let run = 1;
  for (let i = 1; i <= size; i++) {
    if (i < size && modules[start + i * step] == modules[start + (i - 1) * step]) {
      run++;
    } else {
      if (run >= 5) score += N1 + (run - 5);
      run = 1;
    }
  }

  // N3: dark-light-dark-dark-dark-light-dark (1:1:3:1:1) preceded or
  // followed by four light modules. Modules outside the symbol count as
  // light, because the quiet zone around it is light.
  for (let i = 0; i + 7 <= size; i++) {
    let bits = 0;
    for (let k = 0; k < 7; k++) bits = (bits << 1) | moduleAt(modules, size, start, step, i + k);
    if (bits == 0b1011101 && (lightSpan(modules, size, start, step, i - 4) || lightSpan(modules, size, start, step, i + 7))) {
      score += N3;
    }
  }
  return score;
}

/** The module at position `i` of a line; 0 (light) outside the symbol. */
function moduleAt(modules: Uint8Array, size: i32, start: i32, step: i32, i: i32): u8 {
  return i < 0 || i >= size ? 0 : modules[start + i * step];
}

/** Whether the four modules from position `from` of a line are all light. */
function lightSpan(modules: Uint8Array, size: i32, start: i32, step: i32, from: i32): bool {
  for (let i = from; i < from + 4; i++) {
    if (moduleAt(modules, size, start, step, i) != 0) return false;
  }
  return true;
}
