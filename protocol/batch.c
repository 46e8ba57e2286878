/*
 * batch.c - many transactions on one connection: over DATA the next message's envelope travels with
 * the previous body; over BDAT a window of transactions is in flight at once.
 */
#include "session_internal.h"

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
	item->reply = r->code ? smtp_strndup(r->text.data, r->text.len) : NULL;
	free(item->error);
	item->error = st == SMTP_OK ? NULL : smtp_strndup(s->error, strlen(s->error));
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
		txn_inflight_push(s, cur);
		st = txn_envelope(cur, 1, &line);
		if (st == SMTP_OK) {
			st = session_queue_line(s, "DATA", 4, SMTP_MAX_COMMAND_LINE, 0);
			cur->data_pending = 1;
		}
		if (prev) {
			/* the previous message's final reply comes first */
			smtp_status pst = st == SMTP_OK ? txn_settle(prev, 0) : st;
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
			st = txn_settle(cur, 0);
		}
		if (st == SMTP_OK && cur->mail_code / 100 == 2 && !txn_rcpts_refused(cur) && cur->data_code == 354) {
			st = txn_stream_body(cur, 0, item->body_fn, item->body_ctx);
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
		smtp_status pst = fatal == SMTP_OK ? txn_settle(prev, 0) : fatal;
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
		return session_fail(s, SMTP_ERR_NOMEM, 0, "out of memory", NULL);
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
				st = session_queue_line(s, "RSET", 4, SMTP_MAX_COMMAND_LINE, 0);
				t->rset_pending = 1;
			}
			txn_inflight_push(s, t);
			slot_item[tail % BATCH_WINDOW] = (size_t)(item - items);
			tail++;
			if (st == SMTP_OK) {
				st = txn_envelope(t, 1, &line);
			}
			if (st == SMTP_OK) {
				st = txn_stream_body(t, 1, item->body_fn, item->body_ctx);
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
			smtp_status st = txn_settle(t, 0);
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
				txn_abandon(s);
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
