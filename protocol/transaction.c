/*
 * transaction.c - one mail transaction (RFC 5321 3.3): the envelope pipelined when offered (RFC 2920),
 * the body over DATA or BDAT (RFC 3030) streamed from a callback, the replies filed as they come, and
 * the result (accepted and rejected recipients, queue id).
 */
#include "session_internal.h"

void txn_inflight_push(smtp_session *s, txn *t)
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

char *smtp_strndup(const char *s, size_t len)
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
		smtp_reply_copy(&t->first_failure, &t->s->parser.reply);
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
		return session_fail(s, SMTP_ERR_STATE, 1, "no reply is expected", NULL);
	}
	if ((st = session_flush(s)) != SMTP_OK) { /* a command still in the buffer would never be answered */
		return st;
	}
	is_final = !t->mail_pending && t->rcpt_next == t->rcpt_sent && !t->data_pending && t->bdat_pending == 1
		&& t->last_sent;
	s->step = t->rset_pending ? "RSET" : t->mail_pending ? "MAIL FROM" : t->rcpt_next < t->rcpt_sent ? "RCPT TO"
		: t->data_pending ? "DATA" : is_final ? "the end of data" : "BDAT";
	st = session_read_reply(s, is_final ? s->data_ms : s->command_ms);
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
		t->res->rcpt_reply[i] = smtp_strndup(s->parser.reply.text.data, s->parser.reply.text.len);
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
		session_fail_reply(s, SMTP_ERR_REPLY, "the server is closing the connection");
		return SMTP_ERR_REPLY;
	}
	return SMTP_OK;
}

/* Read replies until at most keep of t's are outstanding (those of earlier transactions come first). */
smtp_status txn_settle(txn *t, size_t keep)
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
	smtp_reply_clear(&s->error_reply);
	return session_fail(s, SMTP_ERR_REPLY, !b->bdat, msg, NULL);
}

static smtp_status queue_bdat(txn *t, int last)
{
	smtp_session *s = t->s;
	char head[48];
	smtp_status st;
	snprintf(head, sizeof(head), "BDAT %lu%s", (unsigned long)s->chunk.len, last ? " LAST" : "");
	session_log_line(s, "C: ", head, strlen(head));
	smtp_buf_append_str(&s->out, head);
	smtp_buf_append(&s->out, "\r\n", 2);
	if (smtp_buf_append(&s->out, s->chunk.data, s->chunk.len) != SMTP_OK) {
		return session_fail(s, SMTP_ERR_NOMEM, 1, "out of memory", NULL);
	}
	smtp_buf_reset(&s->chunk);
	t->bdat_pending++;
	t->last_sent = last;
	st = last && t->defer_flush && s->out.len < OUT_FLUSH_AT ? SMTP_OK : session_flush(s);
	if (st == SMTP_OK && !last) {
		/* keep one chunk in flight; collect the replies to everything before it */
		st = txn_settle(t, 1);
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
				return session_fail(s, SMTP_ERR_NOMEM, 1, "out of memory", NULL);
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
		return session_fail(s, SMTP_ERR_NOMEM, 1, "out of memory", NULL);
	}
	return s->out.len >= OUT_FLUSH_AT ? session_flush(s) : SMTP_OK;
}

/* Stream the body through the encoder; in DATA mode end it with the final dot. */
smtp_status txn_stream_body(txn *t, int bdat, smtp_body_fn body_fn, void *body_ctx)
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
			session_log_line(s, "C: ", "<message body>", 14);
			session_log_line(s, "C: ", ".", 1);
			smtp_buf_append(&s->out, ".\r\n", 3);
			st = t->defer_flush && s->out.len < OUT_FLUSH_AT ? SMTP_OK : session_flush(s);
			t->bdat_pending = 1; /* the final reply, read like a LAST chunk's */
			t->last_sent = 1;
		}
	}
	if (st == SMTP_ERR_INPUT && enc.error == SMTP_ERR_INPUT) {
		/* mid-DATA there is no way to abort but to hang up */
		return session_fail(s, SMTP_ERR_INPUT, 1, enc.reason, NULL);
	}
	if (st == SMTP_ERR_SOURCE || st == SMTP_ERR_NOMEM) {
		s->usable = 0;
		if (!s->error[0]) {
			session_fail(s, st, 1, "reading the message failed", NULL);
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
		res->queue_id = smtp_strndup(p, (size_t)(e - p));
	}
}

/* After a failed transaction: RSET to clear the server's state, unless the connection is already gone. */
void txn_abandon(smtp_session *s)
{
	if (s->usable) {
		smtp_reply saved;
		smtp_buf_init(&saved.text);
		smtp_reply_copy(&saved, &s->parser.reply);
		if (session_command(s, "RSET", s->command_ms) != SMTP_OK || s->parser.reply.code != 250) {
			s->usable = 0;
		}
		smtp_reply_copy(&s->parser.reply, &saved); /* the reply that matters stays the last one */
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
	session_add_where(s);
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
		return session_fail(s, SMTP_ERR_INPUT, 0, "no recipients", NULL);
	}
	smtp_buf_reset(scratch);
	if ((st = envelope_mail_line(s, env, scratch)) != SMTP_OK) {
		return st;
	}
	if (scratch->len + 2 > SMTP_MAX_COMMAND_LINE) {
		return session_fail(s, SMTP_ERR_INPUT, 0, "MAIL command longer than 512 octets", NULL);
	}
	for (i = 0; i < env->rcpt_count; i++) {
		smtp_buf_reset(scratch);
		if ((st = envelope_rcpt_line(s, env, &env->rcpt[i], scratch)) != SMTP_OK) {
			return st;
		}
		if (scratch->len + 2 > SMTP_MAX_COMMAND_LINE) {
			return session_fail(s, SMTP_ERR_INPUT, 0, "RCPT command longer than 512 octets", NULL);
		}
	}
	if (env->smtputf8 && !s->caps.smtputf8) {
		return session_fail(s, SMTP_ERR_REPLY, 0, "the message needs SMTPUTF8, which the server does not offer", NULL);
	}
	if (env->requiretls && (!s->caps.requiretls || !s->tls_active)) {
		return session_fail(s, SMTP_ERR_TLS, 0, s->tls_active
			? "the message requires REQUIRETLS (RFC 8689), which the server does not offer"
			: "the message requires REQUIRETLS (RFC 8689), which needs a TLS connection", NULL);
	}
	if (s->caps.size_limit && env->size > s->caps.size_limit) {
		char msg[128];
		snprintf(msg, sizeof(msg), "the message (%llu bytes) is larger than the server accepts (SIZE %llu)",
			(unsigned long long)env->size, (unsigned long long)s->caps.size_limit);
		return session_fail(s, SMTP_ERR_REPLY, 0, msg, NULL);
	}
	return SMTP_OK;
}

/* Queue MAIL and the RCPTs; without pipelining, wait for each reply. */
smtp_status txn_envelope(txn *t, int pipe, smtp_buf *line)
{
	smtp_session *s = t->s;
	const smtp_envelope *env = t->env;
	smtp_status st;
	size_t i;

	smtp_buf_reset(line);
	envelope_mail_line(s, env, line);
	st = session_queue_line(s, line->data, line->len, SMTP_MAX_COMMAND_LINE, 0);
	t->mail_pending = 1;
	if (st == SMTP_OK && !pipe) {
		st = txn_settle(t, 0);
		if (st == SMTP_OK && t->mail_code / 100 != 2) {
			return SMTP_OK;
		}
	}
	for (i = 0; st == SMTP_OK && i < env->rcpt_count; i++) {
		smtp_buf_reset(line);
		envelope_rcpt_line(s, env, &env->rcpt[i], line);
		st = session_queue_line(s, line->data, line->len, SMTP_MAX_COMMAND_LINE, 0);
		t->rcpt_sent++;
		if (st == SMTP_OK && !pipe) {
			st = txn_settle(t, 0);
		}
	}
	return st;
}

int txn_rcpts_refused(const txn *t)
{
	return t->accepted == 0 || (t->accepted < t->rcpt_sent && !t->env->partial);
}

/*
 * Turn what a finished transaction heard into its status. st is how the exchange itself went. In a
 * batch the RSET a failed transaction needs is left to the caller (later transactions are on the wire).
 */
smtp_status txn_finish(txn *t, smtp_status st, int bdat, int in_batch)
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
		smtp_reply_clear(&s->error_reply);
		st = session_fail(s, SMTP_ERR_REPLY, 0, msg, NULL);
	} else if (t->mail_code / 100 != 2) {
		smtp_reply_copy(&s->parser.reply, &t->first_failure);
		s->step = "MAIL FROM";
		st = session_fail_reply(s, SMTP_ERR_REPLY, "sender rejected");
	} else if (txn_rcpts_refused(t)) {
		st = rejected_recipients(s, t);
	} else if (!bdat && t->data_code != 354) {
		smtp_reply_copy(&s->parser.reply, &t->first_failure);
		s->step = "DATA";
		st = session_fail_reply(s, SMTP_ERR_REPLY, "DATA rejected");
	} else if (t->bdat_failed) {
		smtp_reply_copy(&s->parser.reply, &t->first_failure);
		s->step = "BDAT";
		st = session_fail_reply(s, SMTP_ERR_REPLY, "message data rejected");
	} else if (t->final_code / 100 != 2) {
		s->step = "the end of data";
		st = session_fail_reply(s, SMTP_ERR_REPLY, "message not accepted");
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
		txn_abandon(s);
	}
	return st;
}

void txn_init(txn *t, smtp_session *s, const smtp_envelope *env, smtp_send_result *result)
{
	memset(t, 0, sizeof(*t));
	t->s = s;
	t->env = env;
	t->res = result;
	smtp_buf_init(&t->first_failure.text);
}

/* What both send paths check first; fills result's arrays. */
smtp_status txn_prepare(smtp_session *s, const smtp_envelope *env, smtp_send_result *result, smtp_buf *line)
{
	smtp_status st;
	memset(result, 0, sizeof(*result));
	if (!s->usable) {
		return session_fail(s, SMTP_ERR_STATE, 1, "not connected", NULL);
	}
	s->error[0] = '\0';
	smtp_reply_clear(&s->error_reply);
	if ((st = check_envelope(s, env, line)) != SMTP_OK) {
		return st;
	}
	if (result_init(result, env->rcpt_count) != SMTP_OK) {
		return session_fail(s, SMTP_ERR_NOMEM, 0, "out of memory", NULL);
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
	s->not_accepted = 0;
	st = txn_prepare(s, env, result, &line);
	if (st != SMTP_OK) {
		smtp_buf_free(&line);
		return st;
	}
	txn_init(&t, s, env, result);
	txn_inflight_push(s, &t);

	st = txn_envelope(&t, pipe, &line);
	if (st != SMTP_OK || (!pipe && (t.mail_code / 100 != 2 || txn_rcpts_refused(&t)))) {
		goto finish;
	}
	if (pipe && bdat && (env->rcpt_count == 1 || env->partial)) {
		/* a rejection cannot lead to a partial delivery: the body goes out before the RCPT replies,
		 * and the whole transaction costs one round trip */
		st = txn_stream_body(&t, 1, body_fn, body_ctx);
		if ((st == SMTP_OK || st == SMTP_ERR_REPLY) && s->usable) {
			st = txn_settle(&t, 0);
		}
		goto finish;
	}
	if (!bdat) {
		st = session_queue_line(s, "DATA", 4, SMTP_MAX_COMMAND_LINE, 0);
		t.data_pending = 1;
	}
	if (st == SMTP_OK) {
		st = txn_settle(&t, 0);
	}
	if (st != SMTP_OK || t.mail_code / 100 != 2 || txn_rcpts_refused(&t) || (!bdat && t.data_code != 354)) {
		goto finish;
	}
	st = txn_stream_body(&t, bdat, body_fn, body_ctx);
	if (st == SMTP_OK || (st == SMTP_ERR_REPLY && s->usable)) {
		st = txn_settle(&t, 0);
	}

finish:
	smtp_buf_free(&line);
	/* a 421 before the reply to the end of data, or the connection lost before the end of data went */
	s->not_accepted = st != SMTP_OK && !s->usable && !s->aborted && !t.too_large
		&& ((s->got_421 && t.final_code != 421) || (!t.last_sent && (st == SMTP_ERR_CLOSED || st == SMTP_ERR_IO)));
	st = txn_finish(&t, st, bdat, 0);
	inflight_remove(s, &t);
	smtp_buf_free(&t.first_failure.text);
	return st;
}
