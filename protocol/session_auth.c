/*
 * session_auth.c - AUTH (RFC 4954) on a session: which mechanism to use, the challenge rounds (at most
 * five), and the secrets blanked out of the transcript and replies while it runs. What each mechanism
 * sends is in auth.c and scram.c.
 */
#include "session_internal.h"

#define AUTH_LINE_MAX 12288        /* RFC 4954 4: AUTH responses may be longer than a command line */

/* ---- AUTH ---------------------------------------------------------------------------------------- */

/* The best mechanism the server offers, by the table's ranks for this channel (auth.c). */
static smtp_auth_mech pick_mechanism(const smtp_session *s)
{
	size_t i, n;
	const smtp_auth_mechanism *m = smtp_auth_mechanisms(&n);
	smtp_auth_mech best = SMTP_AUTH_AUTO;
	int best_rank = 0;
	for (i = 0; i < n; i++) {
		int rank = s->tls_active ? m[i].rank_tls : m[i].rank_cleartext;
		if (rank > 0 && (best_rank == 0 || rank < best_rank) && smtp_capabilities_offer_auth(&s->caps, m[i].mech)) {
			best = m[i].mech;
			best_rank = rank;
		}
	}
	return best;
}

/* line = prefix + base64(raw) */
static smtp_status base64_line(smtp_buf *line, const char *prefix, const smtp_buf *raw)
{
	char *at;
	smtp_buf_reset(line);
	smtp_buf_append_str(line, prefix);
	at = smtp_buf_extend(line, (raw->len + 2) / 3 * 4);
	if (!at) {
		return SMTP_ERR_NOMEM;
	}
	smtp_base64_encode((const unsigned char *)(raw->data ? raw->data : ""), raw->len, at);
	return SMTP_OK;
}

/* Decode the challenge of a "334 <base64>" reply into out. */
static smtp_status decode_challenge(const smtp_reply *r, smtp_buf *out)
{
	const char *text = r->text.len > 4 ? r->text.data + 4 : "";
	size_t len = strlen(text), decoded;
	char *at;
	smtp_buf_reset(out);
	if (len == 0) {
		return SMTP_OK;
	}
	at = smtp_buf_extend(out, len / 4 * 3 + 3);
	if (!at) {
		return SMTP_ERR_NOMEM;
	}
	decoded = smtp_base64_decode(text, len, (unsigned char *)at);
	if (decoded == (size_t)-1) {
		return SMTP_ERR_PROTOCOL;
	}
	out->len = decoded;
	return SMTP_OK;
}

/*
 * Cancel an exchange (RFC 4954 4: "*") and read the server's reply, a 501. When that cannot be done, or
 * the server answers anything but an error, where the exchange stands is unknown: the session ends, so
 * that no later command is ever read as an AUTH response. The error already recorded is kept.
 */
static void auth_cancel(smtp_session *s)
{
	char error[sizeof(s->error)];
	int transient = s->transient, ended = 0;

	if (!s->usable) {
		return;
	}
	memcpy(error, s->error, sizeof(error));
	if (session_queue_line(s, "*", 1, SMTP_MAX_COMMAND_LINE, 0) == SMTP_OK && session_flush(s) == SMTP_OK
		&& session_read_reply(s, s->command_ms) == SMTP_OK) {
		ended = s->parser.reply.code >= 400;
	}
	if (!ended) {
		s->usable = 0;
	}
	memcpy(s->error, error, sizeof(error));
	s->transient = transient;
}

/* "AUTH <name> [initial response]" in line; the response waits for the 334 (*deferred) when the line
 * would be too long. The base64 of the response is a secret too: the caller queues it as one. */
static smtp_status first_command(smtp_auth_state *a, smtp_buf *raw, smtp_buf *line, int *has_initial, int *deferred)
{
	const char *name = smtp_auth_mech_name(a->mech);
	smtp_status st = smtp_auth_initial(a, raw, has_initial);
	if (st != SMTP_OK) {
		return st;
	}
	smtp_buf_reset(line);
	if (*has_initial) {
		char prefix[32];
		snprintf(prefix, sizeof(prefix), "AUTH %s ", name);
		if ((st = base64_line(line, prefix, raw)) != SMTP_OK) {
			return st;
		}
		if (line->len + 2 <= SMTP_MAX_COMMAND_LINE) {
			return SMTP_OK;
		}
		*deferred = 1; /* too long for the command: sent on the 334 */
		smtp_buf_reset(line);
	}
	smtp_buf_append_str(line, "AUTH ");
	smtp_buf_append_str(line, name);
	return line->failed ? SMTP_ERR_NOMEM : SMTP_OK;
}

/*
 * The exchange from the AUTH command to the server's final reply. Once the AUTH line is out, the server
 * reads every line as a response until the exchange ends: a failure on our side (out of memory, a line
 * that cannot be sent) cancels it with "*" or ends the session, never leaves it half done.
 */
static smtp_status auth_exchange(smtp_session *s, smtp_auth_state *a)
{
	smtp_buf raw, line, challenge;
	smtp_status st;
	int has_initial = 0, deferred = 0, rounds = 0, open = 0;

	smtp_buf_init_secret(&raw);
	smtp_buf_init_secret(&line);
	smtp_buf_init_secret(&challenge);
	st = first_command(a, &raw, &line, &has_initial, &deferred);
	if (st != SMTP_OK) {
		st = session_fail(s, st, 0, "authentication not started", a->error ? a->error : smtp_status_name(st));
		goto done;
	}
	st = session_queue_line(s, line.data, line.len, SMTP_MAX_COMMAND_LINE, has_initial && !deferred);
	if (st == SMTP_OK) {
		st = session_flush(s);
	}
	open = st == SMTP_OK;
	for (;;) {
		if (st != SMTP_OK || (st = session_read_reply(s, s->command_ms)) != SMTP_OK) {
			goto done;
		}
		if (s->parser.reply.code != 334) {
			open = 0; /* the server ended the exchange */
		}
		if (s->parser.reply.code == 235) {
			if (!smtp_auth_complete(a)) {
				/* whoever answered never proved it knows the password: not a session to send over */
				st = session_fail(s, SMTP_ERR_AUTH, 1,
					"authentication aborted: the server accepted SCRAM without sending its signature", NULL);
			}
			goto done;
		}
		if (s->parser.reply.code != 334) {
			st = session_fail_reply(s, SMTP_ERR_AUTH, "authentication failed");
			goto done;
		}
		if (++rounds > SMTP_MAX_AUTH_ROUNDS) {
			st = session_fail(s, SMTP_ERR_AUTH, 0, "authentication aborted: too many challenges", NULL);
			goto done;
		}
		smtp_buf_reset(&raw);
		if (deferred) {
			deferred = 0;
			st = smtp_auth_initial(a, &raw, &has_initial);
			if (st != SMTP_OK) {
				st = session_fail(s, st, 0, "authentication aborted", smtp_status_name(st));
				goto done;
			}
		} else {
			smtp_status dst = decode_challenge(&s->parser.reply, &challenge);
			if (dst == SMTP_ERR_PROTOCOL) {
				st = session_fail(s, SMTP_ERR_AUTH, 0, "authentication aborted: the server sent an invalid challenge", NULL);
				goto done;
			}
			st = dst == SMTP_OK ? smtp_auth_respond(a, (const unsigned char *)challenge.data, challenge.len, &raw)
				: SMTP_ERR_NOMEM;
			if (st != SMTP_OK) {
				/* a SCRAM server that fails its checks may not be the real one: cancelled, then the session
				 * ends */
				int scram = smtp_auth_mechanism_of(a->mech)->scram;
				st = session_fail(s, SMTP_ERR_AUTH, 0, "authentication aborted",
					a->error ? a->error : "unexpected challenge from the server");
				auth_cancel(s);
				open = 0;
				if (scram) {
					s->usable = 0;
				}
				goto done;
			}
		}
		if ((st = base64_line(&line, "", &raw)) != SMTP_OK) {
			st = session_fail(s, st, 0, "authentication aborted", smtp_status_name(st));
			goto done;
		}
		st = session_queue_line(s, line.data, line.len, AUTH_LINE_MAX, 1);
		if (st == SMTP_ERR_INPUT) { /* AUTH is out: not an input error any more, the exchange failed */
			st = session_fail(s, SMTP_ERR_AUTH, 0, "authentication aborted: a response longer than one AUTH line",
				NULL);
		}
		if (st == SMTP_OK) {
			st = session_flush(s);
		}
	}
done:
	if (st != SMTP_OK && open) {
		auth_cancel(s);
	}
	smtp_buf_wipe(&raw);
	smtp_buf_wipe(&line);
	smtp_buf_wipe(&challenge);
	return st;
}

/*
 * Whether every response known before the exchange fits one AUTH response line (RFC 4954 4: 12,288
 * octets, CRLF included). Checked before the AUTH command: a token too long to send at all is an error
 * with nothing sent, not an exchange left waiting for a response that never comes.
 */
static smtp_status check_response_size(smtp_session *s, const smtp_auth_state *a)
{
	size_t raw = smtp_auth_longest_known_response(a), fits = (AUTH_LINE_MAX - 2) / 4 * 3;
	char why[200];

	if (raw <= fits) {
		return SMTP_OK;
	}
	if (smtp_auth_mechanism_of(a->mech)->bearer_token) {
		size_t other = raw - a->secret_len; /* the mechanism's framing and the user name */
		snprintf(why, sizeof(why), "the OAuth token is too long for %s: %lu octets, at most %lu fit (with this user "
			"name) in one AUTH response line of %d octets (RFC 4954); nothing was sent",
			smtp_auth_mech_name(a->mech), (unsigned long)a->secret_len,
			(unsigned long)(other < fits ? fits - other : 0), AUTH_LINE_MAX);
	} else {
		snprintf(why, sizeof(why), "the user name or password is too long for %s: one AUTH response line holds at "
			"most %d octets (RFC 4954); nothing was sent", smtp_auth_mech_name(a->mech), AUTH_LINE_MAX);
	}
	return session_fail(s, SMTP_ERR_INPUT, 0, why, NULL);
}

/* The mechanism to use, after the checks that come before any byte: TLS, the user name, the offer. */
static smtp_status choose_mechanism(smtp_session *s, smtp_auth_mech *mech, const char *user, size_t user_len,
	const char *secret, size_t secret_len, int allow_plaintext)
{
	const smtp_auth_mechanism *info;
	if (!s->usable) {
		return session_fail(s, SMTP_ERR_STATE, 1, "not connected", NULL);
	}
	if (!s->tls_active && !allow_plaintext) {
		return session_fail(s, SMTP_ERR_AUTH, 0,
			"refusing to send credentials over an unencrypted connection (use TLS, or allow_plaintext_auth)", NULL);
	}
	if (smtp_has_line_break(user, user_len)) {
		return session_fail(s, SMTP_ERR_INPUT, 0, "the user name contains CR, LF or NUL", NULL);
	}
	if (*mech == SMTP_AUTH_AUTO) {
		*mech = pick_mechanism(s);
		if (*mech == SMTP_AUTH_AUTO) {
			return session_fail(s, SMTP_ERR_AUTH, 0, "the server offers no authentication mechanism we support", NULL);
		}
	} else if (!smtp_auth_mechanism_of(*mech)) {
		return session_fail(s, SMTP_ERR_INPUT, 0, "unknown AUTH mechanism", NULL);
	} else if (!smtp_capabilities_offer_auth(&s->caps, *mech)) {
		return session_fail(s, SMTP_ERR_AUTH, 0, "the server does not offer this AUTH mechanism",
			smtp_auth_mech_name(*mech));
	}
	info = smtp_auth_mechanism_of(*mech);
	if (memchr(user, '\0', user_len) || memchr(secret, '\0', secret_len)
		|| (info->bearer_token && (memchr(user, '\001', user_len) || memchr(secret, '\001', secret_len)))) {
		return session_fail(s, SMTP_ERR_INPUT, 0, "the credentials contain a character the mechanism cannot carry", NULL);
	}
	return SMTP_OK;
}

/* SCRAM: the password must survive SASLprep, and the client nonce comes from the caller's CSPRNG. */
static smtp_status scram_prepare(smtp_session *s, smtp_auth_state *a, char cnonce[33])
{
	unsigned char rnd[24];
	const char *why;
	smtp_buf prepped;
	smtp_status st;
	smtp_buf_init_secret(&prepped);
	st = smtp_saslprep(a->secret, a->secret_len, &prepped, &why);
	smtp_buf_wipe(&prepped);
	if (st != SMTP_OK) {
		return session_fail(s, st, 0, "the password cannot be used with SCRAM", why);
	}
	if (!s->nonce || s->nonce(s->nonce_ctx, rnd, sizeof(rnd)) != 0) {
		return session_fail(s, SMTP_ERR_AUTH, 0, "no random source for the SCRAM nonce", NULL);
	}
	smtp_base64_encode(rnd, sizeof(rnd), cnonce);
	cnonce[32] = '\0';
	a->cnonce = cnonce;
	a->cnonce_len = 32;
	return SMTP_OK;
}

/* What must never show in a reply we keep or the transcript: the secret, and the base64 we would send it
 * in (plain64 holds it; a run inside it too, as a prefix could be cut off). */
static void redact_begin(smtp_session *s, const smtp_auth_state *a, smtp_buf *plain, smtp_buf *plain64)
{
	if (smtp_auth_mechanism_of(a->mech)->initial_has_secret) {
		int has;
		smtp_auth_state b = *a;
		smtp_auth_initial(&b, plain, &has);
	} else {
		smtp_buf_append(plain, a->secret, a->secret_len);
	}
	base64_line(plain64, "", plain);
	s->redact[0] = a->secret;
	s->redact_len[0] = a->secret_len;
	s->redact[1] = plain64->data;
	s->redact_len[1] = plain64->len;
	if (plain64->len > 8) {
		s->redact[2] = plain64->data + 4;
		s->redact_len[2] = plain64->len - 8;
	}
}

smtp_status smtp_session_auth(smtp_session *s, smtp_auth_mech mech, const char *user, size_t user_len,
	const char *secret, size_t secret_len, int allow_plaintext)
{
	smtp_auth_state a;
	smtp_status st;
	smtp_buf plain, plain64;
	char cnonce[33];

	st = choose_mechanism(s, &mech, user, user_len, secret, secret_len, allow_plaintext);
	if (st != SMTP_OK) {
		return st;
	}
	memset(&a, 0, sizeof(a));
	a.mech = mech;
	a.user = user;
	a.user_len = user_len;
	a.secret = secret;
	a.secret_len = secret_len;
	smtp_buf_init(&a.scram);
	if (smtp_auth_mechanism_of(mech)->scram && (st = scram_prepare(s, &a, cnonce)) != SMTP_OK) {
		return st;
	}
	if ((st = check_response_size(s, &a)) != SMTP_OK) {
		smtp_auth_state_clear(&a);
		return st;
	}
	smtp_buf_init_secret(&plain);
	smtp_buf_init_secret(&plain64);
	redact_begin(s, &a, &plain, &plain64);
	st = auth_exchange(s, &a);
	if (st != SMTP_OK) {
		session_redact(s, s->error, strlen(s->error));
		if (s->error_reply.text.data) {
			session_redact(s, s->error_reply.text.data, s->error_reply.text.len);
		}
	}
	s->redact[0] = s->redact[1] = s->redact[2] = NULL;
	smtp_auth_state_clear(&a);
	smtp_buf_wipe(&plain);
	smtp_buf_wipe(&plain64);
	return st;
}
