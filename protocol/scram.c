/*
 * scram.c - the client side of SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel
 * binding ("n,,"), PBKDF2 (RFC 8018) and the SASLprep (RFC 4013) of the password.
 *
 * SASLprep here: ASCII passes unchanged (control characters refused); outside ASCII the RFC 3454 B.1
 * characters are removed, the C.1.2 spaces become U+0020, and the prohibited C.2-C.9 characters are
 * refused. NFKC normalisation is not applied (it needs the Unicode tables): a non-ASCII password whose
 * NFKC form differs (compatibility characters, decomposed accents) must be given already normalised.
 * The user name is sent as given, with "=" and "," escaped (RFC 5802 5.1).
 */
#include <string.h>

#include "smtp_internal.h"
#include "smtp_mime.h"

#define SCRAM_MIN_ITERATIONS 4096u      /* RFC 7677 4: "SHOULD be at least 4096"; less is refused */
#define SCRAM_MAX_ITERATIONS 1000000u   /* more would stall the request for seconds: refused */
#define SCRAM_NONCE_MAX 512

/* ---- the two hashes behind one interface ------------------------------------------------------------ */

typedef struct hash_ctx {
	int sha256;
	union {
		smtp_sha1 s1;
		smtp_sha256 s256;
	} u;
} hash_ctx;

static size_t hash_len(int sha256)
{
	return sha256 ? SMTP_SHA256_LEN : SMTP_SHA1_LEN;
}

static void hash_init(hash_ctx *h, int sha256)
{
	h->sha256 = sha256;
	if (sha256) {
		smtp_sha256_init(&h->u.s256);
	} else {
		smtp_sha1_init(&h->u.s1);
	}
}

static void hash_update(hash_ctx *h, const void *data, size_t len)
{
	if (h->sha256) {
		smtp_sha256_update(&h->u.s256, data, len);
	} else {
		smtp_sha1_update(&h->u.s1, data, len);
	}
}

static void hash_final(hash_ctx *h, unsigned char *out)
{
	if (h->sha256) {
		smtp_sha256_final(&h->u.s256, out);
	} else {
		smtp_sha1_final(&h->u.s1, out);
	}
}

static void hash_digest(int sha256, const void *data, size_t len, unsigned char *out)
{
	hash_ctx h;
	hash_init(&h, sha256);
	hash_update(&h, data, len);
	hash_final(&h, out);
	smtp_secure_zero(&h, sizeof(h)); /* it hashed a key */
}

/* HMAC with the key's inner and outer states computed once (PBKDF2 reuses them for every iteration). */
typedef struct hmac_key {
	hash_ctx inner, outer;
} hmac_key;

static void hmac_key_init(hmac_key *k, int sha256, const unsigned char *key, size_t key_len)
{
	unsigned char block[64], pad[64];
	unsigned i;

	memset(block, 0, sizeof(block));
	if (key_len > 64) {
		hash_digest(sha256, key, key_len, block);
	} else if (key_len) {
		memcpy(block, key, key_len);
	}
	for (i = 0; i < 64; i++) {
		pad[i] = (unsigned char)(block[i] ^ 0x36);
	}
	hash_init(&k->inner, sha256);
	hash_update(&k->inner, pad, 64);
	for (i = 0; i < 64; i++) {
		pad[i] = (unsigned char)(block[i] ^ 0x5c);
	}
	hash_init(&k->outer, sha256);
	hash_update(&k->outer, pad, 64);
	smtp_secure_zero(block, sizeof(block));
	smtp_secure_zero(pad, sizeof(pad));
}

/* HMAC(key, a || b) */
static void hmac2(const hmac_key *k, const void *a, size_t a_len, const void *b, size_t b_len, unsigned char *out)
{
	hash_ctx h = k->inner;
	unsigned char inner[SMTP_SHA256_LEN];
	hash_update(&h, a, a_len);
	if (b_len) {
		hash_update(&h, b, b_len);
	}
	hash_final(&h, inner);
	h = k->outer;
	hash_update(&h, inner, hash_len(k->inner.sha256));
	hash_final(&h, out);
	smtp_secure_zero(inner, sizeof(inner));
	smtp_secure_zero(&h, sizeof(h)); /* a state derived from the key */
}

static void hmac(int sha256, const unsigned char *key, size_t key_len, const void *msg, size_t msg_len,
	unsigned char *out)
{
	hmac_key k;
	hmac_key_init(&k, sha256, key, key_len);
	hmac2(&k, msg, msg_len, NULL, 0, out);
	smtp_secure_zero(&k, sizeof(k));
}

void smtp_pbkdf2(int sha256, const unsigned char *pass, size_t pass_len, const unsigned char *salt,
	size_t salt_len, unsigned long iterations, unsigned char *out, size_t out_len)
{
	size_t hl = hash_len(sha256);
	unsigned char u[SMTP_SHA256_LEN], t[SMTP_SHA256_LEN], be[4];
	uint32_t block = 1;
	hmac_key k;

	hmac_key_init(&k, sha256, pass, pass_len);
	while (out_len) {
		unsigned long n;
		size_t i, take = out_len < hl ? out_len : hl;
		be[0] = (unsigned char)(block >> 24);
		be[1] = (unsigned char)(block >> 16);
		be[2] = (unsigned char)(block >> 8);
		be[3] = (unsigned char)block;
		hmac2(&k, salt, salt_len, be, 4, u);
		memcpy(t, u, hl);
		for (n = 1; n < iterations; n++) {
			hmac2(&k, u, hl, NULL, 0, u);
			for (i = 0; i < hl; i++) {
				t[i] ^= u[i];
			}
		}
		memcpy(out, t, take);
		out += take;
		out_len -= take;
		block++;
	}
	smtp_secure_zero(&k, sizeof(k));
	smtp_secure_zero(u, sizeof(u));
	smtp_secure_zero(t, sizeof(t));
}

/* ---- SASLprep ---------------------------------------------------------------------------------------- */

static int in_ranges(uint32_t c, const uint32_t (*r)[2], size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (c >= r[i][0] && c <= r[i][1]) {
			return 1;
		}
	}
	return 0;
}

/* RFC 3454 B.1: commonly mapped to nothing */
static const uint32_t map_to_nothing[][2] = {
	{0x00AD, 0x00AD}, {0x034F, 0x034F}, {0x1806, 0x1806}, {0x180B, 0x180D}, {0x200B, 0x200D},
	{0x2060, 0x2060}, {0xFE00, 0xFE0F}, {0xFEFF, 0xFEFF}
};
/* C.1.2: non-ASCII spaces, mapped to SPACE (RFC 4013 2.1) */
static const uint32_t non_ascii_space[][2] = {
	{0x00A0, 0x00A0}, {0x1680, 0x1680}, {0x2000, 0x200B}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}
};
/* C.2.2 control, C.3 private use, C.4 non-characters, C.5 surrogates, C.6-C.9 (RFC 4013 2.3) */
static const uint32_t prohibited[][2] = {
	{0x0080, 0x009F}, {0x06DD, 0x06DD}, {0x070F, 0x070F}, {0x180E, 0x180E}, {0x200C, 0x200F},
	{0x2028, 0x202E}, {0x2060, 0x2063}, {0x206A, 0x206F}, {0xD800, 0xDFFF}, {0xE000, 0xF8FF},
	{0xFDD0, 0xFDEF}, {0xFFF9, 0xFFFD}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F},
	{0xF0000, 0x10FFFF}, {0x2FF0, 0x2FFB}, {0x0340, 0x0341}
};

smtp_status smtp_saslprep(const char *s, size_t len, smtp_buf *out, const char **why)
{
	size_t i = 0;
	*why = NULL;
	if (!smtp_utf8_valid(s, len)) {
		*why = "the password is not valid UTF-8";
		return SMTP_ERR_INPUT;
	}
	while (i < len) {
		unsigned char b = (unsigned char)s[i];
		uint32_t c;
		size_t n;
		if (b < 0x80) {
			if (b < 0x20 || b == 0x7F) {
				*why = "the password contains a control character (SASLprep prohibits it)";
				return SMTP_ERR_INPUT;
			}
			smtp_buf_append(out, s + i, 1);
			i++;
			continue;
		}
		/* valid UTF-8 was checked above */
		n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
		c = n == 2 ? b & 0x1Fu : n == 3 ? b & 0x0Fu : b & 0x07u;
		{
			size_t j;
			for (j = 1; j < n; j++) {
				c = c << 6 | ((unsigned char)s[i + j] & 0x3Fu);
			}
		}
		if (in_ranges(c, map_to_nothing, sizeof(map_to_nothing) / sizeof(map_to_nothing[0]))) {
			/* dropped */
		} else if (in_ranges(c, non_ascii_space, sizeof(non_ascii_space) / sizeof(non_ascii_space[0]))) {
			smtp_buf_append(out, " ", 1);
		} else if (in_ranges(c, prohibited, sizeof(prohibited) / sizeof(prohibited[0]))
			|| (c & 0xFFFE) == 0xFFFE) {
			*why = "the password contains a character SASLprep prohibits";
			return SMTP_ERR_INPUT;
		} else {
			smtp_buf_append(out, s + i, n);
		}
		i += n;
	}
	if (out->failed) {
		return SMTP_ERR_NOMEM;
	}
	if (out->len == 0) {
		*why = "the password is empty after SASLprep";
		return SMTP_ERR_INPUT;
	}
	return SMTP_OK;
}

/* ---- the exchange ------------------------------------------------------------------------------------ */

static int is_sha256(const smtp_auth_state *a)
{
	return a->mech == SMTP_AUTH_SCRAM_SHA256;
}

static void append_base64(smtp_buf *b, const unsigned char *data, size_t len)
{
	char *at = smtp_buf_extend(b, (len + 2) / 3 * 4);
	if (at) {
		smtp_base64_encode(data, len, at);
	}
}

/* RFC 5802 5.1: "n,," then client-first-message-bare, which is kept for the AuthMessage. */
smtp_status smtp_scram_first(smtp_auth_state *a, smtp_buf *out)
{
	size_t i;
	if (a->cnonce_len == 0 || memchr(a->cnonce, ',', a->cnonce_len)) {
		a->error = "SCRAM needs a client nonce";
		return SMTP_ERR_AUTH;
	}
	smtp_buf_reset(&a->scram);
	smtp_buf_append_str(&a->scram, "n=");
	for (i = 0; i < a->user_len; i++) {
		char c = a->user[i];
		if (c == '=' || c == ',') {
			smtp_buf_append_str(&a->scram, c == '=' ? "=3D" : "=2C");
		} else {
			smtp_buf_append(&a->scram, &c, 1);
		}
	}
	smtp_buf_append_str(&a->scram, ",r=");
	smtp_buf_append(&a->scram, a->cnonce, a->cnonce_len);
	smtp_buf_append_str(out, "n,,");
	smtp_buf_append(out, a->scram.data, a->scram.len);
	return a->scram.failed || out->failed ? SMTP_ERR_NOMEM : SMTP_OK;
}

/* The value of "x=" at *p in a comma-separated message; moves *p past it and its comma. */
static int attribute(const char **p, const char *end, char name, const char **value, size_t *len)
{
	const char *comma;
	if (end - *p < 2 || (*p)[0] != name || (*p)[1] != '=') {
		return 0;
	}
	*value = *p + 2;
	comma = memchr(*value, ',', (size_t)(end - *value));
	*len = (size_t)((comma ? comma : end) - *value);
	*p = comma ? comma + 1 : end;
	return 1;
}

static smtp_status server_error(smtp_auth_state *a, const char *msg, size_t len)
{
	const char *v;
	size_t vl;
	if (attribute(&msg, msg + len, 'e', &v, &vl)) {
		a->error = "the server ended SCRAM with an error";
	}
	return SMTP_ERR_AUTH;
}

/* The server-first-message's nonce, salt and iteration count, each checked (RFC 5802 5.1): the nonce
 * must extend ours, the count stay within bounds (a huge one would stall us; a tiny one is weak). */
typedef struct server_first {
	const char *nonce, *salt64;
	size_t nonce_len, salt64_len;
	unsigned long iterations;
} server_first;

static smtp_status parse_server_first(smtp_auth_state *a, const unsigned char *challenge, size_t len,
	server_first *f)
{
	const char *p = (const char *)challenge, *end = p + len, *iter;
	size_t i, iter_len;
	static const char *const bad_count =
		"the server's SCRAM iteration count is invalid or out of range (4096 to 1000000)";

	a->error = "the server's SCRAM message is malformed";
	if (len == 0 || memchr(challenge, '\0', len)) {
		return SMTP_ERR_AUTH;
	}
	if (len >= 2 && p[0] == 'm' && p[1] == '=') {
		a->error = "the server asks for a SCRAM extension we do not support";
		return SMTP_ERR_AUTH;
	}
	if (len >= 2 && p[0] == 'e' && p[1] == '=') {
		return server_error(a, p, len);
	}
	if (!attribute(&p, end, 'r', &f->nonce, &f->nonce_len) || !attribute(&p, end, 's', &f->salt64, &f->salt64_len)
		|| !attribute(&p, end, 'i', &iter, &iter_len)) {
		return SMTP_ERR_AUTH;
	}
	if (f->nonce_len <= a->cnonce_len || f->nonce_len > SCRAM_NONCE_MAX
		|| memcmp(f->nonce, a->cnonce, a->cnonce_len) != 0) {
		a->error = "the server's SCRAM nonce does not extend ours";
		return SMTP_ERR_AUTH;
	}
	for (i = 0; i < f->nonce_len; i++) {
		if (f->nonce[i] < 0x21 || f->nonce[i] > 0x7E) {
			a->error = "the server's SCRAM nonce is not printable";
			return SMTP_ERR_AUTH;
		}
	}
	a->error = bad_count;
	if (iter_len == 0 || iter_len > 7 || iter[0] == '0') {
		return SMTP_ERR_AUTH;
	}
	f->iterations = 0;
	for (i = 0; i < iter_len; i++) {
		if (iter[i] < '0' || iter[i] > '9') {
			return SMTP_ERR_AUTH;
		}
		f->iterations = f->iterations * 10 + (unsigned long)(iter[i] - '0');
	}
	if (f->iterations < SCRAM_MIN_ITERATIONS || f->iterations > SCRAM_MAX_ITERATIONS) {
		return SMTP_ERR_AUTH;
	}
	a->error = "the server's SCRAM message is malformed";
	return SMTP_OK;
}

/* server-first-message -> client-final-message (RFC 5802 5.1, 7). */
smtp_status smtp_scram_final(smtp_auth_state *a, const unsigned char *challenge, size_t len, smtp_buf *out)
{
	int sha256 = is_sha256(a);
	size_t hl = hash_len(sha256), i, salt_len;
	unsigned char salted[SMTP_SHA256_LEN], client_key[SMTP_SHA256_LEN], stored_key[SMTP_SHA256_LEN];
	unsigned char signature[SMTP_SHA256_LEN], server_key[SMTP_SHA256_LEN];
	unsigned char *salt = NULL;
	server_first f;
	smtp_buf pw, salt_buf;
	const char *why;
	smtp_status st = parse_server_first(a, challenge, len, &f);

	if (st != SMTP_OK) {
		return st;
	}
	st = SMTP_ERR_AUTH;
	smtp_buf_init_secret(&pw); /* SASLprep's copy of the password */
	smtp_buf_init(&salt_buf);
	salt = (unsigned char *)smtp_buf_extend(&salt_buf, f.salt64_len / 4 * 3 + 3);
	if (!salt) {
		st = SMTP_ERR_NOMEM;
		goto done;
	}
	salt_len = smtp_base64_decode(f.salt64, f.salt64_len, salt);
	if (salt_len == (size_t)-1 || salt_len == 0) {
		a->error = "the server's SCRAM salt is not base64";
		goto done;
	}
	st = smtp_saslprep(a->secret, a->secret_len, &pw, &why);
	if (st != SMTP_OK) {
		a->error = why;
		st = SMTP_ERR_AUTH;
		goto done;
	}
	a->error = NULL;
	smtp_pbkdf2(sha256, (const unsigned char *)pw.data, pw.len, salt, salt_len, f.iterations, salted, hl);
	hmac(sha256, salted, hl, "Client Key", 10, client_key);
	hash_digest(sha256, client_key, hl, stored_key);
	hmac(sha256, salted, hl, "Server Key", 10, server_key);

	/* AuthMessage = client-first-message-bare "," server-first-message "," client-final-without-proof */
	smtp_buf_append_str(&a->scram, ",");
	smtp_buf_append(&a->scram, (const char *)challenge, len);
	smtp_buf_append_str(&a->scram, ",c=biws,r=");
	smtp_buf_append(&a->scram, f.nonce, f.nonce_len);
	if (a->scram.failed) {
		st = SMTP_ERR_NOMEM;
		goto done;
	}
	hmac(sha256, stored_key, hl, a->scram.data, a->scram.len, signature);
	for (i = 0; i < hl; i++) {
		client_key[i] ^= signature[i]; /* now the ClientProof */
	}
	hmac(sha256, server_key, hl, a->scram.data, a->scram.len, a->server_sig);

	smtp_buf_append_str(out, "c=biws,r=");
	smtp_buf_append(out, f.nonce, f.nonce_len);
	smtp_buf_append_str(out, ",p=");
	append_base64(out, client_key, hl);
	st = out->failed ? SMTP_ERR_NOMEM : SMTP_OK;
done:
	smtp_secure_zero(salted, sizeof(salted));
	smtp_secure_zero(client_key, sizeof(client_key));
	smtp_secure_zero(stored_key, sizeof(stored_key));
	smtp_secure_zero(server_key, sizeof(server_key));
	smtp_secure_zero(signature, sizeof(signature));
	smtp_buf_wipe(&pw);
	smtp_buf_free(&salt_buf);
	return st;
}

/* server-final-message: "v=" base64(ServerSignature), compared in constant time. */
smtp_status smtp_scram_verify(smtp_auth_state *a, const unsigned char *challenge, size_t len)
{
	size_t hl = hash_len(is_sha256(a)), v_len, i;
	const char *p = (const char *)challenge, *v;
	unsigned char got[SMTP_SHA256_LEN + 3];
	unsigned diff = 0;

	if (len >= 2 && p[0] == 'e' && p[1] == '=') {
		return server_error(a, p, len);
	}
	if (!attribute(&p, p + len, 'v', &v, &v_len) || v_len != (hl + 2) / 3 * 4
		|| smtp_base64_decode(v, v_len, got) != hl) {
		a->error = "the server's SCRAM signature is malformed";
		return SMTP_ERR_AUTH;
	}
	for (i = 0; i < hl; i++) {
		diff |= (unsigned)(got[i] ^ a->server_sig[i]);
	}
	if (diff) {
		a->error = "the server's SCRAM signature is wrong (it does not know the password: not the real server?)";
		return SMTP_ERR_AUTH;
	}
	a->server_verified = 1;
	return SMTP_OK;
}
