/*
 * smtp_internal.h - pieces of the core shared between its files, not part of its interface.
 */
#ifndef SMTP_INTERNAL_H
#define SMTP_INTERNAL_H

#include "smtp_core.h"

typedef struct smtp_md5 {
	uint32_t h[4];
	uint64_t total;
	unsigned char block[64];
	size_t used;
} smtp_md5;

void smtp_md5_init(smtp_md5 *ctx);
void smtp_md5_update(smtp_md5 *ctx, const void *data, size_t len);
void smtp_md5_final(smtp_md5 *ctx, unsigned char out[16]);
void smtp_hmac_md5(const unsigned char *key, size_t key_len, const unsigned char *msg, size_t msg_len,
	unsigned char out[16]);

/*
 * One AUTH exchange, independent of the network: the session feeds it each 334 challenge (decoded) and
 * sends what it answers. Kept apart so the unit tests can check every mechanism's bytes.
 */
typedef struct smtp_auth_state {
	smtp_auth_mech mech;
	const char *user;
	size_t user_len;
	const char *secret;
	size_t secret_len;
	int step;
} smtp_auth_state;

/* The mechanism's name for the AUTH command. */
const char *smtp_auth_mech_name(smtp_auth_mech mech);
/* The initial response (raw, before base64), or none (*has_initial = 0). */
smtp_status smtp_auth_initial(smtp_auth_state *a, smtp_buf *out, int *has_initial);
/* The answer (raw) to one decoded challenge. */
smtp_status smtp_auth_respond(smtp_auth_state *a, const unsigned char *challenge, size_t len, smtp_buf *out);

/* Securely forget a buffer's contents. */
void smtp_buf_wipe(smtp_buf *b);

#endif
