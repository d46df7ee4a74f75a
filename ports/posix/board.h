/* The reference POSIX board: what each part of the board shares.
 *
 *   main.c   command line, the tickless event loop, boot and trap recovery
 *   abi.c    the board.* and WASI imports the module calls (boards/ABI.md)
 *   net.c    HTTP through libcurl's multi interface, one completion per request
 *   store.c  file-backed flash with sector geometry, AES-256-GCM sealing
 *   trace.c  the JSON-lines trace on stdout (same format as the Node host)
 */
#ifndef LINKFW_BOARD_H
#define LINKFW_BOARD_H

#include <stddef.h>
#include <stdint.h>
#include "abi.h"
#include "wasm-rt.h"

/* What this board has; the firmware learns it through board_cap. */
typedef struct {
  const char *name;
  int display_width, display_height, display_format; /* format: 0 none, 1 mono, 2 RGB565 */
  int text_cols, text_rows;
  int led_count;
  int has_speaker;
  int device_type; /* 1 speaker, 2 tv */
  int flash_bytes;
  int sector_bytes; /* erase unit of the flash; both slots start on a sector boundary */
  int net_body_cap;
  int max_in_flight;
} board_profile;

/* A completed HTTP exchange, held until the firmware has pulled it. */
typedef struct {
  int id;
  int status;           /* HTTP status, or a NET_* transport error */
  char *headers;        /* "name: value\n" lines, names lower-cased */
  size_t headers_len;
  uint8_t *body;
  size_t body_len;
  char method[12];      /* for the trace */
  char *url;            /* for the trace; the query is never printed */
  int64_t started_ms;
} net_response;

/* ---- time (main.c) ---- */
int64_t board_now_ms(void); /* monotonic, since the board started */

/* ---- trace (trace.c) ---- */
void trace_begin(const char *ev);            /* {"t":..,"ev":".." */
void trace_str(const char *key, const char *s, size_t n);
void trace_int(const char *key, long long v);
void trace_end(void);                        /* }\n, flushed */
void trace_log(const char *level, const char *text);

/* ---- network (net.c) ---- */
int net_init(const board_profile *p);
/* Starts a request; returns an id > 0 or ABI_EINVAL / ABI_ENOTSUP / ABI_EBUSY. */
int net_start(const char *method, size_t mlen, const char *url, size_t ulen,
              const char *headers, size_t hlen, const uint8_t *body, size_t blen, int timeout_ms);
/* Waits up to timeout_ms for network progress or input on extra_fd (-1: none). */
void net_wait(int extra_fd, int timeout_ms);
/* Moves finished requests forward; returns the next completion or NULL. */
net_response *net_next_completion(void);
void net_free(net_response *r);
void net_abort_all(void);   /* drop every request in flight: no completion */
void net_cleanup(void);

/* ---- flash and sealing (store.c) ---- */
int flash_open(const char *path, const board_profile *p);
int flash_read(int offset, uint8_t *dst, int len);
int flash_write(int offset, const uint8_t *src, int len);
int seal_open(const char *key_path);
int seal_overhead(void);
int seal_data(const uint8_t *in, int ilen, uint8_t *out, int ocap);
int unseal_data(const uint8_t *in, int ilen, uint8_t *out, int ocap);

/* ---- the ABI (abi.c) ---- */
typedef struct board_state {
  const board_profile *profile;
  wasm_rt_memory_t *memory; /* the module's linear memory (it may grow) */
  const char *config[2]; /* CONFIG_DEVICE, CONFIG_ACTIONS; NULL when absent */
  size_t config_len[2];
  net_response *current; /* during fw_on_net_response only */
  const char *utterance; /* during fw_on_utterance only */
  size_t utterance_len;
  uint8_t *frame;        /* the pixel display, owned by the board */
  const char *frame_path;
  int frame_dirty;
  const char *text_path;
  int exit_code;         /* set by proc_exit before it traps; -1 otherwise */
  char console[512];     /* partial line written through fd_write */
  size_t console_len;
} board_state;

extern board_state g_board;
void frame_present(void);

#endif
