/* The reference POSIX board: boots the firmware module (translated to C by
 * wasm2c), runs its tickless event loop, and restarts it after a trap.
 *
 *   linkfw-posix --config device.json [--actions actions.json] --data DIR
 *                [--display 480x272x2] [--text 56x12] [--leds 1] [--speaker 1]
 *                [--device-type 2] [--flash-bytes 16384] [--sector-bytes 4096]
 *                [--body-cap 65536] [--in-flight 4] [--name tv] [--frame FILE]
 *
 * Input: JSON lines on stdin, {"button":"link"|"unlink"|"action"},
 * {"say":"utterance"}, {"quit":true}. Output: the JSON-lines trace on stdout.
 *
 * Order of calls (boards/ABI.md, Boot and scheduling): instantiate, _start,
 * fw_abi_version (refuse anything but ABI_VERSION), fw_init, fw_tick; then
 * one event at a time (fw_on_*), each followed by fw_tick; fw_tick is also
 * called when the time it returned has come, never before. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "board.h"
#include "fw.h"
#include "wasm-rt-impl.h"

#define RESTART_FIRST_MS 1000
#define RESTART_MAX_MS 30000
#define IDLE_WAIT_MS 3600000 /* nothing due: sleep until an event (or an hour) */

static board_profile profile = {
  .name = "posix", .display_width = 0, .display_height = 0, .display_format = 0,
  .text_cols = 40, .text_rows = 8, .led_count = 1, .has_speaker = 1, .device_type = 1,
  .flash_bytes = 16384, .sector_bytes = 4096, .net_body_cap = 16384, .max_in_flight = 4,
};

static Z_fw_instance_t fw;
static int alive;               /* an instance is running */
static int64_t deadline = -1;   /* when fw_tick wants to run next; -1: only on events */
static int64_t restart_at = -1; /* when to boot again after a trap */
static int restart_delay = RESTART_FIRST_MS;
static int boots;
static struct timespec t0;

int64_t board_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)(ts.tv_sec - t0.tv_sec) * 1000 + (ts.tv_nsec - t0.tv_nsec) / 1000000;
}

static void on_trap(wasm_rt_trap_t t) {
  char exited[48];
  const char *why = wasm_rt_strerror(t);
  if (g_board.exit_code >= 0) {
    snprintf(exited, sizeof exited, "firmware called proc_exit(%d)", g_board.exit_code);
    why = exited;
    g_board.exit_code = -1;
  }
  trace_begin("trap");
  trace_str("message", why, strlen(why));
  trace_end();
  Z_fw_free(&fw);
  alive = 0;
  deadline = -1;
  net_abort_all(); /* their completions are never delivered */
  restart_at = board_now_ms() + restart_delay;
  restart_delay = restart_delay * 2 > RESTART_MAX_MS ? RESTART_MAX_MS : restart_delay * 2;
}

/* Each entry into the module goes through one of these, so a trap anywhere
 * unwinds here and becomes a restart. */
#define ENTER(call)                                  \
  do {                                               \
    wasm_rt_trap_t trap_ = wasm_rt_impl_try();       \
    if (trap_ != WASM_RT_TRAP_NONE) { on_trap(trap_); return; } \
    call;                                            \
  } while (0)

static void tick(void) {
  if (!alive) return;
  u64 next = 0;
  ENTER(next = Z_fwZ_fw_tick(&fw, (u64)board_now_ms()));
  deadline = (int64_t)next;
}

static void boot(void) {
  restart_at = -1;
  net_abort_all();
  Z_fw_instantiate(&fw, NULL, NULL);
  alive = 1;
  g_board.memory = Z_fwZ_memory(&fw);
  u32 version = 0;
  ENTER(Z_fwZ__start(&fw));
  ENTER(version = Z_fwZ_fw_abi_version(&fw));
  if (version != ABI_VERSION) {
    char msg[96];
    snprintf(msg, sizeof msg, "module speaks ABI %u, board speaks %d: refused", version, ABI_VERSION);
    trace_log("error", msg);
    Z_fw_free(&fw);
    alive = 0;
    return;
  }
  boots++;
  trace_begin("boot");
  trace_str("board", profile.name, strlen(profile.name));
  trace_int("boots", boots);
  trace_end();
  u32 rc = 0;
  ENTER(rc = Z_fwZ_fw_init(&fw));
  if (rc != 0) {
    char msg[64];
    snprintf(msg, sizeof msg, "fw_init returned %d", (s32)rc);
    trace_log("warn", msg);
  }
  restart_delay = RESTART_FIRST_MS;
  tick();
}

static void deliver_net(net_response *r) {
  size_t q = 0;
  while (r->url[q] && r->url[q] != '?') q++;
  trace_begin("net");
  trace_str("method", r->method, strlen(r->method));
  trace_str("url", r->url, q); /* query strings can carry codes */
  trace_int("status", r->status);
  trace_int("ms", board_now_ms() - r->started_ms);
  trace_int("bytes", (long long)r->body_len);
  trace_end();
  if (!alive) return;
  g_board.current = r;
  ENTER(Z_fwZ_fw_on_net_response(&fw, (u32)r->id, (u32)r->status, (u32)r->body_len));
  g_board.current = NULL;
  tick();
}

static void press(int button) {
  trace_begin("button");
  trace_int("button", button);
  trace_end();
  if (!alive) return;
  ENTER(Z_fwZ_fw_on_button(&fw, (u32)button));
  tick();
}

static void utter(const char *text, size_t len) {
  trace_begin("utterance");
  trace_str("text", text, len);
  trace_end();
  if (!alive) return;
  g_board.utterance = text;
  g_board.utterance_len = len;
  ENTER(Z_fwZ_fw_on_utterance(&fw, (u32)len));
  g_board.utterance = NULL;
  tick();
}

/* ---- input: one JSON object per line ---- */

/* Decodes the JSON string value of "key" in line into out (UTF-8); its
 * length, or -1 when absent. Enough JSON for the three input shapes. */
static int json_string(const char *line, const char *key, char *out, size_t cap) {
  char pat[32];
  snprintf(pat, sizeof pat, "\"%s\"", key);
  const char *p = strstr(line, pat);
  if (!p) return -1;
  p += strlen(pat);
  while (*p == ' ' || *p == ':') p++;
  if (*p++ != '"') return -1;
  size_t n = 0;
  while (*p && *p != '"' && n + 4 < cap) {
    if (*p != '\\') { out[n++] = *p++; continue; }
    p++;
    switch (*p) {
    case 'n': out[n++] = '\n'; p++; break;
    case 't': out[n++] = '\t'; p++; break;
    case 'r': out[n++] = '\r'; p++; break;
    case 'u': {
      unsigned v = 0;
      if (sscanf(p + 1, "%4x", &v) != 1) return -1;
      p += 5;
      if (v < 0x80) out[n++] = (char)v;
      else if (v < 0x800) { out[n++] = (char)(0xC0 | v >> 6); out[n++] = (char)(0x80 | (v & 0x3F)); }
      else { out[n++] = (char)(0xE0 | v >> 12); out[n++] = (char)(0x80 | ((v >> 6) & 0x3F)); out[n++] = (char)(0x80 | (v & 0x3F)); }
      break;
    }
    default: if (*p) out[n++] = *p++;
    }
  }
  out[n] = 0;
  return (int)n;
}

static int quit;

static void on_line(const char *line) {
  char v[1024];
  if (strstr(line, "\"quit\"")) { quit = 1; return; }
  if (json_string(line, "button", v, sizeof v) >= 0) {
    if (!strcmp(v, "link")) press(BUTTON_LINK);
    else if (!strcmp(v, "unlink")) press(BUTTON_UNLINK);
    else if (!strcmp(v, "action")) press(BUTTON_ACTION);
    else trace_log("warn", "unknown button");
    return;
  }
  int n = json_string(line, "say", v, sizeof v);
  if (n >= 0) utter(v, (size_t)n);
  else if (line[0]) trace_log("warn", "unknown input; expected {button}, {say} or {quit}");
}

static char inbuf[8192];
static size_t inlen;
static int stdin_open = 1;

static void read_input(void) {
  ssize_t n = read(0, inbuf + inlen, sizeof inbuf - 1 - inlen);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) { stdin_open = 0; return; }
  if (n < 0) return;
  inlen += (size_t)n;
  char *nl;
  while ((nl = memchr(inbuf, '\n', inlen))) {
    *nl = 0;
    on_line(inbuf);
    size_t used = (size_t)(nl + 1 - inbuf);
    memmove(inbuf, nl + 1, inlen - used);
    inlen -= used;
  }
  if (inlen == sizeof inbuf - 1) inlen = 0; /* an over-long line is dropped */
}

/* ---- the pixel display: a PPM file after every change ---- */

void frame_present(void) {
  if (!g_board.frame_dirty) return;
  g_board.frame_dirty = 0;
  if (!g_board.frame_path) return;
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", g_board.frame_path);
  FILE *f = fopen(tmp, "wb");
  if (!f) return;
  int w = profile.display_width, h = profile.display_height;
  fprintf(f, "P6\n%d %d\n255\n", w, h);
  for (int i = 0; i < w * h; i++) {
    unsigned char rgb[3];
    if (profile.display_format == 2) {
      unsigned v = g_board.frame[2 * i] | g_board.frame[2 * i + 1] << 8; /* RGB565, little-endian */
      rgb[0] = (unsigned char)((v >> 11) * 255 / 31);
      rgb[1] = (unsigned char)(((v >> 5) & 63) * 255 / 63);
      rgb[2] = (unsigned char)((v & 31) * 255 / 31);
    } else {
      rgb[0] = rgb[1] = rgb[2] = g_board.frame[i] ? 255 : 0;
    }
    fwrite(rgb, 1, 3, f);
  }
  fclose(f);
  rename(tmp, g_board.frame_path);
  trace_begin("frame");
  trace_str("file", g_board.frame_path, strlen(g_board.frame_path));
  trace_int("w", w);
  trace_int("h", h);
  trace_end();
}

/* ---- start-up ---- */

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) { fclose(f); free(b); return NULL; }
  fclose(f);
  *len = (size_t)n;
  return b;
}

static int usage(const char *why) {
  fprintf(stderr, "linkfw-posix: %s\nusage: linkfw-posix --config FILE --data DIR [--actions FILE] [--display WxHxF]\n"
          "  [--text CxR] [--leds N] [--speaker 0|1] [--device-type 1|2] [--flash-bytes N] [--sector-bytes N]\n"
          "  [--body-cap N] [--in-flight N] [--name NAME] [--frame FILE.ppm]\n", why);
  return 2;
}

int main(int argc, char **argv) {
  clock_gettime(CLOCK_MONOTONIC, &t0);
  const char *config = NULL, *actions = NULL, *data = NULL;
  for (int i = 1; i < argc; i++) {
    const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) return usage("an option needs a value");
    i++;
    if (!strcmp(f, "--config")) config = v;
    else if (!strcmp(f, "--actions")) actions = v;
    else if (!strcmp(f, "--data")) data = v;
    else if (!strcmp(f, "--name")) profile.name = v;
    else if (!strcmp(f, "--frame")) g_board.frame_path = v;
    else if (!strcmp(f, "--display")) {
      if (sscanf(v, "%dx%dx%d", &profile.display_width, &profile.display_height, &profile.display_format) != 3)
        return usage("--display is WIDTHxHEIGHTxFORMAT (format 1 mono, 2 RGB565)");
    } else if (!strcmp(f, "--text")) {
      if (sscanf(v, "%dx%d", &profile.text_cols, &profile.text_rows) != 2) return usage("--text is COLSxROWS");
    } else if (!strcmp(f, "--leds")) profile.led_count = atoi(v);
    else if (!strcmp(f, "--speaker")) profile.has_speaker = atoi(v);
    else if (!strcmp(f, "--device-type")) profile.device_type = atoi(v);
    else if (!strcmp(f, "--flash-bytes")) profile.flash_bytes = atoi(v);
    else if (!strcmp(f, "--sector-bytes")) profile.sector_bytes = atoi(v);
    else if (!strcmp(f, "--body-cap")) profile.net_body_cap = atoi(v);
    else if (!strcmp(f, "--in-flight")) profile.max_in_flight = atoi(v);
    else return usage("unknown option");
  }
  if (!config || !data) return usage("--config and --data are required");
  if (profile.max_in_flight < MIN_IN_FLIGHT) return usage("--in-flight is below the ABI minimum");
  g_board.profile = &profile;
  g_board.exit_code = -1;
  g_board.config[CONFIG_DEVICE] = slurp(config, &g_board.config_len[CONFIG_DEVICE]);
  if (!g_board.config[CONFIG_DEVICE]) { perror(config); return 2; }
  if (actions) {
    g_board.config[CONFIG_ACTIONS] = slurp(actions, &g_board.config_len[CONFIG_ACTIONS]);
    if (!g_board.config[CONFIG_ACTIONS]) { perror(actions); return 2; }
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/flash.bin", data);
  if (flash_open(path, &profile) != 0) return 1;
  snprintf(path, sizeof path, "%s/seal.key", data);
  if (seal_open(path) != 0) return 1;
  static char text_path[4096];
  if (profile.text_cols > 0) {
    snprintf(text_path, sizeof text_path, "%s/display.txt", data);
    g_board.text_path = text_path;
  }
  if (profile.display_format) {
    g_board.frame = calloc((size_t)profile.display_width * profile.display_height, profile.display_format == 2 ? 2 : 1);
    if (!g_board.frame) return 1;
  }
  if (net_init(&profile) != 0) { fprintf(stderr, "libcurl failed to start\n"); return 1; }
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);

  wasm_rt_init();
  Z_fw_init_module();
  boot();
  while (!quit) {
    net_response *r;
    while ((r = net_next_completion())) {
      deliver_net(r);
      net_free(r);
    }
    frame_present();
    int64_t now = board_now_ms();
    if (restart_at >= 0 && now >= restart_at) { boot(); continue; }
    if (alive && deadline >= 0 && now >= deadline) { tick(); continue; }
    int64_t until = IDLE_WAIT_MS;
    if (alive && deadline >= 0) until = deadline - now;
    if (restart_at >= 0 && restart_at - now < until) until = restart_at - now;
    net_wait(stdin_open ? 0 : -1, (int)until);
    if (stdin_open) read_input();
  }
  if (alive) Z_fw_free(&fw);
  net_cleanup();
  wasm_rt_free();
  return 0;
}
