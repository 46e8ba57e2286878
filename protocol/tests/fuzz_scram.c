/*
 * fuzz_scram.c - libFuzzer target for the client side of SCRAM (scram.c): the server's messages are
 * what an impostor controls.
 *
 * The input is split at its first NUL: the part before is the server-first-message, the part after the
 * server-final-message. Both mechanisms run on it, with a fixed client nonce.
 * Properties:
 *   - no crash, no sanitizer report;
 *   - a refused server-first-message leaves a reason (a->error) and no client-final-message;
 *   - an accepted one starts with "r=" + our nonce + at least one more character, and the answer is
 *     "c=biws,r=" + that nonce + ",p=" + the base64 of a proof of the hash's length;
 *   - the exchange is complete (a 235 accepted) only when the server-final-message was verified (the
 *     RFC 5802 seed is, for SCRAM-SHA-1), and a refused one leaves a reason.
 * Inputs whose iteration count is above 10000 are skipped: PBKDF2 would only make the run slow (the
 * range check itself is covered by the unit tests).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_core.h"
#include "smtp_internal.h"

#define FAIL(...) \
	do { \
		fprintf(stderr, "fuzz_scram: property failed at %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fprintf(stderr, "\n"); \
		abort(); \
	} while (0)

static const char cnonce[] = "fyko+d2lbbFgONRv9qkxdawL";

static int slow(const uint8_t *data, size_t size)
{
	size_t i;
	for (i = 0; i + 2 < size; i++) {
		if (data[i] == 'i' && data[i + 1] == '=') {
			unsigned long n = 0;
			size_t j = i + 2;
			while (j < size && data[j] >= '0' && data[j] <= '9' && n <= 10000) {
				n = n * 10 + (unsigned long)(data[j++] - '0');
			}
			if (n > 10000) {
				return 1;
			}
		}
	}
	return 0;
}

static void run(smtp_auth_mech mech, const uint8_t *first, size_t first_len, const uint8_t *final,
	size_t final_len)
{
	smtp_auth_state a;
	smtp_buf out, answer;
	int has = 0;
	smtp_status st;
	size_t hl = mech == SMTP_AUTH_SCRAM_SHA256 ? 32 : 20, prefix;

	memset(&a, 0, sizeof(a));
	a.mech = mech;
	a.user = "user";
	a.user_len = 4;
	a.secret = "pencil";
	a.secret_len = 6;
	a.cnonce = cnonce;
	a.cnonce_len = sizeof(cnonce) - 1;
	smtp_buf_init(&a.scram);
	smtp_buf_init(&out);
	smtp_buf_init(&answer);
	if (smtp_auth_initial(&a, &out, &has) != SMTP_OK || !has) {
		FAIL("no client-first-message");
	}
	smtp_buf_reset(&out);
	st = smtp_auth_respond(&a, first, first_len, &out);
	if (st != SMTP_OK) {
		if (!a.error || out.len) {
			FAIL("refused without a reason, or with an answer");
		}
	} else {
		const char *nonce_end;
		if (first_len < 2 + (sizeof(cnonce) - 1) + 1 || memcmp(first, "r=", 2) != 0
			|| memcmp(first + 2, cnonce, sizeof(cnonce) - 1) != 0) {
			FAIL("accepted a nonce that does not extend ours");
		}
		nonce_end = memchr(first, ',', first_len);
		prefix = 9 + (size_t)(nonce_end - (const char *)first) - 2;
		if (out.len != prefix + 3 + (hl + 2) / 3 * 4 || memcmp(out.data, "c=biws,r=", 9) != 0
			|| memcmp(out.data + 9, first + 2, prefix - 9) != 0 || memcmp(out.data + prefix, ",p=", 3) != 0) {
			FAIL("malformed client-final-message");
		}
		if (smtp_auth_complete(&a)) {
			FAIL("complete before the server's signature");
		}
		st = smtp_auth_respond(&a, final, final_len, &answer);
		if (st == SMTP_OK) {
			if (!smtp_auth_complete(&a) || answer.len) {
				FAIL("verified but not complete, or answered");
			}
		} else if (smtp_auth_complete(&a) || !a.error) {
			FAIL("refused signature but complete, or no reason");
		}
	}
	smtp_auth_state_clear(&a);
	smtp_buf_free(&out);
	smtp_buf_free(&answer);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t first_len = nul ? (size_t)(nul - data) : size;
	const uint8_t *final = nul ? nul + 1 : data + size;
	size_t final_len = nul ? size - first_len - 1 : 0;

	if (slow(data, size)) {
		return 0;
	}
	run(SMTP_AUTH_SCRAM_SHA1, data, first_len, final, final_len);
	run(SMTP_AUTH_SCRAM_SHA256, data, first_len, final, final_len);
	return 0;
}
