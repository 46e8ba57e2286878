/*
 * sha1.c - SHA-1 (FIPS 180-4) and HMAC-SHA-1 (RFC 2104), for SCRAM-SHA-1 (RFC 5802) only.
 *
 * SHA-1 is broken for collisions, not as the PRF of HMAC/PBKDF2 that SCRAM-SHA-1 uses; servers that
 * offer only SCRAM-SHA-1 (older Dovecot and Cyrus set-ups) are why it is here.
 */
#include <string.h>

#include "smtp_internal.h"

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static void sha1_block(smtp_sha1 *ctx, const unsigned char *p)
{
	uint32_t w[80], a, b, c, d, e, f, k, t;
	unsigned i;

	for (i = 0; i < 16; i++) {
		w[i] = (uint32_t)p[i * 4] << 24 | (uint32_t)p[i * 4 + 1] << 16 | (uint32_t)p[i * 4 + 2] << 8
			| (uint32_t)p[i * 4 + 3];
	}
	for (i = 16; i < 80; i++) {
		w[i] = ROTL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	}
	a = ctx->h[0]; b = ctx->h[1]; c = ctx->h[2]; d = ctx->h[3]; e = ctx->h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = ROTL(a, 5) + f + e + k + w[i];
		e = d; d = c; c = ROTL(b, 30); b = a; a = t;
	}
	ctx->h[0] += a; ctx->h[1] += b; ctx->h[2] += c; ctx->h[3] += d; ctx->h[4] += e;
}

void smtp_sha1_init(smtp_sha1 *ctx)
{
	ctx->h[0] = 0x67452301;
	ctx->h[1] = 0xefcdab89;
	ctx->h[2] = 0x98badcfe;
	ctx->h[3] = 0x10325476;
	ctx->h[4] = 0xc3d2e1f0;
	ctx->total = 0;
	ctx->used = 0;
}

void smtp_sha1_update(smtp_sha1 *ctx, const void *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	ctx->total += len;
	if (ctx->used) {
		size_t take = 64 - ctx->used < len ? 64 - ctx->used : len;
		memcpy(ctx->block + ctx->used, p, take);
		ctx->used += take;
		p += take;
		len -= take;
		if (ctx->used < 64) {
			return;
		}
		sha1_block(ctx, ctx->block);
		ctx->used = 0;
	}
	while (len >= 64) {
		sha1_block(ctx, p);
		p += 64;
		len -= 64;
	}
	if (len) {
		memcpy(ctx->block, p, len);
		ctx->used = len;
	}
}

void smtp_sha1_final(smtp_sha1 *ctx, unsigned char out[SMTP_SHA1_LEN])
{
	uint64_t bits = ctx->total * 8;
	unsigned char tail[8];
	unsigned i;

	for (i = 0; i < 8; i++) {
		tail[i] = (unsigned char)(bits >> (56 - 8 * i));
	}
	smtp_sha1_update(ctx, "\x80", 1);
	while (ctx->used != 56) {
		smtp_sha1_update(ctx, "\0", 1);
	}
	smtp_sha1_update(ctx, tail, 8);
	for (i = 0; i < 5; i++) {
		out[i * 4] = (unsigned char)(ctx->h[i] >> 24);
		out[i * 4 + 1] = (unsigned char)(ctx->h[i] >> 16);
		out[i * 4 + 2] = (unsigned char)(ctx->h[i] >> 8);
		out[i * 4 + 3] = (unsigned char)ctx->h[i];
	}
	memset(ctx, 0, sizeof(*ctx));
}

void smtp_sha1_digest(const void *data, size_t len, unsigned char out[SMTP_SHA1_LEN])
{
	smtp_sha1 ctx;
	smtp_sha1_init(&ctx);
	smtp_sha1_update(&ctx, data, len);
	smtp_sha1_final(&ctx, out);
}
