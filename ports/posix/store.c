/* Flash and sealing for the POSIX board.
 *
 * Flash is a file of profile->flash_bytes bytes, erased to 0xFF when new.
 * It is written like NOR: storage_write erases and reprograms every sector
 * the range touches (read, change, erase, program). The two record slots
 * (storage_size() / 2 bytes each) must lie in separate sectors, otherwise
 * rewriting one slot would put the other at risk during a power cut, so the
 * board refuses a geometry where the slot size is not a whole number of
 * sectors (boards/ABI.md, Flash geometry).
 *
 * Sealing is AES-256-GCM (NIST SP 800-38D) with a 32-byte device key kept in
 * a file of mode 0600: a fresh 12-byte nonce from the system's random
 * source per seal, a 16-byte tag, and a fixed associated-data label that
 * binds the blob to this use. Output: nonce | ciphertext | tag. The same
 * format as the Node simulator, so a flash image moves between them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include "board.h"

#define NONCE_LEN 12
#define TAG_LEN 16
static const unsigned char AAD[] = "linkfw-seal-v1";
#define AAD_LEN (sizeof AAD - 1)

static int flash_fd = -1;
static int flash_size, sector_size;
static unsigned char seal_key[32];

int flash_open(const char *path, const board_profile *p) {
  flash_size = p->flash_bytes;
  sector_size = p->sector_bytes;
  if (flash_size <= 0 || sector_size <= 0 || flash_size % (2 * sector_size) != 0) {
    fprintf(stderr, "flash: %d bytes cannot hold two slots of whole %d-byte sectors\n", flash_size, sector_size);
    return -1;
  }
  flash_fd = open(path, O_RDWR | O_CREAT, 0600);
  if (flash_fd < 0) { perror(path); return -1; }
  struct stat st;
  if (fstat(flash_fd, &st) != 0) return -1;
  if (st.st_size < flash_size) {
    /* New (or grown) flash reads as erased. */
    unsigned char *ff = malloc((size_t)flash_size);
    if (!ff) return -1;
    memset(ff, FLASH_ERASED, (size_t)flash_size);
    ssize_t n = pwrite(flash_fd, ff + st.st_size, (size_t)(flash_size - st.st_size), st.st_size);
    free(ff);
    if (n != flash_size - st.st_size) return -1;
  }
  return 0;
}

static int in_range(int offset, int len) {
  return offset >= 0 && len >= 0 && offset <= flash_size && len <= flash_size - offset;
}

int flash_read(int offset, uint8_t *dst, int len) {
  if (!in_range(offset, len)) return ABI_EINVAL;
  return pread(flash_fd, dst, (size_t)len, offset) == len ? ABI_OK : ABI_EIO;
}

int flash_write(int offset, const uint8_t *src, int len) {
  if (!in_range(offset, len)) return ABI_EINVAL;
  if (len == 0) return ABI_OK;
  int first = offset / sector_size, last = (offset + len - 1) / sector_size;
  unsigned char *sector = malloc((size_t)sector_size);
  if (!sector) return ABI_EIO;
  int rc = ABI_OK;
  for (int s = first; s <= last && rc == ABI_OK; s++) {
    int base = s * sector_size;
    if (pread(flash_fd, sector, (size_t)sector_size, base) != sector_size) { rc = ABI_EIO; break; }
    int from = offset > base ? offset : base;
    int to = offset + len < base + sector_size ? offset + len : base + sector_size;
    memcpy(sector + (from - base), src + (from - offset), (size_t)(to - from));
    /* A NOR part erases the sector to 0xFF here and then programs it; a file
     * has no erase, so the new sector image is written in one step. */
    if (pwrite(flash_fd, sector, (size_t)sector_size, base) != sector_size) rc = ABI_EIO;
  }
  free(sector);
  return rc;
}

int seal_open(const char *key_path) {
  int fd = open(key_path, O_RDONLY);
  if (fd < 0 && errno == ENOENT) {
    /* First boot: a new device identity. */
    if (RAND_bytes(seal_key, sizeof seal_key) != 1) return -1;
    fd = open(key_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || write(fd, seal_key, sizeof seal_key) != (ssize_t)sizeof seal_key) { perror(key_path); return -1; }
    close(fd);
    return 0;
  }
  if (fd < 0) { perror(key_path); return -1; }
  ssize_t n = read(fd, seal_key, sizeof seal_key);
  char extra;
  ssize_t more = read(fd, &extra, 1);
  close(fd);
  if (n != (ssize_t)sizeof seal_key || more != 0) {
    fprintf(stderr, "%s is not a 32-byte key; remove it to make a new device identity\n", key_path);
    return -1;
  }
  return 0;
}

int seal_overhead(void) { return NONCE_LEN + TAG_LEN; }

int seal_data(const uint8_t *in, int ilen, uint8_t *out, int ocap) {
  if (ilen < 0) return ABI_EINVAL;
  if (ocap < ilen + NONCE_LEN + TAG_LEN) return ABI_ETOOSMALL;
  if (RAND_bytes(out, NONCE_LEN) != 1) return ABI_EIO;
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  int n = 0, fin = 0, ok = c &&
    EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, seal_key, out) == 1 &&
    EVP_EncryptUpdate(c, NULL, &n, AAD, AAD_LEN) == 1 &&
    EVP_EncryptUpdate(c, out + NONCE_LEN, &n, in, ilen) == 1 &&
    EVP_EncryptFinal_ex(c, out + NONCE_LEN + n, &fin) == 1 &&
    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, out + NONCE_LEN + ilen) == 1;
  EVP_CIPHER_CTX_free(c);
  return ok ? ilen + NONCE_LEN + TAG_LEN : ABI_EIO;
}

int unseal_data(const uint8_t *in, int ilen, uint8_t *out, int ocap) {
  if (ilen < NONCE_LEN + TAG_LEN) return ABI_EAUTH;
  int plen = ilen - NONCE_LEN - TAG_LEN;
  if (ocap < plen) return ABI_ETOOSMALL;
  /* Decrypt into a scratch buffer: nothing unauthenticated reaches the firmware. */
  unsigned char *tmp = malloc((size_t)plen + 1);
  if (!tmp) return ABI_EIO;
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  int n = 0, fin = 0, ok = c &&
    EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, seal_key, in) == 1 &&
    EVP_DecryptUpdate(c, NULL, &n, AAD, AAD_LEN) == 1 &&
    EVP_DecryptUpdate(c, tmp, &n, in + NONCE_LEN, plen) == 1 &&
    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, (void *)(in + ilen - TAG_LEN)) == 1 &&
    EVP_DecryptFinal_ex(c, tmp + n, &fin) == 1;
  EVP_CIPHER_CTX_free(c);
  if (ok) memcpy(out, tmp, (size_t)plen);
  free(tmp);
  return ok ? plen : ABI_EAUTH;
}
