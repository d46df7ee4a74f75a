#define _GNU_SOURCE
/* HTTP for the POSIX board through libcurl's multi interface: requests run
 * side by side without threads, and every accepted request ends in exactly
 * one completion (boards/ABI.md, Network policy):
 *   - no redirects are followed (a 3xx is delivered as it is);
 *   - TLS peer and host name verification stay on (libcurl's defaults,
 *     set explicitly so nobody turns them off by accident);
 *   - the board adds only Host and Content-Length (libcurl's Accept and
 *     Expect headers are removed; the firmware's own headers are kept);
 *   - timeout_ms bounds the whole exchange; 0 or less means the board's
 *     default of 10 s;
 *   - ids are never reused while the board runs;
 *   - a body over the profile's NET_BODY_CAP ends the request with
 *     NET_BODY_TOO_LARGE and body_len 0. */
#include <ctype.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include "board.h"

#define DEFAULT_TIMEOUT_MS 10000
#define MAX_TIMEOUT_MS 120000

typedef struct request {
  CURL *easy;
  struct curl_slist *headers;
  uint8_t *send_body;
  net_response r;
  size_t cap;
  int too_large;
  struct request *next;
} request;

static CURLM *multi;
static request *active;
static int in_flight, max_in_flight, next_id = 1;
static size_t body_cap;

int net_init(const board_profile *p) {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return -1;
  multi = curl_multi_init();
  max_in_flight = p->max_in_flight;
  body_cap = (size_t)p->net_body_cap;
  return multi ? 0 : -1;
}

static size_t on_body(char *data, size_t size, size_t n, void *userp) {
  request *q = userp;
  size_t len = size * n;
  if (q->r.body_len + len > q->cap) {
    q->too_large = 1;
    return 0; /* libcurl stops with CURLE_WRITE_ERROR */
  }
  uint8_t *b = realloc(q->r.body, q->r.body_len + len + 1);
  if (!b) return 0;
  memcpy(b + q->r.body_len, data, len);
  q->r.body = b;
  q->r.body_len += len;
  return len;
}

/* Keeps "name: value\n" lines of the final response, names lower-cased. */
static size_t on_header(char *data, size_t size, size_t n, void *userp) {
  request *q = userp;
  size_t len = size * n;
  if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
    /* A new status line (after 100 Continue): forget earlier headers. */
    q->r.headers_len = 0;
    return len;
  }
  size_t end = len;
  while (end > 0 && (data[end - 1] == '\r' || data[end - 1] == '\n')) end--;
  if (end == 0 || !memchr(data, ':', end)) return len;
  char *h = realloc(q->r.headers, q->r.headers_len + end + 2);
  if (!h) return 0;
  q->r.headers = h;
  char *line = h + q->r.headers_len;
  memcpy(line, data, end);
  for (char *c = line; *c != ':'; c++) *c = (char)tolower((unsigned char)*c);
  line[end] = '\n';
  line[end + 1] = 0;
  q->r.headers_len += end + 1;
  return len;
}

/* True when the "Name: value" line names `name` (case-insensitive). */
static int names(const char *line, size_t n, const char *name) {
  size_t k = strlen(name);
  return n > k && line[k] == ':' && strncasecmp(line, name, k) == 0;
}

/* Headers only the board sets (boards/ABI.md, Network policy). */
static int board_owned(const char *line, size_t n) {
  return names(line, n, "host") || names(line, n, "content-length") ||
         names(line, n, "transfer-encoding") || names(line, n, "connection");
}

static int valid_method(const char *m, size_t n) {
  if (n == 0 || n > 10) return 0;
  for (size_t i = 0; i < n; i++) if (m[i] < 'A' || m[i] > 'Z') return 0;
  return 1;
}

int net_start(const char *method, size_t mlen, const char *url, size_t ulen,
              const char *headers, size_t hlen, const uint8_t *body, size_t blen, int timeout_ms) {
  if (in_flight >= max_in_flight) return ABI_EBUSY;
  if (!valid_method(method, mlen) || ulen == 0 || ulen > 4096) return ABI_EINVAL;
  if (!(ulen > 7 && strncmp(url, "http://", 7) == 0) && !(ulen > 8 && strncmp(url, "https://", 8) == 0))
    return memchr(url, ':', ulen) ? ABI_ENOTSUP : ABI_EINVAL;
  request *q = calloc(1, sizeof *q);
  char *u = strndup(url, ulen), *m = strndup(method, mlen);
  if (!q || !u || !m) { free(q); free(u); free(m); return ABI_EINVAL; }
  q->easy = curl_easy_init();
  q->cap = body_cap;
  q->r.id = next_id++;
  memcpy(q->r.method, method, mlen);
  q->r.url = strndup(url, ulen);
  q->r.started_ms = board_now_ms();
  /* Header block: "Name: value" lines separated by CRLF. */
  int has_accept = 0, has_type = 0;
  size_t i = 0;
  while (i < hlen) {
    size_t j = i;
    while (j < hlen && headers[j] != '\r' && headers[j] != '\n') j++;
    if (j > i) {
      const char *line = headers + i;
      size_t n = j - i;
      if (!memchr(line, ':', n) || line[0] == ':') goto bad;
      has_accept |= names(line, n, "accept");
      has_type |= names(line, n, "content-type");
      if (!board_owned(line, n)) {
        char *copy = strndup(line, n);
        q->headers = curl_slist_append(q->headers, copy);
        free(copy);
      }
    }
    i = j + 1;
  }
  /* An empty value removes a header libcurl would add on its own. */
  q->headers = curl_slist_append(q->headers, "Expect:");
  if (!has_accept) q->headers = curl_slist_append(q->headers, "Accept:");
  if (!has_type) q->headers = curl_slist_append(q->headers, "Content-Type:");
  q->send_body = malloc(blen + 1);
  memcpy(q->send_body, body, blen);
  CURL *e = q->easy;
  curl_easy_setopt(e, CURLOPT_URL, u);
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
  if (blen > 0 || strcmp(m, "GET") != 0) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, q->send_body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
  }
  if (strcmp(m, "GET") == 0 && blen == 0) curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, q->headers);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  long t = timeout_ms > 0 ? timeout_ms : DEFAULT_TIMEOUT_MS;
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, t > MAX_TIMEOUT_MS ? MAX_TIMEOUT_MS : t);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, q);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, q);
  curl_easy_setopt(e, CURLOPT_PRIVATE, q);
  curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  if (getenv("LINKFW_CURL_VERBOSE")) curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
  free(u);
  free(m);
  if (curl_multi_add_handle(multi, e) != CURLM_OK) goto bad_noargs;
  q->next = active;
  active = q;
  in_flight++;
  return q->r.id;
bad:
  free(u);
  free(m);
bad_noargs:
  curl_slist_free_all(q->headers);
  curl_easy_cleanup(q->easy);
  free(q->send_body);
  free(q->r.url);
  free(q);
  return ABI_EINVAL;
}

void net_wait(int extra_fd, int timeout_ms) {
  struct curl_waitfd fds[1];
  int n = 0;
  if (extra_fd >= 0) {
    fds[0].fd = extra_fd;
    fds[0].events = CURL_WAIT_POLLIN;
    fds[0].revents = 0;
    n = 1;
  }
  int running = 0;
  curl_multi_perform(multi, &running);
  /* A transfer that just finished is collected at once, not after the sleep. */
  if (running < in_flight) return;
  /* libcurl's own timers (connect steps, TLS, timeouts) bound the sleep too. */
  long curl_ms = -1;
  curl_multi_timeout(multi, &curl_ms);
  if (curl_ms >= 0 && curl_ms < timeout_ms) timeout_ms = (int)curl_ms;
  curl_multi_poll(multi, fds, (unsigned)n, timeout_ms < 0 ? 0 : timeout_ms, NULL);
  curl_multi_perform(multi, &running);
}

static int transport_status(CURLcode rc, request *q) {
  if (q->too_large) return NET_BODY_TOO_LARGE;
  switch (rc) {
  case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_RESOLVE_PROXY: case CURLE_COULDNT_CONNECT:
    return NET_CONNECT_FAILED;
  case CURLE_OPERATION_TIMEDOUT:
    return NET_TIMEOUT;
  case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER: case CURLE_SSL_CACERT_BADFILE: case CURLE_SSL_ISSUER_ERROR:
    return NET_TLS;
  default:
    return NET_PROTOCOL;
  }
}

net_response *net_next_completion(void) {
  int left;
  CURLMsg *msg;
  while ((msg = curl_multi_info_read(multi, &left))) {
    if (msg->msg != CURLMSG_DONE) continue;
    request *q;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&q);
    CURLcode rc = msg->data.result;
    long code = 0;
    curl_easy_getinfo(q->easy, CURLINFO_RESPONSE_CODE, &code);
    if (rc == CURLE_OK && code >= 100 && code <= 599) q->r.status = (int)code;
    else {
      q->r.status = transport_status(rc, q);
      free(q->r.body);
      q->r.body = NULL;
      q->r.body_len = 0; /* body_len is 0 for every negative status */
    }
    curl_multi_remove_handle(multi, q->easy);
    curl_easy_cleanup(q->easy);
    curl_slist_free_all(q->headers);
    free(q->send_body);
    for (request **p = &active; *p; p = &(*p)->next)
      if (*p == q) { *p = q->next; break; }
    in_flight--;
    net_response *r = malloc(sizeof *r);
    *r = q->r;
    free(q);
    return r;
  }
  return NULL;
}

void net_free(net_response *r) {
  if (!r) return;
  free(r->headers);
  free(r->body);
  free(r->url);
  free(r);
}

void net_abort_all(void) {
  while (active) {
    request *q = active;
    active = q->next;
    curl_multi_remove_handle(multi, q->easy);
    curl_easy_cleanup(q->easy);
    curl_slist_free_all(q->headers);
    free(q->send_body);
    free(q->r.headers);
    free(q->r.body);
    free(q->r.url);
    free(q);
  }
  in_flight = 0;
}

void net_cleanup(void) {
  net_abort_all();
  curl_multi_cleanup(multi);
  curl_global_cleanup();
}
