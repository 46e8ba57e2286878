/*
 * hmac.c - HMAC (RFC 2104) over the core's three hashes: MD5 for CRAM-MD5, SHA-1 and SHA-256 for SCRAM
 * and PBKDF2. One construction, each hash described by its init/update/final; all three have 64-octet
 * blocks.
 */
#include <string.h>

#include "smtp_internal.h"

#define HMAC_BLOCK 64
#define HMAC_MAX_DIGEST SMTP_SHA256_LEN

typedef union hash_ctx {
	smtp_md5 md5;
	smtp_sha1 sha1;
	smtp_sha256 sha256;
} hash_ctx;

typedef struct hash_kind {
	size_t digest_len;
	void (*init)(hash_ctx *c);
	void (*update)(hash_ctx *c, const void *data, size_t len);
	void (*final)(hash_ctx *c, unsigned char *out);
} hash_kind;

static void md5_init(hash_ctx *c) { smtp_md5_init(&c->md5); }
static void md5_update(hash_ctx *c, const void *d, size_t n) { smtp_md5_update(&c->md5, d, n); }
static void md5_final(hash_ctx *c, unsigned char *out) { smtp_md5_final(&c->md5, out); }
static void sha1_init(hash_ctx *c) { smtp_sha1_init(&c->sha1); }
static void sha1_update(hash_ctx *c, const void *d, size_t n) { smtp_sha1_update(&c->sha1, d, n); }
static void sha1_final(hash_ctx *c, unsigned char *out) { smtp_sha1_final(&c->sha1, out); }
static void sha256_init(hash_ctx *c) { smtp_sha256_init(&c->sha256); }
static void sha256_update(hash_ctx *c, const void *d, size_t n) { smtp_sha256_update(&c->sha256, d, n); }
static void sha256_final(hash_ctx *c, unsigned char *out) { smtp_sha256_final(&c->sha256, out); }

static const hash_kind md5_kind = {16, md5_init, md5_update, md5_final};
static const hash_kind sha1_kind = {SMTP_SHA1_LEN, sha1_init, sha1_update, sha1_final};
static const hash_kind sha256_kind = {SMTP_SHA256_LEN, sha256_init, sha256_update, sha256_final};

/* H((K ^ opad) || H((K ^ ipad) || msg)), K the key padded to a block (hashed first when longer). */
static void hmac(const hash_kind *h, const unsigned char *key, size_t key_len, const unsigned char *msg,
	size_t msg_len, unsigned char *out)
{
	unsigned char k[HMAC_BLOCK], pad[HMAC_BLOCK], inner[HMAC_MAX_DIGEST];
	hash_ctx ctx;
	unsigned i;

	memset(k, 0, sizeof(k));
	if (key_len > HMAC_BLOCK) {
		h->init(&ctx);
		h->update(&ctx, key, key_len);
		h->final(&ctx, k);
	} else if (key_len) {
		memcpy(k, key, key_len);
	}
	for (i = 0; i < HMAC_BLOCK; i++) {
		pad[i] = (unsigned char)(k[i] ^ 0x36);
	}
	h->init(&ctx);
	h->update(&ctx, pad, HMAC_BLOCK);
	h->update(&ctx, msg, msg_len);
	h->final(&ctx, inner);
	for (i = 0; i < HMAC_BLOCK; i++) {
		pad[i] = (unsigned char)(k[i] ^ 0x5c);
	}
	h->init(&ctx);
	h->update(&ctx, pad, HMAC_BLOCK);
	h->update(&ctx, inner, h->digest_len);
	h->final(&ctx, out);
	/* key material, and the hash states that hold it: nothing of the key stays on the stack */
	smtp_secure_zero(k, sizeof(k));
	smtp_secure_zero(pad, sizeof(pad));
	smtp_secure_zero(inner, sizeof(inner));
	smtp_secure_zero(&ctx, sizeof(ctx));
}

void smtp_hmac_md5(const unsigned char *key, size_t key_len, const unsigned char *msg, size_t msg_len,
	unsigned char out[16])
{
	hmac(&md5_kind, key, key_len, msg, msg_len, out);
}

void smtp_hmac_sha1(const unsigned char *key, size_t key_len, const unsigned char *msg, size_t msg_len,
	unsigned char out[SMTP_SHA1_LEN])
{
	hmac(&sha1_kind, key, key_len, msg, msg_len, out);
}

void smtp_hmac_sha256(const unsigned char *key, size_t key_len, const unsigned char *msg, size_t msg_len,
	unsigned char out[SMTP_SHA256_LEN])
{
	hmac(&sha256_kind, key, key_len, msg, msg_len, out);
}
