/*
 * auth.c - the client side of the SASL mechanisms we speak in AUTH (RFC 4954): what to send first and
 * what to answer to each challenge. The session does the base64 and the network; this file only knows
 * the mechanisms.
 */
#include <string.h>

#include "smtp_internal.h"

const char *smtp_auth_mech_name(smtp_auth_mech mech)
{
	switch (mech) {
	case SMTP_AUTH_PLAIN:
		return "PLAIN";
	case SMTP_AUTH_LOGIN:
		return "LOGIN";
	case SMTP_AUTH_CRAM_MD5:
		return "CRAM-MD5";
	case SMTP_AUTH_XOAUTH2:
		return "XOAUTH2";
	case SMTP_AUTH_SCRAM_SHA1:
		return "SCRAM-SHA-1";
	case SMTP_AUTH_SCRAM_SHA256:
		return "SCRAM-SHA-256";
	case SMTP_AUTH_OAUTHBEARER:
		return "OAUTHBEARER";
	default:
		return "";
	}
}

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

smtp_status smtp_auth_initial(smtp_auth_state *a, smtp_buf *out, int *has_initial)
{
	*has_initial = 0;
	switch (a->mech) {
	case SMTP_AUTH_PLAIN:
		*has_initial = 1;
		a->step = 1;
		return plain_message(a, out);
	case SMTP_AUTH_XOAUTH2:
		*has_initial = 1;
		a->step = 1;
		return xoauth2_message(a, out);
	case SMTP_AUTH_OAUTHBEARER:
		*has_initial = 1;
		a->step = 1;
		return oauthbearer_message(a, out);
	case SMTP_AUTH_SCRAM_SHA1:
	case SMTP_AUTH_SCRAM_SHA256:
		*has_initial = 1;
		a->step = 1;
		return smtp_scram_first(a, out);
	default:
		return SMTP_OK;
	}
}

int smtp_auth_complete(const smtp_auth_state *a)
{
	if (a->mech == SMTP_AUTH_SCRAM_SHA1 || a->mech == SMTP_AUTH_SCRAM_SHA256) {
		return a->server_verified;
	}
	return 1;
}

void smtp_auth_state_clear(smtp_auth_state *a)
{
	volatile unsigned char *p = a->server_sig;
	size_t i;
	smtp_buf_wipe(&a->scram);
	for (i = 0; i < sizeof(a->server_sig); i++) {
		p[i] = 0;
	}
	a->server_verified = 0;
}

smtp_status smtp_auth_respond(smtp_auth_state *a, const unsigned char *challenge, size_t len, smtp_buf *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char digest[16];
	char digest_hex[32];
	unsigned i;
	int step = a->step++;

	switch (a->mech) {
	case SMTP_AUTH_PLAIN:
		/* the initial response was not sent with the command (line too long): send it now */
		return step == 0 ? plain_message(a, out) : SMTP_ERR_AUTH;
	case SMTP_AUTH_LOGIN:
		if (step == 0) {
			return smtp_buf_append(out, a->user, a->user_len);
		}
		return step == 1 ? smtp_buf_append(out, a->secret, a->secret_len) : SMTP_ERR_AUTH;
	case SMTP_AUTH_CRAM_MD5:
		/* RFC 2195: user SP hex(HMAC-MD5(secret, challenge)) */
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
		memset(digest, 0, sizeof(digest));
		memset(digest_hex, 0, sizeof(digest_hex));
		return out->failed ? SMTP_ERR_NOMEM : SMTP_OK;
	case SMTP_AUTH_XOAUTH2:
		/* a challenge here carries the server's JSON error; an empty answer lets it send the final 5xx */
		return step == 1 ? SMTP_OK : SMTP_ERR_AUTH;
	case SMTP_AUTH_OAUTHBEARER:
		/* RFC 7628 3.2.3: the challenge is the server's JSON error; the answer is a lone ^A, then 5xx */
		return step == 1 ? smtp_buf_append(out, "\001", 1) : SMTP_ERR_AUTH;
	case SMTP_AUTH_SCRAM_SHA1:
	case SMTP_AUTH_SCRAM_SHA256:
		/* 1: server-first -> client-final; 2: server-final checked, answered with an empty line */
		if (step == 1) {
			return smtp_scram_final(a, challenge, len, out);
		}
		if (step == 2) {
			return smtp_scram_verify(a, challenge, len);
		}
		return SMTP_ERR_AUTH;
	default:
		return SMTP_ERR_AUTH;
	}
}
