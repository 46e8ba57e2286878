/*
 * test_scram.c - SHA-1, HMAC-SHA-1, PBKDF2, SASLprep and the SCRAM exchange of the core against the
 * published vectors: FIPS 180 / RFC 3174, RFC 2202, RFC 6070, RFC 7914 11, RFC 4013 3, and the
 * exchanges of RFC 5802 5 and RFC 7677 3.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_core.h"
#include "smtp_internal.h"
#include "test.h"

static const char *hex(const unsigned char *p, size_t n)
{
	static char out[300];
	static const char digits[] = "0123456789abcdef";
	size_t i;
	for (i = 0; i < n && i < 149; i++) {
		out[i * 2] = digits[p[i] >> 4];
		out[i * 2 + 1] = digits[p[i] & 15];
	}
	out[i * 2] = '\0';
	return out;
}

static void test_sha1(void)
{
	unsigned char d[SMTP_SHA1_LEN], key[80];
	smtp_sha1 ctx;
	size_t i;

	smtp_sha1_digest("abc", 3, d);
	CHECK(strcmp(hex(d, 20), "a9993e364706816aba3e25717850c26c9cd0d89d") == 0);
	smtp_sha1_digest("", 0, d);
	CHECK(strcmp(hex(d, 20), "da39a3ee5e6b4b0d3255bfef95601890afd80709") == 0);
	smtp_sha1_digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
	CHECK(strcmp(hex(d, 20), "84983e441c3bd26ebaae4aa1f95129e5e54670f1") == 0);
	/* a million 'a', fed in uneven pieces */
	smtp_sha1_init(&ctx);
	for (i = 0; i < 1000000;) {
		static char block[997];
		size_t n = 1000000 - i < 997 ? 1000000 - i : 997;
		if (block[0] != 'a') {
			memset(block, 'a', sizeof(block));
		}
		smtp_sha1_update(&ctx, block, n);
		i += n;
	}
	smtp_sha1_final(&ctx, d);
	CHECK(strcmp(hex(d, 20), "34aa973cd4c4daa4f61eeb2bdbad27316534016f") == 0);

	/* RFC 2202 cases 1, 2 and 6 */
	memset(key, 0x0b, 20);
	smtp_hmac_sha1(key, 20, (const unsigned char *)"Hi There", 8, d);
	CHECK(strcmp(hex(d, 20), "b617318655057264e28bc0b6fb378c8ef146be00") == 0);
	smtp_hmac_sha1((const unsigned char *)"Jefe", 4, (const unsigned char *)"what do ya want for nothing?", 28, d);
	CHECK(strcmp(hex(d, 20), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79") == 0);
	memset(key, 0xaa, 80);
	smtp_hmac_sha1(key, 80, (const unsigned char *)"Test Using Larger Than Block-Size Key - Hash Key First", 54, d);
	CHECK(strcmp(hex(d, 20), "aa4ae5e15272d00e95705637ce8a3b55ed402112") == 0);
}

static void test_pbkdf2(void)
{
	unsigned char out[64];

	/* RFC 6070 */
	smtp_pbkdf2(0, (const unsigned char *)"password", 8, (const unsigned char *)"salt", 4, 1, out, 20);
	CHECK(strcmp(hex(out, 20), "0c60c80f961f0e71f3a9b524af6012062fe037a6") == 0);
	smtp_pbkdf2(0, (const unsigned char *)"password", 8, (const unsigned char *)"salt", 4, 2, out, 20);
	CHECK(strcmp(hex(out, 20), "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957") == 0);
	smtp_pbkdf2(0, (const unsigned char *)"password", 8, (const unsigned char *)"salt", 4, 4096, out, 20);
	CHECK(strcmp(hex(out, 20), "4b007901b765489abead49d926f721d065a429c1") == 0);
	smtp_pbkdf2(0, (const unsigned char *)"passwordPASSWORDpassword", 24,
		(const unsigned char *)"saltSALTsaltSALTsaltSALTsaltSALTsalt", 36, 4096, out, 25);
	CHECK(strcmp(hex(out, 25), "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038") == 0);
	smtp_pbkdf2(0, (const unsigned char *)"pass\0word", 9, (const unsigned char *)"sa\0lt", 5, 4096, out, 16);
	CHECK(strcmp(hex(out, 16), "56fa6aa75548099dcc37d7f03425e0c3") == 0);

	/* RFC 7914 11: PBKDF2-HMAC-SHA256, two blocks of output */
	smtp_pbkdf2(1, (const unsigned char *)"passwd", 6, (const unsigned char *)"salt", 4, 1, out, 64);
	CHECK(strcmp(hex(out, 64), "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
		"49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783") == 0);
	smtp_pbkdf2(1, (const unsigned char *)"Password", 8, (const unsigned char *)"NaCl", 4, 80000, out, 64);
	CHECK(strcmp(hex(out, 64), "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
		"a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d") == 0);
}

static int prep_is(const char *in, const char *want)
{
	smtp_buf out;
	const char *why;
	int ok;
	smtp_buf_init(&out);
	ok = smtp_saslprep(in, strlen(in), &out, &why) == SMTP_OK && out.len == strlen(want)
		&& memcmp(out.data, want, out.len) == 0;
	smtp_buf_free(&out);
	return ok;
}

static int prep_refused(const char *in, size_t len)
{
	smtp_buf out;
	const char *why = NULL;
	int refused;
	smtp_buf_init(&out);
	refused = smtp_saslprep(in, len, &out, &why) == SMTP_ERR_INPUT && why != NULL;
	smtp_buf_free(&out);
	return refused;
}

static void test_saslprep(void)
{
	CHECK(prep_is("user", "user"));
	CHECK(prep_is("p4ss w0rd:x=,", "p4ss w0rd:x=,"));      /* ASCII unchanged */
	CHECK(prep_is("I\xc2\xad" "X", "IX"));                 /* RFC 4013 3: soft hyphen mapped to nothing */
	CHECK(prep_is("a\xc2\xa0" "b\xe3\x80\x80" "c", "a b c")); /* non-ASCII spaces become SPACE */
	CHECK(prep_is("\xc3\xbc\xe2\x80\x8b" "x", "\xc3\xbcx")); /* zero width space dropped, ü kept */
	CHECK(prep_refused("\x07", 1));                        /* RFC 4013 3: U+0007 prohibited */
	CHECK(prep_refused("a\x7f", 2));
	CHECK(prep_refused("a\xee\x80\x80", 4));               /* private use U+E000 */
	CHECK(prep_refused("a\xe2\x80\xa8", 4));               /* U+2028 */
	CHECK(prep_refused("\xc3\x28", 2));                    /* not UTF-8 */
	CHECK(prep_refused("\xc2\xad", 2));                    /* empty once mapped */
}

/* Run one exchange over the mechanism alone; returns the status of the last step. */
static smtp_status exchange(smtp_auth_mech mech, const char *user, const char *pw, const char *cnonce,
	const char *server_first, const char *server_final, smtp_buf *first, smtp_buf *final, smtp_auth_state *a)
{
	int has = 0;
	smtp_status st;
	memset(a, 0, sizeof(*a));
	a->mech = mech;
	a->user = user;
	a->user_len = strlen(user);
	a->secret = pw;
	a->secret_len = strlen(pw);
	a->cnonce = cnonce;
	a->cnonce_len = strlen(cnonce);
	smtp_buf_init(&a->scram);
	st = smtp_auth_initial(a, first, &has);
	if (st != SMTP_OK || !has) {
		return SMTP_ERR_AUTH;
	}
	st = smtp_auth_respond(a, (const unsigned char *)server_first, strlen(server_first), final);
	if (st != SMTP_OK || !server_final) {
		return st;
	}
	{
		smtp_buf empty;
		smtp_buf_init(&empty);
		st = smtp_auth_respond(a, (const unsigned char *)server_final, strlen(server_final), &empty);
		CHECK(empty.len == 0); /* the answer to the server's signature is an empty line */
		smtp_buf_free(&empty);
	}
	return st;
}

static int buf_is(const smtp_buf *b, const char *s)
{
	return b->len == strlen(s) && memcmp(b->data, s, b->len) == 0;
}

static void test_scram_vectors(void)
{
	smtp_buf first, final;
	smtp_auth_state a;
	static const char *sf1 = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
	static const char *sf256 = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

	CHECK(strcmp(smtp_auth_mech_name(SMTP_AUTH_SCRAM_SHA1), "SCRAM-SHA-1") == 0);
	CHECK(strcmp(smtp_auth_mech_name(SMTP_AUTH_SCRAM_SHA256), "SCRAM-SHA-256") == 0);

	/* RFC 5802 5 */
	smtp_buf_init(&first);
	smtp_buf_init(&final);
	CHECK(exchange(SMTP_AUTH_SCRAM_SHA1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL", sf1,
		"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", &first, &final, &a) == SMTP_OK);
	CHECK(buf_is(&first, "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"));
	CHECK(buf_is(&final, "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="));
	CHECK(smtp_auth_complete(&a));
	smtp_auth_state_clear(&a);
	smtp_buf_free(&first);
	smtp_buf_free(&final);

	/* RFC 7677 3 */
	smtp_buf_init(&first);
	smtp_buf_init(&final);
	CHECK(exchange(SMTP_AUTH_SCRAM_SHA256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO", sf256,
		"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", &first, &final, &a) == SMTP_OK);
	CHECK(buf_is(&first, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
	CHECK(buf_is(&final, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
		"p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
	CHECK(smtp_auth_complete(&a));
	smtp_auth_state_clear(&a);
	smtp_buf_free(&first);
	smtp_buf_free(&final);

	/* a wrong server signature (first byte changed), and an "e=" instead of one */
	smtp_buf_init(&first);
	smtp_buf_init(&final);
	CHECK(exchange(SMTP_AUTH_SCRAM_SHA256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO", sf256,
		"v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", &first, &final, &a) == SMTP_ERR_AUTH);
	CHECK(!smtp_auth_complete(&a) && a.error && strstr(a.error, "signature is wrong"));
	smtp_auth_state_clear(&a);
	smtp_buf_reset(&first);
	smtp_buf_reset(&final);
	CHECK(exchange(SMTP_AUTH_SCRAM_SHA1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL", sf1,
		"e=invalid-proof", &first, &final, &a) == SMTP_ERR_AUTH);
	CHECK(!smtp_auth_complete(&a) && a.error && strstr(a.error, "error"));
	smtp_auth_state_clear(&a);
	smtp_buf_reset(&first);
	smtp_buf_reset(&final);

	/* the user name's '=' and ',' escaped (RFC 5802 5.1) */
	CHECK(exchange(SMTP_AUTH_SCRAM_SHA1, "a=b,c", "pencil", "xyz", "r=xyzS,s=QSXCR+Q6sek8bf92,i=4096", NULL,
		&first, &final, &a) == SMTP_OK);
	CHECK(buf_is(&first, "n,,n=a=3Db=2Cc,r=xyz"));
	CHECK(!smtp_auth_complete(&a)); /* no server signature yet */
	smtp_auth_state_clear(&a);

	/* every malformed server-first is refused before a proof is computed */
	{
		static const struct {
			const char *msg, *why;
		} bad[] = {
			{"r=fykoXX,s=QSXCR+Q6sek8bf92,i=4096", "nonce"},                         /* not our nonce */
			{"r=fyko,s=QSXCR+Q6sek8bf92,i=4096", "nonce"},                           /* ours, not extended */
			{"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=1", "iteration"},
			{"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=4095", "iteration"},
			{"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=1000001", "iteration"},
			{"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=99999999999", "iteration"},
			{"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=-4096", "iteration"},
			{"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=04096", "iteration"},
			{"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=", "iteration"},
			{"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=!!,i=4096", "salt"},
			{"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=,i=4096", "salt"},
			{"r=fyko+d2lbbFgONRv9qkxdawL3rfc,i=4096", "malformed"},
			{"m=ext,r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=4096", "extension"},
			{"e=unknown-user", "error"},
			{"", "malformed"},
		};
		size_t i;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			smtp_buf_reset(&first);
			smtp_buf_reset(&final);
			CHECK_MSG(exchange(SMTP_AUTH_SCRAM_SHA1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL", bad[i].msg, NULL,
				&first, &final, &a) == SMTP_ERR_AUTH, bad[i].msg);
			CHECK_MSG(final.len == 0 && a.error && strstr(a.error, bad[i].why), bad[i].msg);
			smtp_auth_state_clear(&a);
		}
	}
	smtp_buf_free(&first);
	smtp_buf_free(&final);
}

int main(void)
{
	test_sha1();
	test_pbkdf2();
	test_saslprep();
	test_scram_vectors();
	return test_summary("test_scram");
}
