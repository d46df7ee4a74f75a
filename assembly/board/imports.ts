// Raw imports of the board ABI, version 1 (see boards/ABI.md).
// Only scalars and (pointer, length) pairs cross; the firmware allocates.
// Nothing outside assembly/board/ may use these directly.

@external("board", "display_text") export declare function display_text(ptr: usize, len: i32): i32;
@external("board", "display_blit") export declare function display_blit(x: i32, y: i32, w: i32, h: i32, ptr: usize, len: i32): i32;
@external("board", "led_set") export declare function led_set(pattern: i32, rgb: i32, periodMs: i32): i32;
@external("board", "audio_say") export declare function audio_say(ptr: usize, len: i32): i32;
@external("board", "state_set") export declare function state_set(ptr: usize, len: i32): i32;
@external("board", "log") export declare function log(level: i32, ptr: usize, len: i32): i32;
@external("board", "clock_monotonic_ms") export declare function clock_monotonic_ms(): i64;
@external("board", "clock_wall_s") export declare function clock_wall_s(): i64;
@external("board", "board_cap") export declare function board_cap(id: i32): i32;
@external("board", "config_len") export declare function config_len(kind: i32): i32;
@external("board", "config_read") export declare function config_read(kind: i32, offset: i32, ptr: usize, cap: i32): i32;
@external("board", "net_request") export declare function net_request(
  mptr: usize, mlen: i32, uptr: usize, ulen: i32, hptr: usize, hlen: i32, bptr: usize, blen: i32, timeoutMs: i32): i32;
@external("board", "net_read_header") export declare function net_read_header(id: i32, nptr: usize, nlen: i32, ptr: usize, cap: i32): i32;
@external("board", "net_read_body") export declare function net_read_body(id: i32, offset: i32, ptr: usize, cap: i32): i32;
@external("board", "input_read") export declare function input_read(ptr: usize, cap: i32): i32;
@external("board", "storage_size") export declare function storage_size(): i32;
@external("board", "storage_read") export declare function storage_read(offset: i32, ptr: usize, len: i32): i32;
@external("board", "storage_write") export declare function storage_write(offset: i32, ptr: usize, len: i32): i32;
@external("board", "seal") export declare function seal(iptr: usize, ilen: i32, optr: usize, ocap: i32): i32;
@external("board", "unseal") export declare function unseal(iptr: usize, ilen: i32, optr: usize, ocap: i32): i32;
