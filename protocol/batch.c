/*
 * batch.c - many transactions on one connection: over DATA the next message's envelope travels with
 * the previous body; over BDAT a window of transactions is in flight at once.
 */
#include "session_internal.h"

/* ---- batches ------------------------------------------------------------------------------------- */

#define BATCH_WINDOW 32   /* CHUNKING: transactions in flight at once */
#define WINDOW_GROW_EVERY 32 /* after a drop: the window grows by one every so many messages accepted */

/*
 * One connection's batch, in steps (smtp_core.h). Three ways to send, by what the server offers:
 *   - PIPELINING and CHUNKING: a window of transactions, each MAIL, RCPT and BDAT LAST written without
 *     waiting; collect() reads the oldest one's replies.
 *   - PIPELINING alone: cur's MAIL, RCPT and DATA go out with prev's body and end of data (RFC 2920 3.1);
 *     collect() reads prev's final reply and cur's replies, then queues cur's body: one round trip each.
 *   - neither: one ordinary transaction per push().
 */
struct smtp_batch_run {
	smtp_session *s;
	int pipe, bdat;
	smtp_status fatal;          /* what ended the connection, or SMTP_OK */
	smtp_buf line;
	/* PIPELINING alone */
	txn slots[2];
	txn *prev, *cur;
	smtp_batch_item *prev_item, *cur_item;
	smtp_status cur_st;         /* how queueing cur's commands went */
	/* CHUNKING window: [head, tail) in flight */
	txn window[BATCH_WINDOW];
	smtp_batch_item *window_item[BATCH_WINDOW];
	size_t head, tail;
	int failed_in_window;       /* a transaction failed: nothing more is queued until the RSET */
};

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
	item->outcome = SMTP_BATCH_DONE;
	item->attempted = 1;
	item->status = st;
	item->reply_code = r->code;
	memcpy(item->enhanced, r->enhanced, sizeof(item->enhanced));
	free(item->reply);
	item->reply = r->code ? smtp_strndup(r->text.data, r->text.len) : NULL;
	free(item->error);
	item->error = st == SMTP_OK ? NULL : smtp_strndup(s->error, strlen(s->error));
	item->transient = st == SMTP_OK ? 0 : s->transient;
}

static void batch_not_sent(smtp_batch_item *item)
{
	smtp_send_result_free(&item->result);
	item->outcome = SMTP_BATCH_NOT_SENT;
	item->attempted = 0;
}

/*
 * After a 421 the server processes nothing more (RFC 5321 3.8): the transaction that met it and every
 * one behind it are known not to be accepted, unlike after a silent drop where a message whose end of
 * data was sent may have been. Such an item is NOT_SENT (sent again, once, on a new connection); any
 * other outcome is recorded.
 */
static void batch_outcome(smtp_session *s, smtp_batch_item *item, smtp_status st)
{
	if (st != SMTP_OK && !s->usable && s->got_421) {
		batch_not_sent(item);
		return;
	}
	batch_record(s, item, st);
}

/*
 * An item still in flight behind the one that met the error st that ended the connection. Its outcome
 * is unknown once its end of data may have reached the server: written, or in a write that failed
 * part-way; after smtp_session_abort() nothing more was written.
 */
static void batch_lost(smtp_session *s, smtp_batch_item *item, const txn *t, smtp_status st)
{
	if (s->got_421 || !(t->last_written || (t->last_sent && !s->aborted))) {
		batch_not_sent(item);
		return;
	}
	/* a drop with messages in flight: the next connections start with one in flight and grow back, so
	 * that a server that drops again leaves fewer outcomes unknown (TCP's slow start, more slowly) */
	s->batch_window = 1;
	s->batch_acked = 0;
	smtp_send_result_free(&item->result);
	item->outcome = SMTP_BATCH_UNKNOWN;
	item->attempted = 1;
	item->status = st == SMTP_OK ? SMTP_ERR_CLOSED : st;
	item->reply_code = 0;
	item->enhanced[0] = '\0';
	free(item->reply);
	item->reply = NULL;
	free(item->error);
	item->error = smtp_strndup(s->error, strlen(s->error));
	item->transient = 1;
}

#define DRAIN_MS 200   /* after a failed write: how long a reply the server sent before it went may take */

/*
 * Settle a transaction in flight from the replies read while draining: its outcome, or false when they
 * ran out first (it stays in flight, lost).
 */
static int drain_one(smtp_batch_run *r, txn *t, smtp_batch_item *item, int bdat, int failed_before)
{
	smtp_session *s = r->s;
	smtp_status st = txn_settle(t, 0);
	if (st != SMTP_OK && !(st == SMTP_ERR_REPLY && s->got_421)) {
		return 0;
	}
	st = txn_finish(t, st, bdat, 1);
	if (failed_before && t->mail_code == 503) {
		batch_not_sent(item); /* refused because the failed one before it was still open */
	} else {
		batch_outcome(s, item, st);
	}
	smtp_buf_free(&t->first_failure.text);
	return 1;
}

/*
 * A write failed because the server went away (it reset or closed the connection, often right after a
 * 421 with our pipelined commands unread). Its replies to what it did read arrived before that and wait
 * in the socket or in our buffer: read them all (a short bound: nothing new can come) and file them, so
 * that a message the server answered is not reported "not known", and those behind a 421 are known not
 * sent. What no reply settles stays in flight for run_fail().
 */
static void run_drain(smtp_batch_run *r)
{
	smtp_session *s = r->s;
	int command_ms = s->command_ms, data_ms = s->data_ms;
	int failed = r->failed_in_window;
	char why[sizeof(s->error)];
	size_t i;

	memcpy(why, s->error, sizeof(why));
	s->draining = 1;
	s->nonblocking = 0;
	s->reading = 0;
	s->command_ms = s->data_ms = DRAIN_MS < command_ms ? DRAIN_MS : command_ms;
	smtp_buf_reset(&s->out);
	s->inflight = NULL; /* rebuilt: the order replies come in */
	if (r->prev) {
		txn_inflight_push(s, r->prev);
	}
	for (i = r->head; i != r->tail; i++) {
		txn_inflight_push(s, &r->window[i % BATCH_WINDOW]);
	}
	/* PIPELINING alone: only prev's end of data was sent; cur's body never went, so it is not sent */
	if (r->prev && drain_one(r, r->prev, r->prev_item, 0, 0)) {
		r->prev = NULL;
	}
	while (!r->prev && r->head != r->tail && !s->got_421) {
		size_t at = r->head % BATCH_WINDOW;
		if (!drain_one(r, &r->window[at], r->window_item[at], 1, failed)) {
			break;
		}
		failed |= r->window_item[at]->outcome != SMTP_BATCH_DONE || r->window_item[at]->status != SMTP_OK;
		r->head++;
	}
	if (!s->got_421) {
		memcpy(s->error, why, sizeof(why)); /* what ended the connection, for those still in flight */
	}
	s->command_ms = command_ms;
	s->data_ms = data_ms;
	s->draining = 0;
	s->reading = 0;
}

/* The connection is gone: what is in flight is lost. */
static void run_fail(smtp_batch_run *r, smtp_status st)
{
	smtp_session *s = r->s;
	if (r->fatal == SMTP_OK) {
		r->fatal = st != SMTP_OK ? st : SMTP_ERR_CLOSED;
	}
	if (s->write_failed && !s->draining && !s->aborted && smtp_batch_run_waiting(r)) {
		run_drain(r);
	}
	if (r->prev) {
		batch_lost(s, r->prev_item, r->prev, r->fatal);
		smtp_buf_free(&r->prev->first_failure.text);
		r->prev = NULL;
	}
	if (r->cur) {
		batch_lost(s, r->cur_item, r->cur, r->fatal);
		smtp_buf_free(&r->cur->first_failure.text);
		r->cur = NULL;
	}
	for (; r->head != r->tail; r->head++) {
		txn *t = &r->window[r->head % BATCH_WINDOW];
		batch_lost(s, r->window_item[r->head % BATCH_WINDOW], t, r->fatal);
		smtp_buf_free(&t->first_failure.text);
	}
	s->inflight = NULL;
	s->reading = 0;
	s->usable = 0;
}

smtp_batch_run *smtp_batch_run_new(smtp_session *s)
{
	smtp_batch_run *r = calloc(1, sizeof(*r));
	if (!r) {
		return NULL;
	}
	r->s = s;
	r->pipe = s->caps.pipelining && s->want_pipelining;
	r->bdat = s->caps.chunking && s->want_chunking;
	r->fatal = s->usable ? SMTP_OK : SMTP_ERR_STATE;
	smtp_buf_init(&r->line);
	s->got_421 = 0;
	return r;
}

void smtp_batch_run_free(smtp_batch_run *r)
{
	if (!r) {
		return;
	}
	if (smtp_batch_run_waiting(r)) {
		run_fail(r, r->fatal != SMTP_OK ? r->fatal : SMTP_ERR_STATE);
	}
	r->s->nonblocking = 0;
	smtp_buf_free(&r->line);
	free(r);
}

smtp_status smtp_batch_run_status(const smtp_batch_run *r)
{
	return r->fatal != SMTP_OK ? r->fatal : r->s->usable ? SMTP_OK : SMTP_ERR_CLOSED;
}

int smtp_batch_run_waiting(const smtp_batch_run *r)
{
	return r->prev || r->cur || r->head != r->tail;
}

int smtp_batch_run_queued(const smtp_batch_run *r)
{
	return r->s->out.len > 0;
}

int smtp_batch_run_has_input(const smtp_batch_run *r)
{
	return r->s->in_pos < r->s->in_len;
}

int64_t smtp_batch_run_deadline(const smtp_batch_run *r)
{
	const smtp_session *s = r->s;
	return s->reading ? s->read_deadline : s->last_progress + s->command_ms;
}

static int pipelinable(const smtp_batch_run *r, const smtp_batch_item *item)
{
	return r->pipe && r->bdat && !item->retry && (item->env->rcpt_count == 1 || item->env->partial);
}

/* A 421 among the replies read but not parsed yet: the server is going away, so nothing more is pushed
 * (it would only be written into a reset) before those replies are collected. */
static int input_has_421(const smtp_session *s)
{
	size_t i;
	for (i = s->in_pos; i + 3 <= s->in_len; i++) {
		if ((i == s->in_pos || s->in[i - 1] == '\n') && memcmp(s->in + i, "421", 3) == 0) {
			return 1;
		}
	}
	return 0;
}

int smtp_batch_run_can_push(const smtp_batch_run *r, const smtp_batch_item *item)
{
	if (smtp_batch_run_status(r) != SMTP_OK || (input_has_421(r->s) && smtp_batch_run_waiting(r))) {
		return 0;
	}
	if (r->pipe && !r->bdat) {
		return r->cur == NULL;
	}
	if (pipelinable(r, item)) {
		size_t window = r->s->batch_window > 0 && r->s->batch_window < BATCH_WINDOW ? (size_t)r->s->batch_window
			: BATCH_WINDOW;
		return r->tail - r->head < window && !r->failed_in_window;
	}
	return r->head == r->tail;
}

smtp_status smtp_batch_run_flush(smtp_batch_run *r)
{
	smtp_status st = session_flush(r->s);
	if (st != SMTP_OK) {
		run_fail(r, st);
	}
	return st;
}

/* Ready an item to be started: its checks, its result arrays. False when it is already recorded. */
static int run_prepare(smtp_batch_run *r, smtp_batch_item *item)
{
	smtp_session *s = r->s;
	smtp_status st = txn_prepare(s, item->env, &item->result, &r->line);
	if (st == SMTP_OK) {
		return 1;
	}
	batch_record(s, item, st);
	if (!s->usable) {
		run_fail(r, st);
	}
	return 0;
}

/* PIPELINING alone: queue MAIL, RCPT and DATA behind whatever prev left queued. */
static void push_data(smtp_batch_run *r, smtp_batch_item *item)
{
	smtp_session *s = r->s;
	txn *cur = r->prev == &r->slots[0] ? &r->slots[1] : &r->slots[0];
	smtp_status st;

	if (!run_prepare(r, item)) {
		return;
	}
	txn_init(cur, s, item->env, &item->result);
	cur->defer_flush = 1;
	txn_inflight_push(s, cur);
	st = txn_envelope(cur, 1, &r->line);
	if (st == SMTP_OK) {
		st = session_queue_line(s, "DATA", 4, SMTP_MAX_COMMAND_LINE, 0);
		cur->data_pending = 1;
	}
	r->cur = cur;
	r->cur_item = item;
	r->cur_st = st;
}

/* CHUNKING: one more transaction into the window, its body and BDAT LAST included. */
static void push_window(smtp_batch_run *r, smtp_batch_item *item)
{
	smtp_session *s = r->s;
	txn *t = &r->window[r->tail % BATCH_WINDOW];
	smtp_status st = SMTP_OK;

	if (!run_prepare(r, item)) {
		return;
	}
	txn_init(t, s, item->env, &item->result);
	t->defer_flush = 1;
	if (r->head != r->tail) {
		/* the transaction before may still be open on the server if its BDAT LAST fails (RFC 3030 lets
		 * it): without an RSET this one's RCPT and BDAT would join it */
		st = session_queue_line(s, "RSET", 4, SMTP_MAX_COMMAND_LINE, 0);
		t->rset_pending = 1;
	}
	txn_inflight_push(s, t);
	r->window_item[r->tail % BATCH_WINDOW] = item;
	r->tail++;
	if (st == SMTP_OK) {
		st = txn_envelope(t, 1, &r->line);
	}
	if (st == SMTP_OK) {
		st = txn_stream_body(t, 1, item->body_fn, item->body_ctx);
	}
	if (st != SMTP_OK && st != SMTP_ERR_REPLY) {
		/* it met the error itself; the others in flight are lost */
		r->tail--;
		batch_outcome(s, item, st);
		smtp_buf_free(&t->first_failure.text);
		run_fail(r, st);
	} else if (st == SMTP_ERR_REPLY) {
		r->failed_in_window = 1; /* a large body saw its transaction fail: stop queueing behind it */
	}
}

smtp_status smtp_batch_run_push(smtp_batch_run *r, smtp_batch_item *item)
{
	smtp_session *s = r->s;
	item->outcome = SMTP_BATCH_PENDING;
	item->attempted = 0;
	if (!smtp_batch_run_can_push(r, item)) {
		return session_fail(s, SMTP_ERR_STATE, 0, "the batch cannot take this message now", NULL);
	}
	s->nonblocking = 0;
	if (r->pipe && !r->bdat) {
		push_data(r, item);
	} else if (pipelinable(r, item)) {
		push_window(r, item);
	} else {
		/* one ordinary transaction */
		smtp_status st = smtp_session_send(s, item->env, item->body_fn, item->body_ctx, &item->result);
		batch_outcome(s, item, st);
		if (!s->usable) {
			run_fail(r, st);
		}
	}
	return smtp_batch_run_status(r);
}

/* PIPELINING alone: prev's final reply, then cur's replies; then cur's body is queued and cur is prev. */
static smtp_status collect_data(smtp_batch_run *r, int nonblocking)
{
	smtp_session *s = r->s;
	smtp_status st;

	if (r->prev) {
		s->nonblocking = nonblocking;
		st = r->cur && r->cur_st != SMTP_OK ? r->cur_st : txn_settle(r->prev, 0);
		s->nonblocking = 0;
		if (st == SMTP_AGAIN) {
			return st;
		}
		if ((st == SMTP_ERR_STATE && s->aborted && r->prev->last_written)
			|| (st != SMTP_OK && st != SMTP_ERR_REPLY && s->write_failed)) {
			/* given up before cur's commands could go out (prev's end of data went before that), or the
			 * write of cur's commands failed: run_fail() reads the replies that came before it did */
			run_fail(r, st);
			return r->fatal;
		}
		st = txn_finish(r->prev, st, 0, 0);
		batch_outcome(s, r->prev_item, st);
		smtp_buf_free(&r->prev->first_failure.text);
		r->prev = NULL;
		if (!s->usable) {
			run_fail(r, st);
			return r->fatal;
		}
	}
	if (!r->cur) {
		return SMTP_OK;
	}
	s->nonblocking = nonblocking;
	st = r->cur_st != SMTP_OK ? r->cur_st : txn_settle(r->cur, 0);
	s->nonblocking = 0;
	if (st == SMTP_AGAIN) {
		return st;
	}
	if (st == SMTP_OK && r->cur->mail_code / 100 == 2 && !txn_rcpts_refused(r->cur) && r->cur->data_code == 354) {
		st = txn_stream_body(r->cur, 0, r->cur_item->body_fn, r->cur_item->body_ctx);
		if (st == SMTP_OK) {
			r->prev = r->cur;
			r->prev_item = r->cur_item;
			r->cur = NULL;
			return SMTP_OK;
		}
	}
	st = txn_finish(r->cur, st, 0, 0);
	batch_outcome(s, r->cur_item, st);
	smtp_buf_free(&r->cur->first_failure.text);
	r->cur = NULL;
	if (!s->usable) {
		run_fail(r, st);
		return r->fatal;
	}
	return SMTP_OK;
}

/* CHUNKING: the oldest transaction of the window. */
static smtp_status collect_window(smtp_batch_run *r, int nonblocking)
{
	smtp_session *s = r->s;
	txn *t = &r->window[r->head % BATCH_WINDOW];
	smtp_batch_item *done = r->window_item[r->head % BATCH_WINDOW];
	int failed_before = r->failed_in_window;
	smtp_status st;

	s->nonblocking = nonblocking;
	st = txn_settle(t, 0);
	s->nonblocking = 0;
	if (st == SMTP_AGAIN) {
		return st;
	}
	if (st == SMTP_ERR_STATE && s->aborted && t->last_written) {
		run_fail(r, st); /* given up with its end of data already written: not known */
		return r->fatal;
	}
	if (st != SMTP_OK && st != SMTP_ERR_REPLY && s->write_failed) {
		run_fail(r, st); /* its replies may be waiting to be read: run_fail() drains them */
		return r->fatal;
	}
	st = txn_finish(t, st, 1, 1);
	r->head++;
	if (st != SMTP_OK && !s->usable) {
		batch_outcome(s, done, st);
		smtp_buf_free(&t->first_failure.text);
		run_fail(r, st);
		return r->fatal;
	}
	if (failed_before && t->mail_code == 503 && !done->retry) {
		/* refused only because the failed transaction before it was still open: send it again */
		batch_not_sent(done);
		done->retry = 1;
	} else {
		batch_record(s, done, st);
	}
	if (st == SMTP_OK && s->batch_window > 0 && ++s->batch_acked >= WINDOW_GROW_EVERY) {
		s->batch_acked = 0;
		s->batch_window = s->batch_window + 1 >= BATCH_WINDOW ? 0 : s->batch_window + 1;
	}
	if (st != SMTP_OK) {
		r->failed_in_window = 1;
	}
	smtp_buf_free(&t->first_failure.text);
	if (r->head == r->tail && r->failed_in_window) {
		/* nothing in flight: clear the server's state, then carry on */
		txn_abandon(s);
		r->failed_in_window = 0;
		if (!s->usable) {
			run_fail(r, SMTP_ERR_CLOSED);
			return r->fatal;
		}
	}
	return SMTP_OK;
}

smtp_status smtp_batch_run_collect(smtp_batch_run *r, int nonblocking)
{
	r->s->read_budget = 1; /* without waiting: one read, of what the socket has */
	if (smtp_batch_run_status(r) != SMTP_OK) {
		if (smtp_batch_run_waiting(r)) {
			run_fail(r, smtp_batch_run_status(r));
		}
		return r->fatal;
	}
	if (r->prev || r->cur) {
		return collect_data(r, nonblocking);
	}
	if (r->head != r->tail) {
		return collect_window(r, nonblocking);
	}
	return SMTP_OK;
}

/* One connection, every reply waited for: the run's steps in a loop; retries last, as transactions. */
smtp_status smtp_session_send_batch(smtp_session *s, smtp_batch_item *items, size_t count)
{
	smtp_batch_run *r;
	smtp_status st;
	size_t i;
	int pass;

	for (i = 0; i < count; i++) {
		items[i].outcome = SMTP_BATCH_PENDING;
		items[i].attempted = 0;
		items[i].retry = 0;
	}
	r = smtp_batch_run_new(s);
	if (!r) {
		return session_fail(s, SMTP_ERR_NOMEM, 0, "out of memory", NULL);
	}
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < count && smtp_batch_run_status(r) == SMTP_OK; i++) {
			smtp_batch_item *item = &items[i];
			if (pass == 0 ? item->outcome != SMTP_BATCH_PENDING
				: !(item->retry && item->outcome == SMTP_BATCH_NOT_SENT)) {
				continue;
			}
			while (!smtp_batch_run_can_push(r, item) && smtp_batch_run_waiting(r)
				&& smtp_batch_run_status(r) == SMTP_OK) {
				smtp_batch_run_collect(r, 0);
			}
			if (smtp_batch_run_status(r) != SMTP_OK) {
				break;
			}
			smtp_batch_run_push(r, item);
		}
		while (smtp_batch_run_waiting(r) && smtp_batch_run_status(r) == SMTP_OK) {
			smtp_batch_run_collect(r, 0);
		}
	}
	st = smtp_batch_run_status(r);
	smtp_batch_run_free(r);
	for (i = 0; i < count; i++) {
		if (items[i].outcome == SMTP_BATCH_PENDING) {
			items[i].outcome = SMTP_BATCH_NOT_SENT;
		}
	}
	return s->usable ? SMTP_OK : (st != SMTP_OK ? st : SMTP_ERR_CLOSED);
}
