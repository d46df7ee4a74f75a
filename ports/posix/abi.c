/* The imports the firmware module calls: every board.* function of
 * boards/ABI.md and the three WASI calls the module uses. Each one checks
 * its (pointer, length) pairs against linear memory and returns a status;
 * none calls back into the module. */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include "board.h"
#include "fw.h"

board_state g_board;

/* The bytes [ptr, ptr+len) of linear memory, or NULL when outside it. */
static uint8_t *span(u32 ptr, u32 len) {
  wasm_rt_memory_t *m = g_board.memory;
  if ((uint64_t)ptr + len > m->size) return NULL;
  return m->data + ptr;
}

/* Copies src[offset..] into firmware memory, at most cap bytes: the count,
 * 0 at or past the end, or EINVAL for a bad buffer or a negative offset. */
static u32 copy_out(const uint8_t *src, size_t n, s32 offset, u32 ptr, s32 cap) {
  if (offset < 0 || cap < 0) return (u32)ABI_EINVAL;
  uint8_t *dst = span(ptr, (u32)cap);
  if (!dst) return (u32)ABI_EINVAL;
  if ((size_t)offset >= n) return 0;
  size_t k = n - (size_t)offset < (size_t)cap ? n - (size_t)offset : (size_t)cap;
  memcpy(dst, src + offset, k);
  return (u32)k;
}

static u32 trace_text(const char *ev, const char *key, u32 ptr, u32 len) {
  uint8_t *s = span(ptr, len);
  if (!s) return (u32)ABI_EINVAL;
  trace_begin(ev);
  trace_str(key, (const char *)s, len);
  trace_end();
  return ABI_OK;
}

u32 Z_boardZ_display_text(struct Z_board_instance_t *b, u32 ptr, u32 len) {
  (void)b;
  if (g_board.profile->text_cols == 0) return (u32)ABI_ENOTSUP;
  uint8_t *s = span(ptr, len);
  if (!s) return (u32)ABI_EINVAL;
  if (g_board.text_path) {
    FILE *f = fopen(g_board.text_path, "w");
    if (f) { fwrite(s, 1, len, f); fputc('\n', f); fclose(f); }
  }
  return trace_text("display", "text", ptr, len);
}

u32 Z_boardZ_display_blit(struct Z_board_instance_t *b, u32 x, u32 y, u32 w, u32 h, u32 ptr, u32 len) {
  (void)b;
  const board_profile *p = g_board.profile;
  if (p->display_format == 0) return (u32)ABI_ENOTSUP;
  s32 sx = (s32)x, sy = (s32)y, sw = (s32)w, sh = (s32)h;
  int bpp = p->display_format == 2 ? 2 : 1;
  if (sx < 0 || sy < 0 || sw <= 0 || sh <= 0 || sx + sw > p->display_width || sy + sh > p->display_height) return (u32)ABI_EINVAL;
  if ((int64_t)len != (int64_t)sw * sh * bpp) return (u32)ABI_EINVAL;
  uint8_t *px = span(ptr, len);
  if (!px) return (u32)ABI_EINVAL;
  for (int row = 0; row < sh; row++)
    memcpy(g_board.frame + ((size_t)(sy + row) * p->display_width + sx) * bpp, px + (size_t)row * sw * bpp, (size_t)sw * bpp);
  g_board.frame_dirty = 1;
  return ABI_OK;
}

static const char *LED_PATTERNS[] = {"off", "solid", "blink", "pulse", "spin"};

u32 Z_boardZ_led_set(struct Z_board_instance_t *b, u32 pattern, u32 rgb, u32 period_ms) {
  (void)b;
  if (g_board.profile->led_count <= 0) return (u32)ABI_ENOTSUP;
  if (pattern > 4 || (s32)period_ms < 0) return (u32)ABI_EINVAL;
  char colour[8];
  snprintf(colour, sizeof colour, "#%06x", rgb & 0xFFFFFF);
  trace_begin("led");
  trace_str("pattern", LED_PATTERNS[pattern], strlen(LED_PATTERNS[pattern]));
  trace_str("rgb", colour, 7);
  trace_int("periodMs", (s32)period_ms);
  trace_end();
  return ABI_OK;
}

u32 Z_boardZ_audio_say(struct Z_board_instance_t *b, u32 ptr, u32 len) {
  (void)b;
  if (!g_board.profile->has_speaker) return (u32)ABI_ENOTSUP;
  return trace_text("say", "text", ptr, len);
}

u32 Z_boardZ_state_set(struct Z_board_instance_t *b, u32 ptr, u32 len) {
  (void)b;
  return trace_text("state", "state", ptr, len);
}

static const char *LOG_LEVELS[] = {"debug", "info", "warn", "error"};

u32 Z_boardZ_log(struct Z_board_instance_t *b, u32 level, u32 ptr, u32 len) {
  (void)b;
  if (level > 3) return (u32)ABI_EINVAL;
  uint8_t *s = span(ptr, len);
  if (!s) return (u32)ABI_EINVAL;
  trace_begin("log");
  trace_str("level", LOG_LEVELS[level], strlen(LOG_LEVELS[level]));
  trace_str("text", (const char *)s, len);
  trace_end();
  return ABI_OK;
}

u64 Z_boardZ_clock_monotonic_ms(struct Z_board_instance_t *b) {
  (void)b;
  return (u64)board_now_ms();
}

u64 Z_boardZ_clock_wall_s(struct Z_board_instance_t *b) {
  (void)b;
  struct timespec ts;
  /* A board without a synced clock returns 0 (boards/ABI.md, Time). */
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < 1000000000) return 0;
  return (u64)ts.tv_sec;
}

u32 Z_boardZ_board_cap(struct Z_board_instance_t *b, u32 id) {
  (void)b;
  const board_profile *p = g_board.profile;
  switch ((s32)id) {
  case CAP_DISPLAY_WIDTH: return (u32)p->display_width;
  case CAP_DISPLAY_HEIGHT: return (u32)p->display_height;
  case CAP_DISPLAY_FORMAT: return (u32)p->display_format;
  case CAP_TEXT_COLS: return (u32)p->text_cols;
  case CAP_TEXT_ROWS: return (u32)p->text_rows;
  case CAP_LED_COUNT: return (u32)p->led_count;
  case CAP_HAS_SPEAKER: return (u32)p->has_speaker;
  case CAP_SEAL_OVERHEAD: return (u32)seal_overhead();
  case CAP_NET_BODY_CAP: return (u32)p->net_body_cap;
  case CAP_DEVICE_TYPE: return (u32)p->device_type;
  default: return (u32)ABI_ENOENT;
  }
}

u32 Z_boardZ_config_len(struct Z_board_instance_t *b, u32 kind) {
  (void)b;
  if (kind > CONFIG_ACTIONS || !g_board.config[kind]) return (u32)ABI_ENOENT;
  return (u32)g_board.config_len[kind];
}

u32 Z_boardZ_config_read(struct Z_board_instance_t *b, u32 kind, u32 offset, u32 ptr, u32 cap) {
  (void)b;
  if (kind > CONFIG_ACTIONS || !g_board.config[kind]) return (u32)ABI_ENOENT;
  if ((s32)offset > (s32)g_board.config_len[kind]) return (u32)ABI_EINVAL; /* past the end */
  return copy_out((const uint8_t *)g_board.config[kind], g_board.config_len[kind], (s32)offset, ptr, (s32)cap);
}

u32 Z_boardZ_net_request(struct Z_board_instance_t *b, u32 mp, u32 ml, u32 up, u32 ul, u32 hp, u32 hl,
                         u32 bp, u32 bl, u32 timeout_ms) {
  (void)b;
  uint8_t *m = span(mp, ml), *u = span(up, ul), *h = span(hp, hl), *body = span(bp, bl);
  if (!m || !u || !h || !body) return (u32)ABI_EINVAL;
  int id = net_start((const char *)m, ml, (const char *)u, ul, (const char *)h, hl, body, bl, (s32)timeout_ms);
  if (id < 0) {
    size_t q = 0;
    while (q < ul && u[q] != '?') q++;
    trace_begin("net");
    trace_str("method", (const char *)m, ml);
    trace_str("url", (const char *)u, q);
    trace_int("status", id);
    trace_int("ms", 0);
    fputs(",\"refused\":true", stdout);
    trace_end();
  }
  return (u32)id;
}

u32 Z_boardZ_net_read_header(struct Z_board_instance_t *b, u32 id, u32 np, u32 nlen, u32 ptr, u32 cap) {
  (void)b;
  net_response *r = g_board.current;
  if (!r || r->id != (int)id) return (u32)ABI_ENOENT;
  const char *name = (const char *)span(np, nlen);
  uint8_t *dst = span(ptr, cap);
  if (!name || !dst) return (u32)ABI_EINVAL;
  if (nlen == 0) return (u32)ABI_ENOENT; /* an empty name names no header */
  /* Repeated headers are joined with ", " (RFC 9110 §5.3). */
  char joined[8192];
  size_t total = 0;
  int found = 0;
  const char *p = r->headers, *end = r->headers ? r->headers + r->headers_len : NULL;
  while (p && p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) break;
    if ((size_t)(eol - p) > nlen && p[nlen] == ':' && strncasecmp(p, name, nlen) == 0) {
      const char *v = p + nlen + 1, *ve = eol;
      while (v < ve && (*v == ' ' || *v == '\t')) v++;
      while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
      size_t vlen = (size_t)(ve - v);
      if (found && total + 2 <= sizeof joined) { memcpy(joined + total, ", ", 2); total += 2; }
      if (total + vlen <= sizeof joined) { memcpy(joined + total, v, vlen); total += vlen; }
      found = 1;
    }
    p = eol + 1;
  }
  if (!found) return (u32)ABI_ENOENT;
  if (total > cap) return (u32)ABI_ETOOSMALL; /* nothing written (boards/ABI.md, Conventions) */
  memcpy(dst, joined, total);
  return (u32)total;
}

u32 Z_boardZ_net_read_body(struct Z_board_instance_t *b, u32 id, u32 offset, u32 ptr, u32 cap) {
  (void)b;
  net_response *r = g_board.current;
  if (!r || r->id != (int)id) return (u32)ABI_ENOENT;
  if ((s32)offset > (s32)r->body_len) return (u32)ABI_EINVAL;
  return copy_out(r->body, r->body_len, (s32)offset, ptr, (s32)cap);
}

u32 Z_boardZ_input_read(struct Z_board_instance_t *b, u32 ptr, u32 cap) {
  (void)b;
  if (!g_board.utterance) return (u32)ABI_ENOENT;
  return copy_out((const uint8_t *)g_board.utterance, g_board.utterance_len, 0, ptr, (s32)cap);
}

u32 Z_boardZ_storage_size(struct Z_board_instance_t *b) {
  (void)b;
  return (u32)g_board.profile->flash_bytes;
}

u32 Z_boardZ_storage_read(struct Z_board_instance_t *b, u32 offset, u32 ptr, u32 len) {
  (void)b;
  uint8_t *dst = span(ptr, len);
  if (!dst) return (u32)ABI_EINVAL;
  return (u32)flash_read((s32)offset, dst, (s32)len);
}

u32 Z_boardZ_storage_write(struct Z_board_instance_t *b, u32 offset, u32 ptr, u32 len) {
  (void)b;
  uint8_t *src = span(ptr, len);
  if (!src) return (u32)ABI_EINVAL;
  return (u32)flash_write((s32)offset, src, (s32)len);
}

u32 Z_boardZ_seal(struct Z_board_instance_t *b, u32 ip, u32 il, u32 op, u32 oc) {
  (void)b;
  uint8_t *in = span(ip, il), *out = span(op, oc);
  if (!in || !out) return (u32)ABI_EINVAL;
  return (u32)seal_data(in, (s32)il, out, (s32)oc);
}

u32 Z_boardZ_unseal(struct Z_board_instance_t *b, u32 ip, u32 il, u32 op, u32 oc) {
  (void)b;
  uint8_t *in = span(ip, il), *out = span(op, oc);
  if (!in || !out) return (u32)ABI_EINVAL;
  return (u32)unseal_data(in, (s32)il, out, (s32)oc);
}

/* ---- WASI: only what the module imports ---- */

#define WASI_EINVAL 28

u32 Z_wasi_snapshot_preview1Z_fd_write(struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd, u32 iovs, u32 n, u32 nwritten) {
  (void)w;
  u32 total = 0;
  for (u32 i = 0; i < n; i++) {
    uint8_t *iov = span(iovs + i * 8, 8);
    if (!iov) return WASI_EINVAL;
    u32 p, l;
    memcpy(&p, iov, 4);
    memcpy(&l, iov + 4, 4);
    uint8_t *s = span(p, l);
    if (!s) return WASI_EINVAL;
    for (u32 k = 0; k < l; k++) {
      char c = (char)s[k];
      if (c != '\n' && g_board.console_len < sizeof g_board.console - 1) g_board.console[g_board.console_len++] = c;
      if (c == '\n') {
        g_board.console[g_board.console_len] = 0;
        trace_log(fd == 2 ? "error" : "info", g_board.console);
        g_board.console_len = 0;
      }
    }
    total += l;
  }
  uint8_t *out = span(nwritten, 4);
  if (!out) return WASI_EINVAL;
  memcpy(out, &total, 4);
  return 0;
}

void Z_wasi_snapshot_preview1Z_proc_exit(struct Z_wasi_snapshot_preview1_instance_t *w, u32 code) {
  (void)w;
  /* An abort: the same as a trap; main.c restarts the module. */
  g_board.exit_code = (int)code;
  wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);
}

u32 Z_wasi_snapshot_preview1Z_random_get(struct Z_wasi_snapshot_preview1_instance_t *w, u32 ptr, u32 len) {
  (void)w;
  uint8_t *b = span(ptr, len);
  if (!b) return WASI_EINVAL;
  size_t got = 0;
  while (got < len) {
    ssize_t n = getrandom(b + got, len - got, 0);
    if (n < 0) return 29; /* WASI EIO */
    got += (size_t)n;
  }
  return 0;
}
