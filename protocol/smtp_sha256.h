/*
 * smtp_sha256.h - SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104): portable C99, no library.
 *
 * In the core so the DKIM hashes (body and header) are computed where the message is written, the same
 * on every platform; also meant for SASL mechanisms that need SHA-256 or its HMAC.
 */
#ifndef SMTP_SHA256_H
#define SMTP_SHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SMTP_SHA256_LEN 32

typedef struct smtp_sha256 {
	uint32_t h[8];
	uint64_t total;           /* bytes hashed so far */
	unsigned char block[64];
	size_t used;              /* bytes waiting in block */
} smtp_sha256;

void smtp_sha256_init(smtp_sha256 *ctx);
void smtp_sha256_update(smtp_sha256 *ctx, const void *data, size_t len);
void smtp_sha256_final(smtp_sha256 *ctx, unsigned char out[SMTP_SHA256_LEN]);
/* One call for data in memory. */
void smtp_sha256_digest(const void *data, size_t len, unsigned char out[SMTP_SHA256_LEN]);
void smtp_hmac_sha256(const unsigned char *key, size_t key_len, const unsigned char *msg, size_t msg_len,
	unsigned char out[SMTP_SHA256_LEN]);

#ifdef __cplusplus
}
#endif

#endif
