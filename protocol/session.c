/*
 * session.c - one SMTP client session (RFC 5321): greeting, EHLO, STARTTLS (RFC 3207), AUTH (RFC 4954),
 * mail transactions with PIPELINING (RFC 2920) and CHUNKING (RFC 3030), RSET, NOOP, QUIT.
 *
 * Commands are queued in an output buffer and written in as few transport writes as the protocol allows;
 * replies are read through a small input buffer. Every reply has its own deadline: the time a command may
 * take, not the time one read may take, so a server trickling one byte at a time cannot hold us forever.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_internal.h"
#include "smtp_mime.h"

#define OUT_FLUSH_AT (64 * 1024)   /* DATA: write once this much body is queued */
#define BDAT_CHUNK (256 * 1024)    /* CHUNKING: bytes per BDAT command */
#define AUTH_LINE_MAX 12288        /* RFC 4954 4: AUTH responses may be longer than a command line */

struct smtp_session {
	smtp_transport t;
	uint64_t bytes_in;           /* bytes read from the server, ever (smtp_session_bytes_received) */
	smtp_log_fn log;
	void *log_ud;
	int command_ms;
	int data_ms;
	int want_pipelining;
	int want_chunking;

	char in[4096];              /* bytes read but not yet parsed */
	size_t in_pos, in_len;
	smtp_buf out;               /* commands and body waiting to be written */
	smtp_buf chunk;             /* CHUNKING: the BDAT chunk being filled */

	smtp_reply_parser parser;   /* holds the last reply */
	smtp_reply error_reply;     /* the reply behind the last error */
	smtp_capabilities caps;
	int esmtp;                  /* EHLO was accepted */
	int tls_active;
	int usable;                 /* no fatal error, no 421, not closed */
	int aborted;                /* smtp_session_abort(): nothing more is written */
	int got_421;                /* a 421 ended the connection (batch: nothing after it was accepted) */
	int greeting_ms;            /* how long the greeting may take (0: command_ms) */
	char peer[280];             /* "host:port", named in every error */
	const char *step;           /* what the session was doing: named in every error */
	int transient;
	char error[512];

	/* transactions whose replies are still to come, oldest first (more than one only in a batch) */
	struct txn *inflight;

	/* secrets to blank out of replies and the transcript while AUTH runs */
	const char *redact[3];
	size_t redact_len[3];

	smtp_nonce_fn nonce;        /* SCRAM's client nonce */
	void *nonce_ctx;
};

/* ---- errors -------------------------------------------------------------------------------------- */

const char *smtp_status_name(smtp_status st)
{
	switch (st) {
	case SMTP_OK: return "ok";
	case SMTP_ERR_INPUT: return "invalid input";
	case SMTP_ERR_NOMEM: return "out of memory";
	case SMTP_ERR_IO: return "connection error";
	case SMTP_ERR_CLOSED: return "connection closed by the server";
	case SMTP_ERR_TIMEOUT: return "timed out";
	case SMTP_ERR_PROTOCOL: return "protocol error";
	case SMTP_ERR_REPLY: return "unexpected reply";
	case SMTP_ERR_TLS: return "TLS error";
	case SMTP_ERR_AUTH: return "authentication failed";
	case SMTP_ERR_RECIPIENTS: return "recipients rejected";
	case SMTP_ERR_SOURCE: return "message source failed";
	case SMTP_ERR_STATE: return "not connected";
	}
	return "error";
}

static void reply_copy(smtp_reply *dst, const smtp_reply *src)
{
	dst->code = src->code;
	memcpy(dst->enhanced, src->enhanced, sizeof(dst->enhanced));
	dst->lines = src->lines;
	smtp_buf_reset(&dst->text);
	smtp_buf_append(&dst->text, src->text.data ? src->text.data : "", src->text.len);
}

static void reply_clear(smtp_reply *r)
{
	r->code = 0;
	r->enhanced[0] = '\0';
	r->lines = 0;
	smtp_buf_reset(&r->text);
}

/*
 * Record an error: msg, and ": detail" when there is one. Fatal errors make the session unusable: the
 * caller must close the connection.
 */
/* " (host:port, at STEP)" after a message, so an error says which server and which step */
static void add_where(smtp_session *s)
{
	size_t len = strlen(s->error);
	if (!s->peer[0] || len + 8 >= sizeof(s->error)) {
		return;
	}
	snprintf(s->error + len, sizeof(s->error) - len, s->step ? " (%s, at %s)" : " (%s)", s->peer, s->step);
}

static smtp_status fail(smtp_session *s, smtp_status st, int fatal, const char *msg, const char *detail)
{
	snprintf(s->error, sizeof(s->error), detail ? "%s: %s" : "%s", msg, detail);
	if (st != SMTP_ERR_INPUT) { /* input errors come before any byte is sent: no server to name */
		add_where(s);
	}
	if (fatal) {
		s->usable = 0;
	}
	s->transient = st == SMTP_ERR_IO || st == SMTP_ERR_CLOSED || st == SMTP_ERR_TIMEOUT;
	if (st != SMTP_ERR_REPLY && st != SMTP_ERR_RECIPIENTS && st != SMTP_ERR_AUTH && st != SMTP_ERR_TLS) {
		reply_clear(&s->error_reply);
	}
	return st;
}

/* An error caused by the reply just read: message "<what>: <reply>". */
static smtp_status fail_reply(smtp_session *s, smtp_status st, const char *what)
{
	const smtp_reply *r = &s->parser.reply;
	reply_copy(&s->error_reply, r);
	snprintf(s->error, sizeof(s->error), "%s: %.400s", what, r->text.data ? r->text.data : "");
	add_where(s);
	s->transient = r->code >= 400 && r->code < 500;
	if (r->code == 421) { /* the server is closing the channel (RFC 5321 3.8) */
		s->usable = 0;
	}
	return st;
}

/* ---- transcript ---------------------------------------------------------------------------------- */

static void log_line(smtp_session *s, const char *prefix, const char *line, size_t len)
{
	char buf[600];
	size_t n;
	if (!s->log) {
		return;
	}
	if (len > sizeof(buf) - 4) {
		len = sizeof(buf) - 4; /* the transcript is for people: long lines are cut */
	}
	memcpy(buf, prefix, 3);
	memcpy(buf + 3, line, len);
	n = len + 3;
	s->log(s->log_ud, buf, n);
}

static void log_reply(smtp_session *s)
{
	const char *p = s->parser.reply.text.data;
	size_t left = s->parser.reply.text.len;
	if (!s->log || !p) {
		return;
	}
	while (left > 0) {
		const char *nl = memchr(p, '\n', left);
		size_t n = nl ? (size_t)(nl - p) : left;
		log_line(s, "S: ", p, n);
		p += n + (nl ? 1 : 0);
		left -= n + (nl ? 1 : 0);
	}
}

/* Blank every occurrence of the secrets in text: a hostile server may echo what we sent. */
static void redact_text(smtp_session *s, char *text, size_t len)
{
	size_t k, i;
	for (k = 0; k < 3; k++) {
		size_t nl = s->redact_len[k];
		if (!s->redact[k] || nl == 0 || nl > len) {
			continue;
		}
		for (i = 0; i + nl <= len; i++) {
			if (memcmp(text + i, s->redact[k], nl) == 0) {
				memset(text + i, '*', nl);
				i += nl - 1;
			}
		}
	}
}

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

/* ---- the wire ------------------------------------------------------------------------------------ */

static smtp_status io_fail(smtp_session *s, int rc, const char *doing)
{
	if (rc == SMTP_IO_TIMEOUT) {
		return fail(s, SMTP_ERR_TIMEOUT, 1, "timed out", doing);
	}
	if (rc == 0) {
		return fail(s, SMTP_ERR_CLOSED, 1, "the server closed the connection", doing);
	}
	return fail(s, SMTP_ERR_IO, 1, "connection error", doing);
}

static smtp_status flush(smtp_session *s)
{
	int rc;
	if (s->out.len == 0) {
		return SMTP_OK;
	}
	if (s->aborted) {
		/* whatever is queued (an end of data among it) never reaches the server */
		smtp_buf_reset(&s->out);
		return fail(s, SMTP_ERR_STATE, 1, "aborted by the caller: the connection was given up before the "
			"end of the message data was sent, nothing of this transaction was delivered", NULL);
	}
	if (!s->usable) {
		return fail(s, SMTP_ERR_STATE, 1, "the connection is no longer usable", NULL);
	}
	rc = s->t.write(s->t.ctx, s->out.data, s->out.len, s->command_ms);
	smtp_buf_reset(&s->out);
	if (rc != 0) {
		return io_fail(s, rc, "writing");
	}
	return SMTP_OK;
}

/* Read one whole reply, which must be complete within timeout_ms. */
static smtp_status read_reply(smtp_session *s, int timeout_ms)
{
	int64_t deadline = s->t.now_ms(s->t.ctx) + timeout_ms;
	smtp_reply_parser *p = &s->parser;
	smtp_status st;

	if (!s->usable) {
		return fail(s, SMTP_ERR_STATE, 1, "the connection is no longer usable", NULL);
	}
	smtp_reply_parser_reset(p);
	p->want_enhanced = s->caps.enhanced;
	for (;;) {
		if (s->in_pos < s->in_len) {
			size_t used = 0;
			st = smtp_reply_parser_feed(p, s->in + s->in_pos, s->in_len - s->in_pos, &used);
			s->in_pos += used;
			if (st == SMTP_ERR_PROTOCOL) {
				return fail(s, st, 1, "malformed reply from the server", p->error);
			}
			if (st != SMTP_OK) {
				return fail(s, st, 1, "out of memory reading a reply", NULL);
			}
			if (p->done) {
				break;
			}
		} else {
			int64_t left = deadline - s->t.now_ms(s->t.ctx);
			long n;
			if (left <= 0) {
				return io_fail(s, SMTP_IO_TIMEOUT, "waiting for the reply");
			}
			n = s->t.read(s->t.ctx, s->in, sizeof(s->in), left > 0x7fffffff ? 0x7fffffff : (int)left);
			if (n <= 0) {
				return io_fail(s, (int)n, "waiting for the reply");
			}
			s->bytes_in += (uint64_t)n;
			s->in_pos = 0;
			s->in_len = (size_t)n;
		}
	}
	if (s->redact[0] && p->reply.text.data) {
		redact_text(s, p->reply.text.data, p->reply.text.len);
	}
	log_reply(s);
	if (p->reply.code == 421) {
		s->usable = 0;
		s->got_421 = 1;
	}
	return SMTP_OK;
}

/* The step a command line starts, for error messages (static strings: the session keeps the pointer). */
static const char *command_step(const char *line, size_t len, int secret)
{
	static const char *const verbs[] = {"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL FROM", "RCPT TO", "DATA", "RSET",
		"NOOP", "QUIT", "BDAT"};
	size_t i;
	if (secret && !(len > 5 && memcmp(line, "AUTH ", 5) == 0)) {
		return "AUTH";
	}
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		size_t n = strlen(verbs[i]);
		if (len >= n && memcmp(line, verbs[i], n) == 0) {
			return verbs[i];
		}
	}
	return "a command";
}

/* Queue one command line after checking it: no CR, LF or NUL, at most max_len octets with CRLF. */
static smtp_status queue_line(smtp_session *s, const char *line, size_t len, size_t max_len, int secret)
{
	if (smtp_has_line_break(line, len)) {
		return fail(s, SMTP_ERR_INPUT, 0, "command contains CR, LF or NUL", NULL);
	}
	if (len + 2 > max_len) {
		return fail(s, SMTP_ERR_INPUT, 0, "command line longer than the protocol allows", NULL);
	}
	s->step = command_step(line, len, secret);
	if (secret) {
		/* keep the verb ("AUTH PLAIN") when there is one, hide the rest */
		const char *sp = len > 5 && memcmp(line, "AUTH ", 5) == 0 ? memchr(line + 5, ' ', len - 5) : NULL;
		char shown[64];
		size_t keep = sp ? (size_t)(sp - line) + 1 : 0;
		if (keep > sizeof(shown) - 8) {
			keep = 0;
		}
		memcpy(shown, line, keep);
		memcpy(shown + keep, "<redacted>", 10);
		log_line(s, "C: ", shown, sp || keep == 0 ? keep + 10 : keep);
	} else {
		log_line(s, "C: ", line, len);
	}
	smtp_buf_append(&s->out, line, len);
	if (smtp_buf_append(&s->out, "\r\n", 2) != SMTP_OK) {
		return fail(s, SMTP_ERR_NOMEM, 1, "out of memory", NULL);
	}
	return SMTP_OK;
}

/* Send one command and read its reply. */
static smtp_status command(smtp_session *s, const char *line, int timeout_ms)
{
	smtp_status st = queue_line(s, line, strlen(line), SMTP_MAX_COMMAND_LINE, 0);
	if (st == SMTP_OK) {
		st = flush(s);
	}
	if (st == SMTP_OK) {
		st = read_reply(s, timeout_ms);
	}
	return st;
}

static int reply_class(const smtp_session *s)
{
	return s->parser.reply.code / 100;
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
		return fail(s, SMTP_ERR_INPUT, 0, "invalid HELO name", NULL);
	}
	snprintf(line, sizeof(line), "EHLO %s", helo);
	st = command(s, line, s->command_ms);
	if (st != SMTP_OK) {
		return st;
	}
	if (s->parser.reply.code == 250) {
		s->esmtp = 1;
		st = smtp_capabilities_parse(&s->caps, s->parser.reply.text.data, s->parser.reply.text.len);
		return st == SMTP_OK ? SMTP_OK : fail(s, st, 1, "out of memory", NULL);
	}
	if (s->parser.reply.code == 421 || !allow_helo || reply_class(s) != 5) {
		return fail_reply(s, refused,
			refused == SMTP_ERR_TLS ? "EHLO refused; TLS is required, so HELO is not tried" : "EHLO refused");
	}
	snprintf(line, sizeof(line), "HELO %s", helo);
	st = command(s, line, s->command_ms);
	if (st != SMTP_OK) {
		return st;
	}
	return s->parser.reply.code == 250 ? SMTP_OK : fail_reply(s, SMTP_ERR_REPLY, "HELO refused");
}

static smtp_status starttls(smtp_session *s, int required)
{
	char err[256];
	int rc;
	smtp_status st = command(s, "STARTTLS", s->command_ms);
	if (st != SMTP_OK) {
		return st;
	}
	if (s->parser.reply.code != 220) {
		if (!required && s->parser.reply.code != 421) {
			return SMTP_OK; /* opportunistic: carry on in cleartext */
		}
		return fail_reply(s, SMTP_ERR_TLS, "STARTTLS refused");
	}
	/* Anything already received was sent before TLS and could be injected by a man in the middle
	 * (CVE-2011-0411 and its kin): it must not be read as a reply after the handshake. */
	if (s->in_pos < s->in_len) {
		return fail(s, SMTP_ERR_TLS, 1,
			"the server sent data after its STARTTLS reply before TLS started (possible response injection)", NULL);
	}
	err[0] = '\0';
	s->step = "the TLS handshake";
	rc = s->t.start_tls(s->t.ctx, s->command_ms, err, sizeof(err));
	if (rc != 0) {
		fail(s, SMTP_ERR_TLS, 1, "TLS handshake failed", err[0] ? err : "unknown error");
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
	reply_clear(&s->error_reply);

	s->step = "the greeting";
	st = read_reply(s, s->greeting_ms > 0 && s->greeting_ms < s->command_ms ? s->greeting_ms : s->command_ms);
	if (st != SMTP_OK) {
		return st;
	}
	if (s->parser.reply.code != 220) {
		s->usable = 0;
		return fail_reply(s, SMTP_ERR_REPLY, "the server refused the connection");
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
		return fail(s, SMTP_ERR_TLS, 0, "TLS is required but the server does not offer STARTTLS", NULL);
	}
	st = starttls(s, mode == SMTP_TLS_STARTTLS);
	if (st != SMTP_OK || !s->tls_active) {
		return st;
	}
	return ehlo(s, helo, 0, SMTP_ERR_REPLY);
}

/* ---- AUTH ---------------------------------------------------------------------------------------- */

static smtp_auth_mech pick_mechanism(const smtp_session *s)
{
	const smtp_capabilities *c = &s->caps;
	/* SCRAM first: the password never crosses the wire and the server proves it knows it */
	if (c->auth_scram_sha256 || c->auth_scram_sha1) {
		return c->auth_scram_sha256 ? SMTP_AUTH_SCRAM_SHA256 : SMTP_AUTH_SCRAM_SHA1;
	}
	if (s->tls_active) {
		return c->auth_plain ? SMTP_AUTH_PLAIN : c->auth_login ? SMTP_AUTH_LOGIN
			: c->auth_cram_md5 ? SMTP_AUTH_CRAM_MD5 : SMTP_AUTH_AUTO;
	}
	/* in cleartext (explicitly allowed), prefer the mechanism that does not reveal the password */
	return c->auth_cram_md5 ? SMTP_AUTH_CRAM_MD5 : c->auth_plain ? SMTP_AUTH_PLAIN
		: c->auth_login ? SMTP_AUTH_LOGIN : SMTP_AUTH_AUTO;
}

static int mechanism_offered(const smtp_capabilities *c, smtp_auth_mech m)
{
	switch (m) {
	case SMTP_AUTH_PLAIN: return c->auth_plain;
	case SMTP_AUTH_LOGIN: return c->auth_login;
	case SMTP_AUTH_CRAM_MD5: return c->auth_cram_md5;
	case SMTP_AUTH_XOAUTH2: return c->auth_xoauth2;
	case SMTP_AUTH_SCRAM_SHA1: return c->auth_scram_sha1;
	case SMTP_AUTH_SCRAM_SHA256: return c->auth_scram_sha256;
	case SMTP_AUTH_OAUTHBEARER: return c->auth_oauthbearer;
	default: return 0;
	}
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

/* Cancel an exchange (RFC 4954 4: "*") and read the server's 501. */
static void auth_cancel(smtp_session *s)
{
	if (queue_line(s, "*", 1, SMTP_MAX_COMMAND_LINE, 0) == SMTP_OK && flush(s) == SMTP_OK) {
		read_reply(s, s->command_ms);
	}
}

static smtp_status auth_exchange(smtp_session *s, smtp_auth_state *a)
{
	smtp_buf raw, line, challenge;
	smtp_status st;
	int has_initial = 0, deferred = 0, rounds = 0;
	const char *name = smtp_auth_mech_name(a->mech);

	smtp_buf_init(&raw);
	smtp_buf_init(&line);
	smtp_buf_init(&challenge);
	st = smtp_auth_initial(a, &raw, &has_initial);
	if (st != SMTP_OK) {
		goto done;
	}
	/* the base64 of what we send is a secret too */
	smtp_buf_reset(&line);
	if (has_initial) {
		char prefix[32];
		snprintf(prefix, sizeof(prefix), "AUTH %s ", name);
		if ((st = base64_line(&line, prefix, &raw)) != SMTP_OK) {
			goto done;
		}
		if (line.len + 2 > SMTP_MAX_COMMAND_LINE) { /* too long for the command: send it on the 334 */
			deferred = 1;
			smtp_buf_reset(&line);
			smtp_buf_append_str(&line, "AUTH ");
			smtp_buf_append_str(&line, name);
		}
	} else {
		smtp_buf_append_str(&line, "AUTH ");
		smtp_buf_append_str(&line, name);
	}
	st = queue_line(s, line.data, line.len, SMTP_MAX_COMMAND_LINE, has_initial && !deferred);
	if (st == SMTP_OK) {
		st = flush(s);
	}
	for (;;) {
		if (st != SMTP_OK || (st = read_reply(s, s->command_ms)) != SMTP_OK) {
			goto done;
		}
		if (s->parser.reply.code == 235) {
			if (!smtp_auth_complete(a)) {
				/* whoever answered never proved it knows the password: not a session to send over */
				st = fail(s, SMTP_ERR_AUTH, 1,
					"authentication aborted: the server accepted SCRAM without sending its signature", NULL);
			}
			goto done;
		}
		if (s->parser.reply.code != 334) {
			st = fail_reply(s, SMTP_ERR_AUTH, "authentication failed");
			goto done;
		}
		if (++rounds > SMTP_MAX_AUTH_ROUNDS) {
			auth_cancel(s);
			st = fail(s, SMTP_ERR_AUTH, 0, "authentication aborted: too many challenges", NULL);
			goto done;
		}
		smtp_buf_reset(&raw);
		if (deferred) {
			deferred = 0;
			smtp_auth_initial(a, &raw, &has_initial);
		} else {
			smtp_status dst = decode_challenge(&s->parser.reply, &challenge);
			if (dst == SMTP_ERR_PROTOCOL) {
				auth_cancel(s);
				st = fail(s, SMTP_ERR_AUTH, 0, "authentication aborted: the server sent an invalid challenge", NULL);
				goto done;
			}
			st = dst == SMTP_OK ? smtp_auth_respond(a, (const unsigned char *)challenge.data, challenge.len, &raw)
				: SMTP_ERR_NOMEM;
			if (st != SMTP_OK) {
				/* a SCRAM server that fails its checks may not be the real one: the session ends */
				int scram = a->mech == SMTP_AUTH_SCRAM_SHA1 || a->mech == SMTP_AUTH_SCRAM_SHA256;
				auth_cancel(s);
				st = fail(s, SMTP_ERR_AUTH, scram, "authentication aborted",
					a->error ? a->error : "unexpected challenge from the server");
				goto done;
			}
		}
		if ((st = base64_line(&line, "", &raw)) != SMTP_OK) {
			goto done;
		}
		st = queue_line(s, line.data, line.len, AUTH_LINE_MAX, 1);
		if (st == SMTP_OK) {
			st = flush(s);
		}
	}
done:
	smtp_buf_wipe(&raw);
	smtp_buf_wipe(&line);
	smtp_buf_wipe(&challenge);
	return st;
}

smtp_status smtp_session_auth(smtp_session *s, smtp_auth_mech mech, const char *user, size_t user_len,
	const char *secret, size_t secret_len, int allow_plaintext)
{
	smtp_auth_state a;
	smtp_status st;
	smtp_buf plain, plain64;
	char cnonce[33];

	if (!s->usable) {
		return fail(s, SMTP_ERR_STATE, 1, "not connected", NULL);
	}
	if (!s->tls_active && !allow_plaintext) {
		return fail(s, SMTP_ERR_AUTH, 0,
			"refusing to send credentials over an unencrypted connection (use TLS, or allow_plaintext_auth)", NULL);
	}
	if (smtp_has_line_break(user, user_len)) {
		return fail(s, SMTP_ERR_INPUT, 0, "the user name contains CR, LF or NUL", NULL);
	}
	if (memchr(user, '\0', user_len) || memchr(secret, '\0', secret_len)
		|| ((mech == SMTP_AUTH_XOAUTH2 || mech == SMTP_AUTH_OAUTHBEARER)
			&& (memchr(user, '\001', user_len) || memchr(secret, '\001', secret_len)))) {
		return fail(s, SMTP_ERR_INPUT, 0, "the credentials contain a character the mechanism cannot carry", NULL);
	}
	if (mech == SMTP_AUTH_AUTO) {
		mech = pick_mechanism(s);
		if (mech == SMTP_AUTH_AUTO) {
			return fail(s, SMTP_ERR_AUTH, 0, "the server offers no authentication mechanism we support", NULL);
		}
	} else if (!mechanism_offered(&s->caps, mech)) {
		return fail(s, SMTP_ERR_AUTH, 0, "the server does not offer this AUTH mechanism", smtp_auth_mech_name(mech));
	}

	memset(&a, 0, sizeof(a));
	a.mech = mech;
	a.user = user;
	a.user_len = user_len;
	a.secret = secret;
	a.secret_len = secret_len;
	smtp_buf_init(&a.scram);
	if (mech == SMTP_AUTH_SCRAM_SHA1 || mech == SMTP_AUTH_SCRAM_SHA256) {
		unsigned char rnd[24];
		const char *why;
		smtp_buf prepped;
		smtp_buf_init(&prepped);
		st = smtp_saslprep(secret, secret_len, &prepped, &why);
		smtp_buf_wipe(&prepped);
		if (st != SMTP_OK) {
			return fail(s, st, 0, "the password cannot be used with SCRAM", why);
		}
		if (!s->nonce || s->nonce(s->nonce_ctx, rnd, sizeof(rnd)) != 0) {
			return fail(s, SMTP_ERR_AUTH, 0, "no random source for the SCRAM nonce", NULL);
		}
		smtp_base64_encode(rnd, sizeof(rnd), cnonce);
		cnonce[32] = '\0';
		a.cnonce = cnonce;
		a.cnonce_len = 32;
	}

	/* what must never show in a reply we keep: the secret, and the base64 we would send it in */
	smtp_buf_init(&plain);
	smtp_buf_init(&plain64);
	if (mech == SMTP_AUTH_PLAIN || mech == SMTP_AUTH_XOAUTH2 || mech == SMTP_AUTH_OAUTHBEARER) {
		int has;
		smtp_auth_state b = a;
		smtp_auth_initial(&b, &plain, &has);
	} else {
		smtp_buf_append(&plain, secret, secret_len);
	}
	base64_line(&plain64, "", &plain);
	s->redact[0] = secret;
	s->redact_len[0] = secret_len;
	s->redact[1] = plain64.data;
	s->redact_len[1] = plain64.len;
	if (plain64.len > 8) { /* a base64 run of it, as a prefix could be cut off */
		s->redact[2] = plain64.data + 4;
		s->redact_len[2] = plain64.len - 8;
	}
	st = auth_exchange(s, &a);
	if (st != SMTP_OK) {
		redact_text(s, s->error, strlen(s->error));
		if (s->error_reply.text.data) {
			redact_text(s, s->error_reply.text.data, s->error_reply.text.len);
		}
	}
	s->redact[0] = s->redact[1] = s->redact[2] = NULL;
	smtp_auth_state_clear(&a);
	smtp_buf_wipe(&plain);
	smtp_buf_wipe(&plain64);
	return st;
}

/* ---- mail transaction ---------------------------------------------------------------------------- */

/* RFC 3461 4: xtext, for ENVID and ORCPT values. */
static void append_xtext(smtp_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 33 || c > 126 || c == '+' || c == '=') {
			char e[3];
			e[0] = '+';
			e[1] = hex[c >> 4];
			e[2] = hex[c & 15];
			smtp_buf_append(b, e, 3);
		} else {
			smtp_buf_append(b, (const char *)&c, 1);
		}
	}
}

/*
 * RFC 6533 3: utf-8-addr-xtext, for an ORCPT of type "utf-8": printable ASCII stays except plus, equals
 * and backslash; those, controls and every non-ASCII character become \x{HEX} (upper case, two digits
 * at least), so the value is ASCII whether or not SMTPUTF8 is in use.
 * Returns 0 when s is not valid UTF-8.
 */
static int append_utf8_addr_xtext(smtp_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	if (!smtp_utf8_valid(s, len)) {
		return 0;
	}
	while (*p) {
		unsigned long cp;
		int extra;
		if (*p < 0x80) {
			cp = *p;
			extra = 0;
		} else if (*p < 0xE0) {
			cp = *p & 0x1Fu;
			extra = 1;
		} else if (*p < 0xF0) {
			cp = *p & 0x0Fu;
			extra = 2;
		} else {
			cp = *p & 0x07u;
			extra = 3;
		}
		p++;
		while (extra-- > 0) {
			cp = (cp << 6) | (*p++ & 0x3Fu);
		}
		if (cp > 32 && cp < 127 && cp != '+' && cp != '=' && cp != '\\') {
			char c = (char)cp;
			smtp_buf_append(b, &c, 1);
		} else {
			char e[16];
			snprintf(e, sizeof e, "\\x{%02lX}", cp);
			smtp_buf_append_str(b, e);
		}
	}
	return 1;
}

/* A parameter value from the caller: printable ASCII without space or '=', so it cannot add parameters. */
static int param_value_ok(const char *v)
{
	if (!*v) {
		return 0;
	}
	for (; *v; v++) {
		if ((unsigned char)*v <= 32 || (unsigned char)*v >= 127 || *v == '=') {
			return 0;
		}
	}
	return 1;
}

smtp_status smtp_orcpt_append(smtp_buf *out, const char *orcpt)
{
	/* "addr-type;address": the type is an atom, the address goes in xtext (utf-8-addr-xtext for utf-8) */
	const char *semi = strchr(orcpt, ';');
	size_t tl = semi ? (size_t)(semi - orcpt) : 0, i;
	if (tl == 0 || semi[1] == '\0') {
		return SMTP_ERR_INPUT;
	}
	for (i = 0; i < tl; i++) {
		char c = orcpt[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
			return SMTP_ERR_INPUT;
		}
	}
	smtp_buf_append(out, orcpt, tl + 1);
	if (tl == 5 && (orcpt[0] | 0x20) == 'u' && (orcpt[1] | 0x20) == 't' && (orcpt[2] | 0x20) == 'f'
		&& orcpt[3] == '-' && orcpt[4] == '8') {
		if (!append_utf8_addr_xtext(out, semi + 1)) {
			return SMTP_ERR_INPUT;
		}
	} else {
		append_xtext(out, semi + 1);
	}
	return out->failed ? SMTP_ERR_NOMEM : SMTP_OK;
}

static smtp_status build_mail_line(smtp_session *s, const smtp_envelope *env, smtp_buf *line)
{
	const char *why = NULL;
	size_t fl = strlen(env->from);
	if (fl && !smtp_address_valid(env->from, fl, env->smtputf8, &why)) {
		return fail(s, SMTP_ERR_INPUT, 0, "invalid sender address", why);
	}
	smtp_buf_append_str(line, "MAIL FROM:<");
	smtp_buf_append(line, env->from, fl);
	smtp_buf_append_str(line, ">");
	if (s->caps.size_advertised && env->size) {
		char num[32];
		snprintf(num, sizeof(num), " SIZE=%llu", (unsigned long long)env->size);
		smtp_buf_append_str(line, num);
	}
	if (env->body_8bit && s->caps.eightbitmime) {
		smtp_buf_append_str(line, " BODY=8BITMIME");
	}
	if (env->smtputf8) {
		smtp_buf_append_str(line, " SMTPUTF8");
	}
	if (s->caps.dsn && env->dsn_ret) {
		if (strcmp(env->dsn_ret, "FULL") && strcmp(env->dsn_ret, "HDRS")) {
			return fail(s, SMTP_ERR_INPUT, 0, "DSN RET must be FULL or HDRS", NULL);
		}
		smtp_buf_append_str(line, " RET=");
		smtp_buf_append_str(line, env->dsn_ret);
	}
	if (s->caps.dsn && env->dsn_envid) {
		smtp_buf_append_str(line, " ENVID=");
		append_xtext(line, env->dsn_envid);
	}
	if (env->requiretls) {
		smtp_buf_append_str(line, " REQUIRETLS");
	}
	return line->failed ? fail(s, SMTP_ERR_NOMEM, 1, "out of memory", NULL) : SMTP_OK;
}

static smtp_status build_rcpt_line(smtp_session *s, const smtp_envelope *env, const smtp_recipient *r,
	smtp_buf *line)
{
	const char *why = NULL;
	size_t al = strlen(r->address);
	if (!smtp_address_valid(r->address, al, env->smtputf8, &why)) {
		return fail(s, SMTP_ERR_INPUT, 0, "invalid recipient address", why);
	}
	smtp_buf_append_str(line, "RCPT TO:<");
	smtp_buf_append(line, r->address, al);
	smtp_buf_append_str(line, ">");
	if (s->caps.dsn && r->notify) {
		if (!param_value_ok(r->notify)) {
			return fail(s, SMTP_ERR_INPUT, 0, "invalid DSN NOTIFY value", NULL);
		}
		smtp_buf_append_str(line, " NOTIFY=");
		smtp_buf_append_str(line, r->notify);
	}
	if (s->caps.dsn && r->orcpt) {
		smtp_buf_append_str(line, " ORCPT=");
		if (smtp_orcpt_append(line, r->orcpt) != SMTP_OK) {
			return fail(s, SMTP_ERR_INPUT, 0, "invalid DSN ORCPT: not \"type;address\" (an atom, a ';', an address)",
				NULL);
		}
	}
	return line->failed ? fail(s, SMTP_ERR_NOMEM, 1, "out of memory", NULL) : SMTP_OK;
}

/* What one transaction has sent and is still waiting to hear about; replies come back in this order. */
typedef struct txn {
	smtp_session *s;
	const smtp_envelope *env;
	smtp_send_result *res;
	int mail_pending, mail_code;
	size_t rcpt_sent, rcpt_next, accepted;
	int data_pending, data_code;
	size_t bdat_pending;         /* BDAT replies outstanding, the LAST one included once sent */
	int last_sent;
	int bdat_failed;
	int final_code;
	smtp_reply first_failure;    /* the first reply that went wrong */
	int defer_flush;             /* batch: the LAST chunk may wait in the buffer for the next message */
	int rset_pending;            /* batch: an RSET went ahead of MAIL, its reply comes first */
	int needs_reset;             /* failed in a batch: RSET once nothing is in flight */
	int too_large;               /* the body reached the server's SIZE limit: the rest was never sent */
	struct txn *next;            /* in the session's in-flight list */
} txn;

static void inflight_push(smtp_session *s, txn *t)
{
	txn **at = &s->inflight;
	while (*at) {
		at = &(*at)->next;
	}
	t->next = NULL;
	*at = t;
}

static void inflight_remove(smtp_session *s, txn *t)
{
	txn **at = &s->inflight;
	while (*at && *at != t) {
		at = &(*at)->next;
	}
	if (*at) {
		*at = t->next;
	}
}

static char *dup_str(const char *s, size_t len)
{
	char *d = malloc(len + 1);
	if (d) {
		memcpy(d, s ? s : "", len);
		d[len] = '\0';
	}
	return d;
}

static void note_failure(txn *t)
{
	if (t->first_failure.code == 0) {
		reply_copy(&t->first_failure, &t->s->parser.reply);
	}
}

static size_t pending_count(const txn *t)
{
	return (size_t)t->rset_pending + (size_t)t->mail_pending + (t->rcpt_sent - t->rcpt_next) + (size_t)t->data_pending
		+ t->bdat_pending;
}

/* Read the oldest outstanding reply (of the oldest transaction in flight) and file it where it belongs. */
static smtp_status read_pending(smtp_session *s)
{
	txn *t = s->inflight;
	int is_final, code;
	smtp_status st;
	while (t && pending_count(t) == 0 && t->next) { /* answered in full: the reply is for a later one */
		s->inflight = t->next;
		t = t->next;
	}
	if (!t) {
		return fail(s, SMTP_ERR_STATE, 1, "no reply is expected", NULL);
	}
	if ((st = flush(s)) != SMTP_OK) { /* a command still in the buffer would never be answered */
		return st;
	}
	is_final = !t->mail_pending && t->rcpt_next == t->rcpt_sent && !t->data_pending && t->bdat_pending == 1
		&& t->last_sent;
	s->step = t->rset_pending ? "RSET" : t->mail_pending ? "MAIL FROM" : t->rcpt_next < t->rcpt_sent ? "RCPT TO"
		: t->data_pending ? "DATA" : is_final ? "the end of data" : "BDAT";
	st = read_reply(s, is_final ? s->data_ms : s->command_ms);
	if (st != SMTP_OK) {
		return st;
	}
	code = s->parser.reply.code;
	if (t->rset_pending) {
		t->rset_pending = 0; /* only a 421 matters, below */
	} else if (t->mail_pending) {
		t->mail_pending = 0;
		t->mail_code = code;
		if (code / 100 != 2) {
			note_failure(t);
		}
	} else if (t->rcpt_next < t->rcpt_sent) {
		size_t i = t->rcpt_next++;
		t->res->rcpt_code[i] = code;
		t->res->rcpt_reply[i] = dup_str(s->parser.reply.text.data, s->parser.reply.text.len);
		if (code / 100 == 2) {
			t->res->accepted[i] = 1;
			t->accepted++;
		}
	} else if (t->data_pending) {
		t->data_pending = 0;
		t->data_code = code;
		if (code != 354) {
			note_failure(t);
		}
	} else if (t->bdat_pending) {
		t->bdat_pending--;
		if (is_final) {
			t->final_code = code;
		} else if (code / 100 != 2) {
			t->bdat_failed = 1;
			note_failure(t);
		}
	}
	if (code == 421) {
		fail_reply(s, SMTP_ERR_REPLY, "the server is closing the connection");
		return SMTP_ERR_REPLY;
	}
	return SMTP_OK;
}

/* Read replies until at most keep of t's are outstanding (those of earlier transactions come first). */
static smtp_status settle(txn *t, size_t keep)
{
	while (pending_count(t) > keep) {
		smtp_status st = read_pending(t->s);
		if (st != SMTP_OK) {
			return st;
		}
	}
	return SMTP_OK;
}

/* The body sink in DATA mode: dot-stuffed bytes go to the output buffer, written in large pieces. */
typedef struct body_sink {
	smtp_sink sink;
	txn *t;
	int bdat;
	const smtp_data_encoder *enc; /* what it has produced so far, to hold the message to SIZE */
} body_sink;

/*
 * The server's SIZE limit (RFC 1870) is a promise not to send more, checked before the bytes that would
 * break it are queued, whatever the source (a stream of unknown size included). A server that refuses
 * a message in the middle of a BDAT chunk may read the rest of the chunk as commands (Exim 4.96 does):
 * no byte over the limit must ever reach it. In BDAT mode the connection is at a chunk boundary, so
 * the transaction is reset (RSET) and the connection kept; mid-DATA the only way not to deliver is to
 * hang up.
 */
static smtp_status over_size_limit(body_sink *b)
{
	txn *t = b->t;
	smtp_session *s = t->s;
	char msg[200];
	t->too_large = 1;
	smtp_buf_reset(&s->chunk); /* never sent */
	snprintf(msg, sizeof(msg), "not sent: the message is larger than the server accepts (SIZE %llu); "
		"sending stopped before the limit, nothing was delivered", (unsigned long long)s->caps.size_limit);
	reply_clear(&s->error_reply);
	return fail(s, SMTP_ERR_REPLY, !b->bdat, msg, NULL);
}

static smtp_status queue_bdat(txn *t, int last)
{
	smtp_session *s = t->s;
	char head[48];
	smtp_status st;
	snprintf(head, sizeof(head), "BDAT %lu%s", (unsigned long)s->chunk.len, last ? " LAST" : "");
	log_line(s, "C: ", head, strlen(head));
	smtp_buf_append_str(&s->out, head);
	smtp_buf_append(&s->out, "\r\n", 2);
	if (smtp_buf_append(&s->out, s->chunk.data, s->chunk.len) != SMTP_OK) {
		return fail(s, SMTP_ERR_NOMEM, 1, "out of memory", NULL);
	}
	smtp_buf_reset(&s->chunk);
	t->bdat_pending++;
	t->last_sent = last;
	st = last && t->defer_flush && s->out.len < OUT_FLUSH_AT ? SMTP_OK : flush(s);
	if (st == SMTP_OK && !last) {
		/* keep one chunk in flight; collect the replies to everything before it */
		st = settle(t, 1);
		if (st == SMTP_OK && (t->bdat_failed || t->mail_code / 100 == 4 || t->mail_code / 100 == 5)) {
			st = SMTP_ERR_REPLY; /* stop sending: the transaction has failed */
		}
	}
	return st;
}

static smtp_status body_sink_write(smtp_sink *sink, const char *data, size_t len)
{
	body_sink *b = (body_sink *)sink;
	smtp_session *s = b->t->s;
	smtp_status st;

	/* the message size so far: what the encoder produced, this piece included, without stuffing dots */
	if (s->caps.size_limit && b->enc->bytes_out + len - b->enc->stuffed > s->caps.size_limit) {
		return over_size_limit(b);
	}
	if (b->bdat) {
		while (len > 0) {
			size_t n = BDAT_CHUNK - s->chunk.len;
			if (n > len) {
				n = len;
			}
			if (smtp_buf_append(&s->chunk, data, n) != SMTP_OK) {
				return fail(s, SMTP_ERR_NOMEM, 1, "out of memory", NULL);
			}
			data += n;
			len -= n;
			if (s->chunk.len == BDAT_CHUNK && (st = queue_bdat(b->t, 0)) != SMTP_OK) {
				return st;
			}
		}
		return SMTP_OK;
	}
	if (smtp_buf_append(&s->out, data, len) != SMTP_OK) {
		return fail(s, SMTP_ERR_NOMEM, 1, "out of memory", NULL);
	}
	return s->out.len >= OUT_FLUSH_AT ? flush(s) : SMTP_OK;
}

/* Stream the body through the encoder; in DATA mode end it with the final dot. */
static smtp_status stream_body(txn *t, int bdat, smtp_body_fn body_fn, void *body_ctx)
{
	smtp_session *s = t->s;
	body_sink sink;
	smtp_data_encoder enc;
	smtp_status st;

	sink.sink.write = body_sink_write;
	sink.t = t;
	sink.bdat = bdat;
	sink.enc = &enc;
	smtp_buf_reset(&s->chunk);
	s->step = "the message data";
	smtp_data_encoder_init(&enc, &sink.sink, !bdat);
	st = body_fn(body_ctx, &enc.sink);
	if (st == SMTP_OK) {
		st = smtp_data_finish(&enc);
	}
	if (st == SMTP_OK) {
		if (bdat) {
			st = queue_bdat(t, 1);
		} else {
			log_line(s, "C: ", "<message body>", 14);
			log_line(s, "C: ", ".", 1);
			smtp_buf_append(&s->out, ".\r\n", 3);
			st = t->defer_flush && s->out.len < OUT_FLUSH_AT ? SMTP_OK : flush(s);
			t->bdat_pending = 1; /* the final reply, read like a LAST chunk's */
			t->last_sent = 1;
		}
	}
	if (st == SMTP_ERR_INPUT && enc.error == SMTP_ERR_INPUT) {
		/* mid-DATA there is no way to abort but to hang up */
		return fail(s, SMTP_ERR_INPUT, 1, enc.reason, NULL);
	}
	if (st == SMTP_ERR_SOURCE || st == SMTP_ERR_NOMEM) {
		s->usable = 0;
		if (!s->error[0]) {
			fail(s, st, 1, "reading the message failed", NULL);
		}
	}
	return st;
}

static void parse_queue_id(smtp_send_result *res, const char *text)
{
	const char *p, *e;
	if (!text) {
		return;
	}
	if ((p = strstr(text, "queued as ")) != NULL) {
		p += 10;
	} else if ((p = strstr(text, "id=")) != NULL) {
		p += 3;
	} else {
		return;
	}
	e = p;
	while (*e && *e != ' ' && *e != '\n' && *e != '>' && *e != ',' && *e != ';') {
		e++;
	}
	if (e > p && e - p < 128) {
		res->queue_id = dup_str(p, (size_t)(e - p));
	}
}

/* After a failed transaction: RSET to clear the server's state, unless the connection is already gone. */
static void abandon(smtp_session *s)
{
	if (s->usable) {
		smtp_reply saved;
		smtp_buf_init(&saved.text);
		reply_copy(&saved, &s->parser.reply);
		if (command(s, "RSET", s->command_ms) != SMTP_OK || s->parser.reply.code != 250) {
			s->usable = 0;
		}
		reply_copy(&s->parser.reply, &saved); /* the reply that matters stays the last one */
		smtp_buf_free(&saved.text);
	}
}

static smtp_status rejected_recipients(smtp_session *s, txn *t)
{
	size_t i, n = 0;
	char *p = s->error;
	size_t left = sizeof(s->error);
	int w;
	for (i = 0; i < t->rcpt_sent; i++) {
		if (!t->res->accepted[i]) {
			n++;
		}
	}
	w = snprintf(p, left, "%lu of %lu recipients rejected", (unsigned long)n, (unsigned long)t->rcpt_sent);
	for (i = 0; i < t->rcpt_sent && w > 0 && (size_t)w < left; i++) {
		if (!t->res->accepted[i] && t->res->rcpt_reply[i]) {
			p += w;
			left -= (size_t)w;
			w = snprintf(p, left, "; %s: %.200s", smtp_recipient_name(&t->env->rcpt[i]), t->res->rcpt_reply[i]);
		}
	}
	for (i = 0; i < t->rcpt_sent; i++) {
		if (!t->res->accepted[i] && t->res->rcpt_code[i]) {
			/* the first rejection is the reply of record */
			smtp_buf_reset(&s->error_reply.text);
			smtp_buf_append_str(&s->error_reply.text, t->res->rcpt_reply[i]);
			s->error_reply.code = t->res->rcpt_code[i];
			s->error_reply.enhanced[0] = '\0';
			if (s->caps.enhanced && strlen(t->res->rcpt_reply[i]) > 4) {
				smtp_reply_parser tmp;
				size_t used;
				smtp_reply_parser_init(&tmp);
				tmp.want_enhanced = 1;
				/* re-parse its last line for the enhanced code */
				{
					const char *last = strrchr(t->res->rcpt_reply[i], '\n');
					last = last ? last + 1 : t->res->rcpt_reply[i];
					smtp_reply_parser_feed(&tmp, last, strlen(last), &used);
					smtp_reply_parser_feed(&tmp, "\r\n", 2, &used);
					memcpy(s->error_reply.enhanced, tmp.reply.enhanced, sizeof(tmp.reply.enhanced));
				}
				smtp_reply_parser_free(&tmp);
			}
			break;
		}
	}
	s->step = "RCPT TO";
	add_where(s);
	s->transient = s->error_reply.code / 100 == 4;
	return SMTP_ERR_RECIPIENTS;
}

static smtp_status result_init(smtp_send_result *res, size_t n)
{
	memset(res, 0, sizeof(*res));
	res->rcpt_count = n;
	res->accepted = calloc(n ? n : 1, sizeof(int));
	res->rcpt_code = calloc(n ? n : 1, sizeof(int));
	res->rcpt_reply = calloc(n ? n : 1, sizeof(char *));
	if (!res->accepted || !res->rcpt_code || !res->rcpt_reply) {
		smtp_send_result_free(res);
		return SMTP_ERR_NOMEM;
	}
	return SMTP_OK;
}

void smtp_send_result_free(smtp_send_result *r)
{
	size_t i;
	if (r->rcpt_reply) {
		for (i = 0; i < r->rcpt_count; i++) {
			free(r->rcpt_reply[i]);
		}
	}
	free(r->rcpt_reply);
	free(r->accepted);
	free(r->rcpt_code);
	free(r->queue_id);
	memset(r, 0, sizeof(*r));
}

/* Everything that can be checked before the first byte is sent. */
static smtp_status check_envelope(smtp_session *s, const smtp_envelope *env, smtp_buf *scratch)
{
	size_t i;
	smtp_status st;
	if (env->rcpt_count == 0) {
		return fail(s, SMTP_ERR_INPUT, 0, "no recipients", NULL);
	}
	smtp_buf_reset(scratch);
	if ((st = build_mail_line(s, env, scratch)) != SMTP_OK) {
		return st;
	}
	if (scratch->len + 2 > SMTP_MAX_COMMAND_LINE) {
		return fail(s, SMTP_ERR_INPUT, 0, "MAIL command longer than 512 octets", NULL);
	}
	for (i = 0; i < env->rcpt_count; i++) {
		smtp_buf_reset(scratch);
		if ((st = build_rcpt_line(s, env, &env->rcpt[i], scratch)) != SMTP_OK) {
			return st;
		}
		if (scratch->len + 2 > SMTP_MAX_COMMAND_LINE) {
			return fail(s, SMTP_ERR_INPUT, 0, "RCPT command longer than 512 octets", NULL);
		}
	}
	if (env->smtputf8 && !s->caps.smtputf8) {
		return fail(s, SMTP_ERR_REPLY, 0, "the message needs SMTPUTF8, which the server does not offer", NULL);
	}
	if (env->requiretls && (!s->caps.requiretls || !s->tls_active)) {
		return fail(s, SMTP_ERR_TLS, 0, s->tls_active
			? "the message requires REQUIRETLS (RFC 8689), which the server does not offer"
			: "the message requires REQUIRETLS (RFC 8689), which needs a TLS connection", NULL);
	}
	if (s->caps.size_limit && env->size > s->caps.size_limit) {
		char msg[128];
		snprintf(msg, sizeof(msg), "the message (%llu bytes) is larger than the server accepts (SIZE %llu)",
			(unsigned long long)env->size, (unsigned long long)s->caps.size_limit);
		return fail(s, SMTP_ERR_REPLY, 0, msg, NULL);
	}
	return SMTP_OK;
}

/* Queue MAIL and the RCPTs; without pipelining, wait for each reply. */
static smtp_status txn_envelope(txn *t, int pipe, smtp_buf *line)
{
	smtp_session *s = t->s;
	const smtp_envelope *env = t->env;
	smtp_status st;
	size_t i;

	smtp_buf_reset(line);
	build_mail_line(s, env, line);
	st = queue_line(s, line->data, line->len, SMTP_MAX_COMMAND_LINE, 0);
	t->mail_pending = 1;
	if (st == SMTP_OK && !pipe) {
		st = settle(t, 0);
		if (st == SMTP_OK && t->mail_code / 100 != 2) {
			return SMTP_OK;
		}
	}
	for (i = 0; st == SMTP_OK && i < env->rcpt_count; i++) {
		smtp_buf_reset(line);
		build_rcpt_line(s, env, &env->rcpt[i], line);
		st = queue_line(s, line->data, line->len, SMTP_MAX_COMMAND_LINE, 0);
		t->rcpt_sent++;
		if (st == SMTP_OK && !pipe) {
			st = settle(t, 0);
		}
	}
	return st;
}

static int rcpts_refused(const txn *t)
{
	return t->accepted == 0 || (t->accepted < t->rcpt_sent && !t->env->partial);
}

/*
 * Turn what a finished transaction heard into its status. st is how the exchange itself went. In a
 * batch the RSET a failed transaction needs is left to the caller (later transactions are on the wire).
 */
static smtp_status txn_finish(txn *t, smtp_status st, int bdat, int in_batch)
{
	smtp_session *s = t->s;
	smtp_send_result *result = t->res;

	if (st != SMTP_OK && st != SMTP_ERR_REPLY) {
		/* the connection failed under us, or the body could not be produced: nothing is known sent */
		s->usable = 0;
		s->inflight = NULL;
		if (t->last_sent && !t->final_code && !s->aborted && st != SMTP_ERR_SOURCE && st != SMTP_ERR_INPUT) {
			/* the end of data went out (with PIPELINING, before the replies to MAIL and RCPT): the server
			 * may have accepted the message; say so, so that a caller does not resend it blindly */
			size_t len = strlen(s->error);
			snprintf(s->error + len, sizeof(s->error) - len, "; the end of data was sent: not known whether "
				"the server accepted the message");
		}
		return st;
	}
	inflight_remove(s, t);
	if (st == SMTP_ERR_REPLY && !s->usable) { /* 421, or over the SIZE limit mid-DATA (hung up) */
		s->inflight = NULL;
		return SMTP_ERR_REPLY;
	}
	if (t->too_large) {
		char msg[200];
		snprintf(msg, sizeof(msg), "not sent: the message is larger than the server accepts (SIZE %llu); "
			"sending stopped before the limit, nothing was delivered", (unsigned long long)s->caps.size_limit);
		reply_clear(&s->error_reply);
		st = fail(s, SMTP_ERR_REPLY, 0, msg, NULL);
	} else if (t->mail_code / 100 != 2) {
		reply_copy(&s->parser.reply, &t->first_failure);
		s->step = "MAIL FROM";
		st = fail_reply(s, SMTP_ERR_REPLY, "sender rejected");
	} else if (rcpts_refused(t)) {
		st = rejected_recipients(s, t);
	} else if (!bdat && t->data_code != 354) {
		reply_copy(&s->parser.reply, &t->first_failure);
		s->step = "DATA";
		st = fail_reply(s, SMTP_ERR_REPLY, "DATA rejected");
	} else if (t->bdat_failed) {
		reply_copy(&s->parser.reply, &t->first_failure);
		s->step = "BDAT";
		st = fail_reply(s, SMTP_ERR_REPLY, "message data rejected");
	} else if (t->final_code / 100 != 2) {
		s->step = "the end of data";
		st = fail_reply(s, SMTP_ERR_REPLY, "message not accepted");
		if (!bdat) {
			return st; /* after the final dot the transaction is over either way */
		}
	} else {
		parse_queue_id(result, s->parser.reply.text.data);
		return SMTP_OK;
	}
	if (t->data_code == 354 && !t->last_sent) {
		/* the server waits for a body we must not send: hanging up is the only way not to deliver */
		s->usable = 0;
	} else if (in_batch) {
		t->needs_reset = 1;
	} else {
		abandon(s);
	}
	return st;
}

static void txn_init(txn *t, smtp_session *s, const smtp_envelope *env, smtp_send_result *result)
{
	memset(t, 0, sizeof(*t));
	t->s = s;
	t->env = env;
	t->res = result;
	smtp_buf_init(&t->first_failure.text);
}

/* What both send paths check first; fills result's arrays. */
static smtp_status txn_prepare(smtp_session *s, const smtp_envelope *env, smtp_send_result *result, smtp_buf *line)
{
	smtp_status st;
	memset(result, 0, sizeof(*result));
	if (!s->usable) {
		return fail(s, SMTP_ERR_STATE, 1, "not connected", NULL);
	}
	s->error[0] = '\0';
	reply_clear(&s->error_reply);
	if ((st = check_envelope(s, env, line)) != SMTP_OK) {
		return st;
	}
	if (result_init(result, env->rcpt_count) != SMTP_OK) {
		return fail(s, SMTP_ERR_NOMEM, 0, "out of memory", NULL);
	}
	return SMTP_OK;
}

smtp_status smtp_session_send(smtp_session *s, const smtp_envelope *env, smtp_body_fn body_fn, void *body_ctx,
	smtp_send_result *result)
{
	smtp_buf line;
	txn t;
	smtp_status st;
	int pipe = s->caps.pipelining && s->want_pipelining;
	int bdat = s->caps.chunking && s->want_chunking;

	smtp_buf_init(&line);
	st = txn_prepare(s, env, result, &line);
	if (st != SMTP_OK) {
		smtp_buf_free(&line);
		return st;
	}
	txn_init(&t, s, env, result);
	inflight_push(s, &t);

	st = txn_envelope(&t, pipe, &line);
	if (st != SMTP_OK || (!pipe && (t.mail_code / 100 != 2 || rcpts_refused(&t)))) {
		goto finish;
	}
	if (pipe && bdat && (env->rcpt_count == 1 || env->partial)) {
		/* a rejection cannot lead to a partial delivery: the body goes out before the RCPT replies,
		 * and the whole transaction costs one round trip */
		st = stream_body(&t, 1, body_fn, body_ctx);
		if ((st == SMTP_OK || st == SMTP_ERR_REPLY) && s->usable) {
			st = settle(&t, 0);
		}
		goto finish;
	}
	if (!bdat) {
		st = queue_line(s, "DATA", 4, SMTP_MAX_COMMAND_LINE, 0);
		t.data_pending = 1;
	}
	if (st == SMTP_OK) {
		st = settle(&t, 0);
	}
	if (st != SMTP_OK || t.mail_code / 100 != 2 || rcpts_refused(&t) || (!bdat && t.data_code != 354)) {
		goto finish;
	}
	st = stream_body(&t, bdat, body_fn, body_ctx);
	if (st == SMTP_OK || (st == SMTP_ERR_REPLY && s->usable)) {
		st = settle(&t, 0);
	}

finish:
	smtp_buf_free(&line);
	st = txn_finish(&t, st, bdat, 0);
	inflight_remove(s, &t);
	smtp_buf_free(&t.first_failure.text);
	return st;
}

/* ---- batches ------------------------------------------------------------------------------------- */

#define BATCH_WINDOW 32   /* transactions in flight at once */

void smtp_batch_item_free(smtp_batch_item *item)
{
	smtp_send_result_free(&item->result);
	free(item->reply);
	free(item->error);
	item->reply = item->error = NULL;
}

/* Copy what the session knows of the item's outcome into the item. */
static void batch_record(smtp_session *s, smtp_batch_item *item, smtp_status st)
{
	const smtp_reply *r = st == SMTP_OK ? &s->parser.reply : &s->error_reply;
	item->attempted = 1;
	item->status = st;
	item->reply_code = r->code;
	memcpy(item->enhanced, r->enhanced, sizeof(item->enhanced));
	free(item->reply);
	item->reply = r->code ? dup_str(r->text.data, r->text.len) : NULL;
	free(item->error);
	item->error = st == SMTP_OK ? NULL : dup_str(s->error, strlen(s->error));
	item->transient = st == SMTP_OK ? 0 : s->transient;
}

/*
 * After a 421 the server processes nothing more (RFC 5321 3.8): the transaction that met it and every
 * one behind it are known not to be accepted, unlike after a silent drop where a message whose end of
 * data was sent may have been. Such an item is left attempted = 0, so the caller sends it again (once,
 * on a new connection); any other outcome is recorded.
 */
static void batch_outcome(smtp_session *s, smtp_batch_item *item, smtp_status st)
{
	if (st != SMTP_OK && !s->usable && s->got_421) {
		smtp_send_result_free(&item->result);
		item->attempted = 0;
		return;
	}
	batch_record(s, item, st);
}

/*
 * A batch over PIPELINING without CHUNKING: the body and final dot of one message go out in the same
 * write as the next message's MAIL, RCPT and DATA (RFC 2920 3.1), so each message costs one round trip.
 */
static smtp_status batch_data_pipelined(smtp_session *s, smtp_batch_item *items, size_t count)
{
	txn slots[2];
	txn *prev = NULL;
	smtp_batch_item *prev_item = NULL;
	smtp_buf line;
	smtp_status fatal = SMTP_OK;
	size_t i;

	smtp_buf_init(&line);
	for (i = 0; i < count && fatal == SMTP_OK; i++) {
		smtp_batch_item *item = &items[i];
		txn *cur = &slots[i % 2];
		smtp_status st = txn_prepare(s, item->env, &item->result, &line);
		if (st != SMTP_OK) {
			batch_record(s, item, st);
			if (!s->usable) {
				fatal = st;
			}
			continue;
		}
		txn_init(cur, s, item->env, &item->result);
		cur->defer_flush = 1;
		inflight_push(s, cur);
		st = txn_envelope(cur, 1, &line);
		if (st == SMTP_OK) {
			st = queue_line(s, "DATA", 4, SMTP_MAX_COMMAND_LINE, 0);
			cur->data_pending = 1;
		}
		if (prev) {
			/* the previous message's final reply comes first */
			smtp_status pst = st == SMTP_OK ? settle(prev, 0) : st;
			pst = txn_finish(prev, pst, 0, 0);
			batch_outcome(s, prev_item, pst);
			smtp_buf_free(&prev->first_failure.text);
			prev = NULL;
			if (!s->usable) {
				fatal = pst == SMTP_OK ? SMTP_ERR_CLOSED : pst;
				st = fatal;
			}
		}
		if (st == SMTP_OK) {
			st = settle(cur, 0);
		}
		if (st == SMTP_OK && cur->mail_code / 100 == 2 && !rcpts_refused(cur) && cur->data_code == 354) {
			st = stream_body(cur, 0, item->body_fn, item->body_ctx);
			if (st == SMTP_OK) {
				prev = cur;
				prev_item = item;
				continue;
			}
		}
		st = txn_finish(cur, st, 0, 0);
		batch_outcome(s, item, st);
		smtp_buf_free(&cur->first_failure.text);
		if (!s->usable) {
			fatal = st == SMTP_OK ? SMTP_ERR_CLOSED : st;
		}
	}
	if (prev) {
		smtp_status pst = fatal == SMTP_OK ? settle(prev, 0) : fatal;
		pst = txn_finish(prev, pst, 0, 0);
		batch_outcome(s, prev_item, pst);
		smtp_buf_free(&prev->first_failure.text);
		if (!s->usable && fatal == SMTP_OK) {
			fatal = pst == SMTP_OK ? SMTP_ERR_CLOSED : pst;
		}
	}
	s->inflight = NULL;
	smtp_buf_free(&line);
	return s->usable ? SMTP_OK : (fatal != SMTP_OK ? fatal : SMTP_ERR_CLOSED);
}

smtp_status smtp_session_send_batch(smtp_session *s, smtp_batch_item *items, size_t count)
{
	txn *window;
	size_t *slot_item;
	size_t next = 0, head = 0, tail = 0; /* ring of in-flight transactions: [head, tail) */
	smtp_buf line;
	smtp_status fatal = SMTP_OK;
	int pipe = s->caps.pipelining && s->want_pipelining;
	int bdat = s->caps.chunking && s->want_chunking;
	int failed_in_window = 0;
	size_t i;

	for (i = 0; i < count; i++) {
		items[i].attempted = 0;
		items[i].retry = 0;
	}
	s->got_421 = 0;
	if (pipe && !bdat) {
		return batch_data_pipelined(s, items, count);
	}
	window = calloc(BATCH_WINDOW, sizeof(*window));
	slot_item = calloc(BATCH_WINDOW, sizeof(*slot_item));
	if (!window || !slot_item) {
		free(window);
		free(slot_item);
		return fail(s, SMTP_ERR_NOMEM, 0, "out of memory", NULL);
	}
	smtp_buf_init(&line);
	while (fatal == SMTP_OK && (next < count || head != tail)) {
		smtp_batch_item *item = next < count ? &items[next] : NULL;
		int pipelinable = item && pipe && bdat && (item->env->rcpt_count == 1 || item->env->partial);

		if (item && pipelinable && tail - head < BATCH_WINDOW && !failed_in_window) {
			/* start one more transaction without waiting for the earlier ones' replies */
			txn *t = &window[tail % BATCH_WINDOW];
			smtp_status st = txn_prepare(s, item->env, &item->result, &line);
			next++;
			if (st != SMTP_OK) {
				batch_record(s, item, st);
				if (!s->usable) {
					fatal = st;
				}
				continue;
			}
			txn_init(t, s, item->env, &item->result);
			t->defer_flush = 1;
			if (head != tail) {
				/* the transaction before may still be open on the server if its BDAT LAST fails (RFC 3030
				 * lets it): without an RSET this one's RCPT and BDAT would join it */
				st = queue_line(s, "RSET", 4, SMTP_MAX_COMMAND_LINE, 0);
				t->rset_pending = 1;
			}
			inflight_push(s, t);
			slot_item[tail % BATCH_WINDOW] = (size_t)(item - items);
			tail++;
			if (st == SMTP_OK) {
				st = txn_envelope(t, 1, &line);
			}
			if (st == SMTP_OK) {
				st = stream_body(t, 1, item->body_fn, item->body_ctx);
			}
			if (st != SMTP_OK && st != SMTP_ERR_REPLY) {
				fatal = st;
			} else if (st == SMTP_ERR_REPLY) {
				failed_in_window = 1; /* a large body saw its transaction fail: stop queueing behind it */
			}
			continue;
		}
		if (head != tail) {
			/* collect the oldest transaction */
			txn *t = &window[head % BATCH_WINDOW];
			smtp_batch_item *done = &items[slot_item[head % BATCH_WINDOW]];
			smtp_status st = settle(t, 0);
			int failed_before = failed_in_window;
			st = txn_finish(t, st, 1, 1);
			head++;
			if (st != SMTP_OK && !s->usable) {
				batch_outcome(s, done, st);
				fatal = st;
			} else if (failed_before && t->mail_code == 503) {
				/* refused only because the failed transaction before it was still open: send it again */
				smtp_send_result_free(&done->result);
				done->retry = 1;
			} else {
				batch_record(s, done, st);
			}
			if (st != SMTP_OK) {
				failed_in_window = 1;
			}
			smtp_buf_free(&t->first_failure.text);
			if (head == tail && failed_in_window && fatal == SMTP_OK) {
				/* nothing in flight: clear the server's state, then carry on (retries first) */
				abandon(s);
				failed_in_window = 0;
				if (!s->usable) {
					fatal = SMTP_ERR_CLOSED;
				}
			}
			continue;
		}
		/* nothing in flight and the next item cannot be pipelined: one ordinary transaction */
		{
			smtp_status st = smtp_session_send(s, item->env, item->body_fn, item->body_ctx, &item->result);
			next++;
			batch_outcome(s, item, st);
			if (!s->usable) {
				fatal = st == SMTP_OK ? SMTP_ERR_CLOSED : st;
			}
		}
	}
	/* what was in flight when the connection failed is not known sent (after a 421: known not accepted) */
	while (head != tail) {
		txn *t = &window[head % BATCH_WINDOW];
		batch_outcome(s, &items[slot_item[head % BATCH_WINDOW]], fatal);
		smtp_buf_free(&t->first_failure.text);
		head++;
	}
	s->inflight = NULL;
	/* retries: one ordinary transaction each */
	for (i = 0; i < count && fatal == SMTP_OK && s->usable; i++) {
		if (items[i].retry && !items[i].attempted) {
			smtp_status st = smtp_session_send(s, items[i].env, items[i].body_fn, items[i].body_ctx, &items[i].result);
			batch_outcome(s, &items[i], st);
		}
	}
	free(window);
	free(slot_item);
	smtp_buf_free(&line);
	return s->usable ? SMTP_OK : (fatal != SMTP_OK ? fatal : SMTP_ERR_CLOSED);
}

/* ---- simple commands ----------------------------------------------------------------------------- */

static smtp_status simple(smtp_session *s, const char *verb, int want)
{
	smtp_status st;
	if (!s->usable) {
		return fail(s, SMTP_ERR_STATE, 1, "not connected", NULL);
	}
	st = command(s, verb, s->command_ms);
	if (st != SMTP_OK) {
		return st;
	}
	if (s->parser.reply.code != want) {
		char what[32];
		snprintf(what, sizeof(what), "%s refused", verb);
		return fail_reply(s, SMTP_ERR_REPLY, what);
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
