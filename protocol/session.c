/*
 * session.c - one SMTP client session (RFC 5321): its life and settings, the greeting, EHLO and
 * STARTTLS (RFC 3207), and the simple commands RSET, NOOP, QUIT. AUTH is in session_auth.c, mail
 * transactions in transaction.c and batch.c, the wire in wire.c.
 */
#include "session_internal.h"

/* ---- session life -------------------------------------------------------------------------------- */

smtp_session *smtp_session_new(const smtp_transport *transport)
{
	smtp_session *s = calloc(1, sizeof(*s));
	if (!s) {
		return NULL;
	}
	s->t = *transport;
	s->command_ms = 300000;
	s->data_ms = 600000;
	s->want_pipelining = 1;
	s->want_chunking = 1;
	smtp_buf_init(&s->out);
	smtp_buf_init(&s->chunk);
	smtp_reply_parser_init(&s->parser);
	smtp_buf_init(&s->error_reply.text);
	s->usable = 1;
	return s;
}

void smtp_session_free(smtp_session *s)
{
	if (!s) {
		return;
	}
	smtp_buf_wipe(&s->out); /* it may have held an AUTH line */
	smtp_buf_free(&s->chunk);
	smtp_reply_parser_free(&s->parser);
	smtp_buf_free(&s->error_reply.text);
	smtp_capabilities_free(&s->caps);
	free(s);
}

void smtp_session_set_logger(smtp_session *s, smtp_log_fn fn, void *ud)
{
	s->log = fn;
	s->log_ud = ud;
}

void smtp_session_set_timeouts(smtp_session *s, int command_ms, int data_ms)
{
	s->command_ms = command_ms > 0 ? command_ms : 1;
	s->data_ms = data_ms > 0 ? data_ms : 1;
}

void smtp_session_set_extensions(smtp_session *s, int pipelining, int chunking)
{
	s->want_pipelining = pipelining;
	s->want_chunking = chunking;
}

void smtp_session_set_nonce_source(smtp_session *s, smtp_nonce_fn fn, void *ctx)
{
	s->nonce = fn;
	s->nonce_ctx = ctx;
}

int smtp_session_tls_active(const smtp_session *s)
{
	return s->tls_active;
}

void smtp_session_set_tls_active(smtp_session *s, int active)
{
	s->tls_active = active;
}

void smtp_session_set_peer(smtp_session *s, const char *peer, int greeting_ms)
{
	snprintf(s->peer, sizeof(s->peer), "%s", peer ? peer : "");
	s->greeting_ms = greeting_ms;
}

const char *smtp_session_peer(const smtp_session *s)
{
	return s->peer;
}

const char *smtp_session_step(const smtp_session *s)
{
	return s->step ? s->step : "";
}

void smtp_session_abort(smtp_session *s)
{
	s->aborted = 1;
}

int smtp_session_aborted(const smtp_session *s)
{
	return s->aborted;
}

void smtp_session_set_batch_window(smtp_session *s, int window)
{
	s->batch_window = window > 0 ? window : 0;
	s->batch_acked = 0;
}

int smtp_session_batch_window(const smtp_session *s)
{
	return s->batch_window;
}

int smtp_session_not_accepted(const smtp_session *s)
{
	return s->not_accepted;
}

uint64_t smtp_session_bytes_received(const smtp_session *s)
{
	return s->bytes_in;
}

int smtp_session_usable(const smtp_session *s)
{
	return s->usable;
}

const smtp_reply *smtp_session_last_reply(const smtp_session *s)
{
	return &s->parser.reply;
}

const smtp_reply *smtp_session_error_reply(const smtp_session *s)
{
	return &s->error_reply;
}

const smtp_capabilities *smtp_session_capabilities(const smtp_session *s)
{
	return &s->caps;
}

const char *smtp_session_error(const smtp_session *s)
{
	return s->error;
}

int smtp_session_error_transient(const smtp_session *s)
{
	return s->transient;
}


/* ---- opening: greeting, EHLO, STARTTLS ----------------------------------------------------------- */

/* EHLO; HELO after a 5xx only when allow_helo (never when TLS is required but not yet started). */
static smtp_status ehlo(smtp_session *s, const char *helo, int allow_helo, smtp_status refused)
{
	char line[SMTP_MAX_COMMAND_LINE];
	smtp_status st;
	size_t hl = strlen(helo);

	smtp_capabilities_free(&s->caps);
	s->esmtp = 0;
	if (hl == 0 || hl > 255 || smtp_has_line_break(helo, hl) || memchr(helo, ' ', hl)) {
		return session_fail(s, SMTP_ERR_INPUT, 0, "invalid HELO name", NULL);
	}
	snprintf(line, sizeof(line), "EHLO %s", helo);
	st = session_command(s, line, s->command_ms);
	if (st != SMTP_OK) {
		return st;
	}
	if (s->parser.reply.code == 250) {
		s->esmtp = 1;
		st = smtp_capabilities_parse(&s->caps, s->parser.reply.text.data, s->parser.reply.text.len);
		return st == SMTP_OK ? SMTP_OK : session_fail(s, st, 1, "out of memory", NULL);
	}
	if (s->parser.reply.code == 421 || !allow_helo || session_reply_class(s) != 5) {
		return session_fail_reply(s, refused,
			refused == SMTP_ERR_TLS ? "EHLO refused; TLS is required, so HELO is not tried" : "EHLO refused");
	}
	snprintf(line, sizeof(line), "HELO %s", helo);
	st = session_command(s, line, s->command_ms);
	if (st != SMTP_OK) {
		return st;
	}
	return s->parser.reply.code == 250 ? SMTP_OK : session_fail_reply(s, SMTP_ERR_REPLY, "HELO refused");
}

static smtp_status starttls(smtp_session *s, int required)
{
	char err[256];
	int rc;
	smtp_status st = session_command(s, "STARTTLS", s->command_ms);
	if (st != SMTP_OK) {
		return st;
	}
	if (s->parser.reply.code != 220) {
		if (!required && s->parser.reply.code != 421) {
			return SMTP_OK; /* opportunistic: carry on in cleartext */
		}
		return session_fail_reply(s, SMTP_ERR_TLS, "STARTTLS refused");
	}
	/* Anything already received was sent before TLS and could be injected by a man in the middle
	 * (CVE-2011-0411 and its kin): it must not be read as a reply after the handshake. */
	if (s->in_pos < s->in_len) {
		return session_fail(s, SMTP_ERR_TLS, 1,
			"the server sent data after its STARTTLS reply before TLS started (possible response injection)", NULL);
	}
	err[0] = '\0';
	s->step = "the TLS handshake";
	rc = s->t.start_tls(s->t.ctx, s->command_ms, err, sizeof(err));
	if (rc != 0) {
		session_fail(s, SMTP_ERR_TLS, 1, "TLS handshake failed", err[0] ? err : "unknown error");
		s->transient = rc == SMTP_IO_TIMEOUT || rc == SMTP_IO_ERROR; /* a drop, not a refusal */
		return SMTP_ERR_TLS;
	}
	s->tls_active = 1;
	/* RFC 3207 4.2: forget everything learned before TLS */
	smtp_capabilities_free(&s->caps);
	s->esmtp = 0;
	return SMTP_OK;
}

smtp_status smtp_session_open(smtp_session *s, const char *helo, smtp_tls_mode mode)
{
	int tls_required = mode == SMTP_TLS_STARTTLS || mode == SMTP_TLS_IMPLICIT;
	smtp_status st;

	s->in_pos = s->in_len = 0;
	smtp_buf_reset(&s->out);
	s->usable = 1;
	s->error[0] = '\0';
	smtp_reply_clear(&s->error_reply);

	s->step = "the greeting";
	st = session_read_reply(s, s->greeting_ms > 0 && s->greeting_ms < s->command_ms ? s->greeting_ms : s->command_ms);
	if (st != SMTP_OK) {
		return st;
	}
	if (s->parser.reply.code != 220) {
		s->usable = 0;
		return session_fail_reply(s, SMTP_ERR_REPLY, "the server refused the connection");
	}
	st = tls_required && !s->tls_active ? ehlo(s, helo, 0, SMTP_ERR_TLS) : ehlo(s, helo, 1, SMTP_ERR_REPLY);
	if (st != SMTP_OK) {
		return st;
	}
	if (s->tls_active || mode == SMTP_TLS_NONE) {
		return SMTP_OK;
	}
	if (!s->caps.starttls) {
		if (mode == SMTP_TLS_OPPORTUNISTIC) {
			return SMTP_OK;
		}
		return session_fail(s, SMTP_ERR_TLS, 0, "TLS is required but the server does not offer STARTTLS", NULL);
	}
	st = starttls(s, mode == SMTP_TLS_STARTTLS);
	if (st != SMTP_OK || !s->tls_active) {
		return st;
	}
	return ehlo(s, helo, 0, SMTP_ERR_REPLY);
}


/* ---- simple commands ----------------------------------------------------------------------------- */

static smtp_status simple(smtp_session *s, const char *verb, int want)
{
	smtp_status st;
	if (!s->usable) {
		return session_fail(s, SMTP_ERR_STATE, 1, "not connected", NULL);
	}
	st = session_command(s, verb, s->command_ms);
	if (st != SMTP_OK) {
		return st;
	}
	if (s->parser.reply.code != want) {
		char what[32];
		snprintf(what, sizeof(what), "%s refused", verb);
		return session_fail_reply(s, SMTP_ERR_REPLY, what);
	}
	return SMTP_OK;
}

smtp_status smtp_session_rset(smtp_session *s)
{
	return simple(s, "RSET", 250);
}

smtp_status smtp_session_noop(smtp_session *s)
{
	return simple(s, "NOOP", 250);
}

smtp_status smtp_session_quit(smtp_session *s)
{
	smtp_status st = simple(s, "QUIT", 221);
	s->usable = 0;
	return st;
}

smtp_status smtp_session_quit_send(smtp_session *s)
{
	smtp_status st;
	if (!s->usable) {
		return session_fail(s, SMTP_ERR_STATE, 1, "not connected", NULL);
	}
	st = session_queue_line(s, "QUIT", 4, SMTP_MAX_COMMAND_LINE, 0);
	if (st == SMTP_OK) {
		st = session_flush(s);
	}
	if (st != SMTP_OK) {
		s->usable = 0;
	}
	return st;
}

smtp_status smtp_session_quit_reply(smtp_session *s)
{
	smtp_status st;
	if (!s->usable) {
		return session_fail(s, SMTP_ERR_STATE, 1, "not connected", NULL);
	}
	st = session_read_reply(s, s->command_ms);
	if (st == SMTP_OK && s->parser.reply.code != 221) {
		st = session_fail_reply(s, SMTP_ERR_REPLY, "QUIT refused");
	}
	s->usable = 0;
	return st;
}
