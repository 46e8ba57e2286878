/*
 * smtp_boundary.c - the random bytes of MIME boundaries (smtp_boundary.h): PHP's CSPRNG for a message
 * written once, and for a Message a generator seeded by its Message-ID and Date, so that every write of
 * it (DKIM's two passes, a retry, Smtp::render()) gives the same bytes.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "ext/random/php_random.h"

#include "protocol/smtp_sha256.h"
#include "smtp_boundary.h"

struct smtp_boundary_rng {
	unsigned char seed[SMTP_SHA256_LEN];
	uint64_t counter;
	unsigned char block[SMTP_SHA256_LEN];
	size_t block_used;
};

/* ---- PHP's CSPRNG --------------------------------------------------------------------------------- */

void smtp_php_random(void *ctx, unsigned char *buf, size_t len)
{
	(void)ctx;
	if (php_random_bytes_silent(buf, len) != SUCCESS) {
		/* the CSPRNG failed: boundaries only need to be unlikely in the content */
		size_t i;
		for (i = 0; i < len; i++) {
			buf[i] = (unsigned char)php_mt_rand_range(0, 255);
		}
	}
}

/* ---- boundaries that do not change between writes ------------------------------------------------ */

smtp_boundary_rng *smtp_boundary_rng_new(zend_string *message_id, zend_string *date)
{
	smtp_boundary_rng *rng = ecalloc(1, sizeof(*rng));
	smtp_sha256 h;
	/* seeded by what makes the message unique; its generated Message-ID holds 128 random bits */
	smtp_sha256_init(&h);
	smtp_sha256_update(&h, ZSTR_VAL(message_id), ZSTR_LEN(message_id));
	smtp_sha256_update(&h, "\n", 1);
	smtp_sha256_update(&h, ZSTR_VAL(date), ZSTR_LEN(date));
	smtp_sha256_final(&h, rng->seed);
	rng->block_used = SMTP_SHA256_LEN;
	return rng;
}

void smtp_boundary_rng_rewind(smtp_boundary_rng *rng)
{
	if (rng) {
		rng->counter = 0;
		rng->block_used = SMTP_SHA256_LEN;
	}
}

void smtp_boundary_rng_free(smtp_boundary_rng *rng)
{
	if (rng) {
		efree(rng);
	}
}

/* smtp_random_fn: SHA-256(seed || counter) blocks; without a generator, PHP's CSPRNG. */
void smtp_boundary_random(void *ctx, unsigned char *buf, size_t len)
{
	smtp_boundary_rng *rng = ctx;
	if (!rng) {
		smtp_php_random(NULL, buf, len);
		return;
	}
	while (len) {
		size_t take;
		if (rng->block_used == SMTP_SHA256_LEN) {
			unsigned char in[SMTP_SHA256_LEN + 8];
			int i;
			memcpy(in, rng->seed, SMTP_SHA256_LEN);
			for (i = 0; i < 8; i++) {
				in[SMTP_SHA256_LEN + i] = (unsigned char)(rng->counter >> (56 - 8 * i));
			}
			rng->counter++;
			smtp_sha256_digest(in, sizeof(in), rng->block);
			rng->block_used = 0;
		}
		take = SMTP_SHA256_LEN - rng->block_used < len ? SMTP_SHA256_LEN - rng->block_used : len;
		memcpy(buf, rng->block + rng->block_used, take);
		rng->block_used += take;
		buf += take;
		len -= take;
	}
}

