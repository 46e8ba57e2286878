/*
 * auth.c - the client side of the SASL mechanisms we speak in AUTH (RFC 4954): what to send first and
 * what to answer to each challenge. The session does the base64 and the network; this file only knows
 * the mechanisms.
 */
#include <string.h>

#include "smtp_internal.h"

/* RFC 4616: [authzid] NUL authcid NUL passwd, with an empty authzid. */
static smtp_status plain_message(smtp_auth_state *a, smtp_buf *out)
{
	smtp_buf_append(out, "\0", 1);
	smtp_buf_append(out, a->user, a->user_len);
	smtp_buf_append(out, "\0", 1);
	return smtp_buf_append(out, a->secret, a->secret_len);
}

/* Google's and Microsoft's XOAUTH2: "user=" user ^A "auth=Bearer " token ^A ^A. */
static smtp_status xoauth2_message(smtp_auth_state *a, smtp_buf *out)
{
	smtp_buf_append_str(out, "user=");
	smtp_buf_append(out, a->user, a->user_len);
	smtp_buf_append_str(out, "\001auth=Bearer ");
	smtp_buf_append(out, a->secret, a->secret_len);
	return smtp_buf_append(out, "\001\001", 2);
}

/* RFC 7628 3.1: gs2-header "n,a=" user "," then ^A "auth=Bearer " token ^A ^A. */
static smtp_status oauthbearer_message(smtp_auth_state *a, smtp_buf *out)
{
	size_t i;
	smtp_buf_append_str(out, "n,a=");
	for (i = 0; i < a->user_len; i++) {
		char c = a->user[i];
		if (c == '=' || c == ',') { /* RFC 5801 4: saslname */
			smtp_buf_append_str(out, c == '=' ? "=3D" : "=2C");
		} else {
			smtp_buf_append(out, &c, 1);
		}
	}
	smtp_buf_append_str(out, ",\001auth=Bearer ");
	smtp_buf_append(out, a->secret, a->secret_len);
	return smtp_buf_append(out, "\001\001", 2);
}

/* ---- the steps of each mechanism: the initial response, then the answer to challenge number step --- */

static smtp_status plain_initial(smtp_auth_state *a, smtp_buf *out)
{
	return plain_message(a, out);
}

static smtp_status plain_respond(smtp_auth_state *a, int step, const unsigned char *challenge, size_t len,
	smtp_buf *out)
{
	(void)challenge;
	(void)len;
	/* the initial response was not sent with the command (line too long): send it now */
	return step == 0 ? plain_message(a, out) : SMTP_ERR_AUTH;
}

static smtp_status login_respond(smtp_auth_state *a, int step, const unsigned char *challenge, size_t len,
	smtp_buf *out)
{
	(void)challenge;
	(void)len;
	if (step == 0) {
		return smtp_buf_append(out, a->user, a->user_len);
	}
	return step == 1 ? smtp_buf_append(out, a->secret, a->secret_len) : SMTP_ERR_AUTH;
}

/* RFC 2195: user SP hex(HMAC-MD5(secret, challenge)) */
static smtp_status cram_md5_respond(smtp_auth_state *a, int step, const unsigned char *challenge, size_t len,
	smtp_buf *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char digest[16];
	char digest_hex[32];
	unsigned i;
	if (step != 0 || len == 0) { /* an empty challenge would make the answer the same every time */
		return SMTP_ERR_AUTH;
	}
	smtp_hmac_md5((const unsigned char *)a->secret, a->secret_len, challenge, len, digest);
	for (i = 0; i < 16; i++) {
		digest_hex[i * 2] = hex[digest[i] >> 4];
		digest_hex[i * 2 + 1] = hex[digest[i] & 15];
	}
	smtp_buf_append(out, a->user, a->user_len);
	smtp_buf_append(out, " ", 1);
	smtp_buf_append(out, digest_hex, 32);
	smtp_secure_zero(digest, sizeof(digest));
	smtp_secure_zero(digest_hex, sizeof(digest_hex));
	return out->failed ? SMTP_ERR_NOMEM : SMTP_OK;
}

static smtp_status xoauth2_initial(smtp_auth_state *a, smtp_buf *out)
{
	return xoauth2_message(a, out);
}

static smtp_status xoauth2_respond(smtp_auth_state *a, int step, const unsigned char *challenge, size_t len,
	smtp_buf *out)
{
	(void)a;
	(void)challenge;
	(void)len;
	(void)out;
	/* a challenge here carries the server's JSON error; an empty answer lets it send the final 5xx */
	return step == 1 ? SMTP_OK : SMTP_ERR_AUTH;
}

static smtp_status oauthbearer_initial(smtp_auth_state *a, smtp_buf *out)
{
	return oauthbearer_message(a, out);
}

static smtp_status oauthbearer_respond(smtp_auth_state *a, int step, const unsigned char *challenge, size_t len,
	smtp_buf *out)
{
	(void)a;
	(void)challenge;
	(void)len;
	/* RFC 7628 3.2.3: the challenge is the server's JSON error; the answer is a lone ^A, then 5xx */
	return step == 1 ? smtp_buf_append(out, "\001", 1) : SMTP_ERR_AUTH;
}

/* 1: server-first -> client-final; 2: server-final checked, answered with an empty line */
static smtp_status scram_respond(smtp_auth_state *a, int step, const unsigned char *challenge, size_t len,
	smtp_buf *out)
{
	if (step == 1) {
		return smtp_scram_final(a, challenge, len, out);
	}
	return step == 2 ? smtp_scram_verify(a, challenge, len) : SMTP_ERR_AUTH;
}

/* ---- the table ------------------------------------------------------------------------------------ */

/*
 * Automatic choice (SMTP_AUTH_AUTO): SCRAM first, since the password never crosses the wire and the
 * server proves it knows it; then PLAIN, LOGIN, CRAM-MD5 over TLS, but CRAM-MD5 first in cleartext, as it
 * does not reveal the password. The OAuth mechanisms take a token, not a password: only when asked.
 *
 * The public part (what smtp_auth_mechanisms() hands out) and the exchange functions are two constant
 * tables in the same order, so nothing here is written after load: threads share them safely.
 */
static const smtp_auth_mechanism mechanisms[] = {
	/* id                      name            tls clear initial_has_secret bearer scram */
	{SMTP_AUTH_SCRAM_SHA256, "SCRAM-SHA-256", 1, 1, 0, 0, 1},
	{SMTP_AUTH_SCRAM_SHA1,   "SCRAM-SHA-1",   2, 2, 0, 0, 1},
	{SMTP_AUTH_PLAIN,        "PLAIN",         3, 4, 1, 0, 0},
	{SMTP_AUTH_LOGIN,        "LOGIN",         4, 5, 0, 0, 0},
	{SMTP_AUTH_CRAM_MD5,     "CRAM-MD5",      5, 3, 0, 0, 0},
	{SMTP_AUTH_XOAUTH2,      "XOAUTH2",       0, 0, 1, 1, 0},
	{SMTP_AUTH_OAUTHBEARER,  "OAUTHBEARER",   0, 0, 1, 1, 0},
};
#define MECHANISM_COUNT (sizeof(mechanisms) / sizeof(mechanisms[0]))

typedef struct mechanism_calls {
	smtp_status (*initial)(smtp_auth_state *a, smtp_buf *out);   /* NULL: no initial response */
	smtp_status (*respond)(smtp_auth_state *a, int step, const unsigned char *challenge, size_t len, smtp_buf *out);
} mechanism_calls;

static const mechanism_calls calls[] = { /* the rows of mechanisms[], in the same order */
	{smtp_scram_first, scram_respond},
	{smtp_scram_first, scram_respond},
	{plain_initial, plain_respond},
	{NULL, login_respond},
	{NULL, cram_md5_respond},
	{xoauth2_initial, xoauth2_respond},
	{oauthbearer_initial, oauthbearer_respond},
};
/* one row of calls per mechanism (a negative array size stops the build otherwise) */
typedef char smtp_auth_tables_match[sizeof(calls) / sizeof(calls[0]) == MECHANISM_COUNT ? 1 : -1];

/* the row of mech in both tables, or MECHANISM_COUNT */
static size_t row_of(smtp_auth_mech mech)
{
	size_t i;
	for (i = 0; i < MECHANISM_COUNT; i++) {
		if (mechanisms[i].mech == mech) {
			break;
		}
	}
	return i;
}

const smtp_auth_mechanism *smtp_auth_mechanisms(size_t *count)
{
	*count = MECHANISM_COUNT;
	return mechanisms;
}

const smtp_auth_mechanism *smtp_auth_mechanism_of(smtp_auth_mech mech)
{
	size_t r = row_of(mech);
	return r < MECHANISM_COUNT ? &mechanisms[r] : NULL;
}

const smtp_auth_mechanism *smtp_auth_mechanism_find(const char *name, size_t len)
{
	size_t i, k;
	for (i = 0; i < MECHANISM_COUNT; i++) {
		const char *n = mechanisms[i].name;
		if (strlen(n) != len) {
			continue;
		}
		for (k = 0; k < len; k++) {
			char c = name[k];
			if (c >= 'a' && c <= 'z') {
				c = (char)(c - 'a' + 'A');
			}
			if (c != n[k]) {
				break;
			}
		}
		if (k == len) {
			return &mechanisms[i];
		}
	}
	return NULL;
}

const char *smtp_auth_mech_name(smtp_auth_mech mech)
{
	size_t r = row_of(mech);
	return r < MECHANISM_COUNT ? mechanisms[r].name : "";
}

/* ---- the exchange ----------------------------------------------------------------------------------- */

smtp_status smtp_auth_initial(smtp_auth_state *a, smtp_buf *out, int *has_initial)
{
	size_t r = row_of(a->mech);
	*has_initial = 0;
	if (r == MECHANISM_COUNT || !calls[r].initial) {
		return SMTP_OK;
	}
	*has_initial = 1;
	a->step = 1;
	return calls[r].initial(a, out);
}

size_t smtp_auth_longest_known_response(const smtp_auth_state *a)
{
	size_t n = 0, i, user = a->user_len;
	for (i = 0; i < a->user_len; i++) { /* OAUTHBEARER's and SCRAM's saslname escape '=' and ',' in 3 */
		if (a->user[i] == '=' || a->user[i] == ',') {
			user += 2;
		}
	}
	switch (a->mech) {
	case SMTP_AUTH_PLAIN:
		n = 2 + a->user_len + a->secret_len;
		break;
	case SMTP_AUTH_LOGIN:
		n = a->user_len > a->secret_len ? a->user_len : a->secret_len;
		break;
	case SMTP_AUTH_CRAM_MD5:
		n = a->user_len + 33;
		break;
	case SMTP_AUTH_XOAUTH2:
		n = sizeof("user=\001auth=Bearer \001\001") - 1 + a->user_len + a->secret_len;
		break;
	case SMTP_AUTH_OAUTHBEARER:
		n = sizeof("n,a=,\001auth=Bearer \001\001") - 1 + user + a->secret_len;
		break;
	case SMTP_AUTH_SCRAM_SHA1:
	case SMTP_AUTH_SCRAM_SHA256:
		n = sizeof("n,,n=,r=") - 1 + user + a->cnonce_len;
		break;
	default:
		break;
	}
	return n;
}

int smtp_auth_complete(const smtp_auth_state *a)
{
	size_t r = row_of(a->mech);
	return r == MECHANISM_COUNT || !mechanisms[r].scram || a->server_verified;
}

void smtp_auth_state_clear(smtp_auth_state *a)
{
	smtp_buf_wipe(&a->scram);
	smtp_secure_zero(a->server_sig, sizeof(a->server_sig));
	a->server_verified = 0;
}

smtp_status smtp_auth_respond(smtp_auth_state *a, const unsigned char *challenge, size_t len, smtp_buf *out)
{
	size_t r = row_of(a->mech);
	int step = a->step++;
	return r < MECHANISM_COUNT ? calls[r].respond(a, step, challenge, len, out) : SMTP_ERR_AUTH;
}
