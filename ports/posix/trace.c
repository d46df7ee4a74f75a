/* The trace: one JSON object per line on stdout, the format the Node host's
 * headless mode prints, so one test reads every engine the same way. */
#include <stdio.h>
#include <string.h>
#include "board.h"


void trace_begin(const char *ev) {
  printf("{\"t\":%lld,\"ev\":\"%s\"", (long long)board_now_ms(), ev);
}

/* RFC 8259 §7: quote, backslash and control characters are escaped; the
 * bytes are passed through otherwise (the firmware sends UTF-8). */
void trace_str(const char *key, const char *s, size_t n) {
  printf(",\"%s\":\"", key);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') { putchar('\\'); putchar(c); }
    else if (c == '\n') fputs("\\n", stdout);
    else if (c == '\r') fputs("\\r", stdout);
    else if (c == '\t') fputs("\\t", stdout);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

void trace_int(const char *key, long long v) {
  printf(",\"%s\":%lld", key, v);
}

void trace_end(void) {
  fputs("}\n", stdout);
  fflush(stdout);
}

void trace_log(const char *level, const char *text) {
  trace_begin("log");
  trace_str("level", level, strlen(level));
  trace_str("text", text, strlen(text));
  trace_end();
}
