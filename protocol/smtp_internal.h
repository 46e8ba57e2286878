/*
 * smtp_internal.h - pieces of the core shared between its files, not part of its interface.
 */
#ifndef SMTP_INTERNAL_H
#define SMTP_INTERNAL_H

#include "smtp_core.h"
#include "smtp_sha256.h"

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

#define SMTP_SHA1_LEN 20

typedef struct smtp_sha1 {
	uint32_t h[5];
	uint64_t total;
	unsigned char block[64];
	size_t used;
} smtp_sha1;

void smtp_sha1_init(smtp_sha1 *ctx);
void smtp_sha1_update(smtp_sha1 *ctx, const void *data, size_t len);
void smtp_sha1_final(smtp_sha1 *ctx, unsigned char out[SMTP_SHA1_LEN]);
void smtp_sha1_digest(const void *data, size_t len, unsigned char out[SMTP_SHA1_LEN]);
void smtp_hmac_sha1(const unsigned char *key, size_t key_len, const unsigned char *msg, size_t msg_len,
	unsigned char out[SMTP_SHA1_LEN]);

/* PBKDF2 (RFC 8018 5.2) with HMAC-SHA-256 when sha256, else HMAC-SHA-1. */
void smtp_pbkdf2(int sha256, const unsigned char *pass, size_t pass_len, const unsigned char *salt,
	size_t salt_len, unsigned long iterations, unsigned char *out, size_t out_len);
/* SASLprep (RFC 4013) of a password, appended to out; see scram.c for what is not normalised.
 * SMTP_ERR_INPUT with a reason in *why when the password has a prohibited character. */
smtp_status smtp_saslprep(const char *s, size_t len, smtp_buf *out, const char **why);

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
	const char *error;          /* why the mechanism aborted the exchange, when it knows */
	/* SCRAM (RFC 5802) */
	const char *cnonce;         /* printable, no ',' */
	size_t cnonce_len;
	smtp_buf scram;             /* client-first-message-bare, then the whole AuthMessage */
	unsigned char server_sig[SMTP_SHA256_LEN];
	int server_verified;        /* the server proved it knows the password */
} smtp_auth_state;

/* Forget what an exchange kept (smtp_auth_state.scram, server_sig). */
void smtp_auth_state_clear(smtp_auth_state *a);
/* 1 when a 235 may end the exchange now: SCRAM only once the server's signature was checked. */
int smtp_auth_complete(const smtp_auth_state *a);
smtp_status smtp_scram_first(smtp_auth_state *a, smtp_buf *out);
smtp_status smtp_scram_final(smtp_auth_state *a, const unsigned char *challenge, size_t len, smtp_buf *out);
smtp_status smtp_scram_verify(smtp_auth_state *a, const unsigned char *challenge, size_t len);

/* The mechanism's name for the AUTH command. */
const char *smtp_auth_mech_name(smtp_auth_mech mech);
/* The initial response (raw, before base64), or none (*has_initial = 0). */
smtp_status smtp_auth_initial(smtp_auth_state *a, smtp_buf *out, int *has_initial);
/* The longest response (raw, before base64) the exchange will send that is known before it starts: the
 * initial one, LOGIN's user name and password, CRAM-MD5's. Later ones answer the server's challenges,
 * whose size the reply line limit bounds. */
size_t smtp_auth_longest_known_response(const smtp_auth_state *a);
/* The answer (raw) to one decoded challenge. */
smtp_status smtp_auth_respond(smtp_auth_state *a, const unsigned char *challenge, size_t len, smtp_buf *out);

/* Securely forget a buffer's contents. */
void smtp_buf_wipe(smtp_buf *b);
/* Zero n bytes at p in a way the compiler keeps (a memset before free() or return may be dropped). */
void smtp_secure_zero(void *p, size_t n);

#endif
