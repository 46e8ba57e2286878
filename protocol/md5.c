/*
 * md5.c - MD5 (RFC 1321) and HMAC-MD5 (RFC 2104), only for AUTH CRAM-MD5 (RFC 2195).
 *
 * Kept in the core so it needs no crypto library and builds the same everywhere.
 */
#include <string.h>

#include "smtp_internal.h"

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static const uint32_t md5_k[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391
};

static const unsigned char md5_r[64] = {
	7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
	5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
	4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
	6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21
};

static void md5_block(smtp_md5 *ctx, const unsigned char *p)
{
	uint32_t w[16], a, b, c, d, f, t;
	unsigned i, g;

	for (i = 0; i < 16; i++) {
		w[i] = (uint32_t)p[i * 4] | (uint32_t)p[i * 4 + 1] << 8 | (uint32_t)p[i * 4 + 2] << 16
			| (uint32_t)p[i * 4 + 3] << 24;
	}
	a = ctx->h[0];
	b = ctx->h[1];
	c = ctx->h[2];
	d = ctx->h[3];
	for (i = 0; i < 64; i++) {
		if (i < 16) {
			f = (b & c) | (~b & d);
			g = i;
		} else if (i < 32) {
			f = (d & b) | (~d & c);
			g = (5 * i + 1) % 16;
		} else if (i < 48) {
			f = b ^ c ^ d;
			g = (3 * i + 5) % 16;
		} else {
			f = c ^ (b | ~d);
			g = (7 * i) % 16;
		}
		t = d;
		d = c;
		c = b;
		b = b + ROTL((a + f + md5_k[i] + w[g]) & 0xffffffffu, md5_r[i]);
		a = t;
	}
	ctx->h[0] += a;
	ctx->h[1] += b;
	ctx->h[2] += c;
	ctx->h[3] += d;
}

void smtp_md5_init(smtp_md5 *ctx)
{
	ctx->h[0] = 0x67452301;
	ctx->h[1] = 0xefcdab89;
	ctx->h[2] = 0x98badcfe;
	ctx->h[3] = 0x10325476;
	ctx->total = 0;
	ctx->used = 0;
}

void smtp_md5_update(smtp_md5 *ctx, const void *data, size_t len)
{
	const unsigned char *p = data;
	ctx->total += len;
	while (len > 0) {
		size_t n = 64 - ctx->used;
		if (n > len) {
			n = len;
		}
		memcpy(ctx->block + ctx->used, p, n);
		ctx->used += n;
		p += n;
		len -= n;
		if (ctx->used == 64) {
			md5_block(ctx, ctx->block);
			ctx->used = 0;
		}
	}
}

void smtp_md5_final(smtp_md5 *ctx, unsigned char out[16])
{
	static const unsigned char pad = 0x80;
	static const unsigned char zero[64] = {0};
	unsigned char len_le[8];
	uint64_t bits = ctx->total * 8;
	unsigned i;

	for (i = 0; i < 8; i++) {
		len_le[i] = (unsigned char)(bits >> (8 * i));
	}
	smtp_md5_update(ctx, &pad, 1);
	smtp_md5_update(ctx, zero, ctx->used <= 56 ? 56 - ctx->used : 120 - ctx->used);
	smtp_md5_update(ctx, len_le, 8);
	for (i = 0; i < 16; i++) {
		out[i] = (unsigned char)(ctx->h[i / 4] >> (8 * (i % 4)));
	}
	memset(ctx, 0, sizeof(*ctx));
}
