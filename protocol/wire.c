/*
 * wire.c - the session's side of the wire: errors (each naming the server and the step), the transcript
 * with secrets blanked, commands queued in the output buffer, and replies read under a deadline.
 *
 * Commands are queued and written in as few transport writes as the protocol allows; replies are read
 * through a small input buffer. Every reply has its own deadline: the time a command may take, not the
 * time one read may take, so a server trickling one byte at a time cannot hold us forever.
 */
#include "session_internal.h"

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
	case SMTP_AGAIN: return "reply not complete yet";
	}
	return "error";
}

void smtp_reply_copy(smtp_reply *dst, const smtp_reply *src)
{
	dst->code = src->code;
	memcpy(dst->enhanced, src->enhanced, sizeof(dst->enhanced));
	dst->lines = src->lines;
	smtp_buf_reset(&dst->text);
	smtp_buf_append(&dst->text, src->text.data ? src->text.data : "", src->text.len);
}

void smtp_reply_clear(smtp_reply *r)
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
void session_add_where(smtp_session *s)
{
	size_t len = strlen(s->error);
	if (!s->peer[0] || len + 8 >= sizeof(s->error)) {
		return;
	}
	snprintf(s->error + len, sizeof(s->error) - len, s->step ? " (%s, at %s)" : " (%s)", s->peer, s->step);
}

smtp_status session_fail(smtp_session *s, smtp_status st, int fatal, const char *msg, const char *detail)
{
	snprintf(s->error, sizeof(s->error), detail ? "%s: %s" : "%s", msg, detail);
	if (st != SMTP_ERR_INPUT) { /* input errors come before any byte is sent: no server to name */
		session_add_where(s);
	}
	if (fatal) {
		s->usable = 0;
	}
	s->transient = st == SMTP_ERR_IO || st == SMTP_ERR_CLOSED || st == SMTP_ERR_TIMEOUT;
	if (st != SMTP_ERR_REPLY && st != SMTP_ERR_RECIPIENTS && st != SMTP_ERR_AUTH && st != SMTP_ERR_TLS) {
		smtp_reply_clear(&s->error_reply);
	}
	return st;
}

/* An error caused by the reply just read: message "<what>: <reply>". */
smtp_status session_fail_reply(smtp_session *s, smtp_status st, const char *what)
{
	const smtp_reply *r = &s->parser.reply;
	smtp_reply_copy(&s->error_reply, r);
	snprintf(s->error, sizeof(s->error), "%s: %.400s", what, r->text.data ? r->text.data : "");
	session_add_where(s);
	s->transient = r->code >= 400 && r->code < 500;
	if (r->code == 421) { /* the server is closing the channel (RFC 5321 3.8) */
		s->usable = 0;
	}
	return st;
}

/* ---- transcript ---------------------------------------------------------------------------------- */

void session_log_line(smtp_session *s, const char *prefix, const char *line, size_t len)
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
		session_log_line(s, "S: ", p, n);
		p += n + (nl ? 1 : 0);
		left -= n + (nl ? 1 : 0);
	}
}

/* Blank every occurrence of the secrets in text: a hostile server may echo what we sent. */
void session_redact(smtp_session *s, char *text, size_t len)
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


/* ---- the wire ------------------------------------------------------------------------------------ */

static smtp_status io_fail(smtp_session *s, int rc, const char *doing)
{
	if (rc == SMTP_IO_TIMEOUT) {
		return session_fail(s, SMTP_ERR_TIMEOUT, 1, "timed out", doing);
	}
	if (rc == 0) {
		return session_fail(s, SMTP_ERR_CLOSED, 1, "the server closed the connection", doing);
	}
	return session_fail(s, SMTP_ERR_IO, 1, "connection error", doing);
}

/* Empty the output buffer; an AUTH line in it is zeroed, not only forgotten. */
static void out_discard(smtp_session *s)
{
	if (s->out_secret) {
		smtp_secure_zero(s->out.data, s->out.len);
		s->out_secret = 0;
	}
	smtp_buf_reset(&s->out);
}

smtp_status session_flush(smtp_session *s)
{
	txn *t;
	int rc;
	if (s->out.len == 0) {
		return SMTP_OK;
	}
	if (s->aborted) {
		/* whatever is queued (an end of data among it) never reaches the server */
		out_discard(s);
		return session_fail(s, SMTP_ERR_STATE, 1, "aborted by the caller: the connection was given up before the "
			"end of the message data was sent, nothing of this transaction was delivered", NULL);
	}
	if (!s->usable) {
		out_discard(s);
		return session_fail(s, SMTP_ERR_STATE, 1, "the connection is no longer usable", NULL);
	}
	rc = s->t.write(s->t.ctx, s->out.data, s->out.len, s->command_ms);
	out_discard(s);
	if (rc != 0) {
		/* the server went away (not silent): its replies to what it did read may still be here */
		s->write_failed = rc != SMTP_IO_TIMEOUT;
		return io_fail(s, rc, "writing");
	}
	s->last_progress = s->t.now_ms(s->t.ctx);
	for (t = s->inflight; t; t = t->next) {
		if (t->last_sent) {
			t->last_written = 1; /* the server has it: its outcome is unknown until it answers */
		}
	}
	return SMTP_OK;
}

/*
 * Read one whole reply, which must be complete within timeout_ms. When the session is non-blocking
 * (smtp_batch_run_collect), a reply whose bytes have not all arrived is SMTP_AGAIN: what was read is
 * kept, the next call goes on with it, and the deadline counts from the last progress on the connection.
 */
smtp_status session_read_reply(smtp_session *s, int timeout_ms)
{
	smtp_reply_parser *p = &s->parser;
	smtp_status st;

	if (!s->usable && !s->draining) {
		s->reading = 0;
		return session_fail(s, SMTP_ERR_STATE, 1, "the connection is no longer usable", NULL);
	}
	if (!s->reading) {
		int64_t from = s->nonblocking && s->last_progress ? s->last_progress : s->t.now_ms(s->t.ctx);
		smtp_reply_parser_reset(p);
		p->want_enhanced = s->caps.enhanced;
		s->read_deadline = from + timeout_ms;
		s->reading = 1;
	}
	for (;;) {
		if (s->in_pos < s->in_len) {
			size_t used = 0;
			st = smtp_reply_parser_feed(p, s->in + s->in_pos, s->in_len - s->in_pos, &used);
			s->in_pos += used;
			if (st == SMTP_ERR_PROTOCOL) {
				s->reading = 0;
				return session_fail(s, st, 1, "malformed reply from the server", p->error);
			}
			if (st != SMTP_OK) {
				s->reading = 0;
				return session_fail(s, st, 1, "out of memory reading a reply", NULL);
			}
			if (p->done) {
				break;
			}
		} else {
			int64_t left = s->read_deadline - s->t.now_ms(s->t.ctx);
			long n;
			if (left <= 0 && !(s->nonblocking && s->read_budget > 0)) {
				s->reading = 0;
				return io_fail(s, SMTP_IO_TIMEOUT, "waiting for the reply");
			}
			if (s->nonblocking) {
				/* only what has arrived: the caller waits for the socket itself (past the deadline, what
				 * a TLS layer may hold unseen by the caller's poll is still read once before giving up) */
				if (s->read_budget <= 0) {
					return SMTP_AGAIN;
				}
				s->read_budget--;
				left = 1;
			}
			n = s->t.read(s->t.ctx, s->in, sizeof(s->in), left > 0x7fffffff ? 0x7fffffff : (int)left);
			if (n == SMTP_IO_TIMEOUT && s->nonblocking && s->t.now_ms(s->t.ctx) < s->read_deadline) {
				return SMTP_AGAIN;
			}
			if (n <= 0) {
				s->reading = 0;
				return io_fail(s, (int)n, "waiting for the reply");
			}
			s->bytes_in += (uint64_t)n;
			s->in_pos = 0;
			s->in_len = (size_t)n;
		}
	}
	s->reading = 0;
	s->last_progress = s->t.now_ms(s->t.ctx);
	if (s->redact[0] && p->reply.text.data) {
		session_redact(s, p->reply.text.data, p->reply.text.len);
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
smtp_status session_queue_line(smtp_session *s, const char *line, size_t len, size_t max_len, int secret)
{
	if (smtp_has_line_break(line, len)) {
		return session_fail(s, SMTP_ERR_INPUT, 0, "command contains CR, LF or NUL", NULL);
	}
	if (len + 2 > max_len) {
		return session_fail(s, SMTP_ERR_INPUT, 0, "command line longer than the protocol allows", NULL);
	}
	s->step = command_step(line, len, secret);
	if (secret) {
		/* keep the verb ("AUTH PLAIN ") when there is one, hide the rest; "<redacted>" must fit after it */
		static const char hidden[] = "<redacted>";
		const char *sp = len > 5 && memcmp(line, "AUTH ", 5) == 0 ? memchr(line + 5, ' ', len - 5) : NULL;
		char shown[64];
		size_t keep = sp ? (size_t)(sp - line) + 1 : 0;
		char *at;
		if (keep > sizeof(shown) - (sizeof(hidden) - 1)) {
			keep = 0;
		}
		memcpy(shown, line, keep);
		memcpy(shown + keep, hidden, sizeof(hidden) - 1);
		session_log_line(s, "C: ", shown, keep + sizeof(hidden) - 1);
		/* the whole line in one piece: a buffer that grew between the line and its CRLF would leave a copy
		 * of the secret in the freed block */
		at = smtp_buf_extend(&s->out, len + 2);
		if (!at) {
			return session_fail(s, SMTP_ERR_NOMEM, 1, "out of memory", NULL);
		}
		memcpy(at, line, len);
		memcpy(at + len, "\r\n", 2);
		s->out_secret = 1;
		return SMTP_OK;
	}
	session_log_line(s, "C: ", line, len);
	smtp_buf_append(&s->out, line, len);
	if (smtp_buf_append(&s->out, "\r\n", 2) != SMTP_OK) {
		return session_fail(s, SMTP_ERR_NOMEM, 1, "out of memory", NULL);
	}
	return SMTP_OK;
}

/* Send one command and read its reply. */
smtp_status session_command(smtp_session *s, const char *line, int timeout_ms)
{
	smtp_status st = session_queue_line(s, line, strlen(line), SMTP_MAX_COMMAND_LINE, 0);
	if (st == SMTP_OK) {
		st = session_flush(s);
	}
	if (st == SMTP_OK) {
		st = session_read_reply(s, timeout_ms);
	}
	return st;
}

int session_reply_class(const smtp_session *s)
{
	return s->parser.reply.code / 100;
}
