/*
 * smtp_batch_parallel.c - Smtp::sendBatch() over several connections at once ("connections" => N), and
 * with a cap on messages per second ("max_per_second" => X), in the one PHP call: no thread, no fork.
 *
 * Each connection runs the core's batch in steps (smtp_batch_run): a message is pushed to a connection
 * that can take it (queued, not waited for), every connection's output is written, then we wait with
 * php_poll2() for the ones whose replies are due and collect from those, reading only what has arrived.
 * Messages go to whichever connection is free (the next one in input order each time); results are
 * written by the message's index, so they stay in input order.
 *
 *   - The object's own connection is the first (kept, or persistent, as with one connection); the others
 *     are internal clients with the same settings, opened one per round while work remains (the first
 *     ones already sending meanwhile), and closed with QUIT at the end of the call.
 *   - A connection that cannot be opened takes no messages: the others send its share. When the object's
 *     own cannot be opened before anything was sent, sendBatch() throws, as with one connection.
 *   - A connection lost mid-batch: messages whose end of data went out without a reply are "not known to
 *     be sent" (never resent); those it never started, or that a 421 showed were not accepted, go back to
 *     the queue for any connection. A lost connection is reopened as long as each of its connections got
 *     a message through (the one-connection rule, per connection).
 *   - max_per_second: message starts are spaced 1/X s apart over all connections together; the waits
 *     for it are the same poll, so reply deadlines still hold.
 *   - The logger sees every connection's lines; those of the connections after the first start with
 *     "[N] " (N from 2). When it throws, every connection stops writing.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_network.h"
#include "zend_exceptions.h"

#include "php_smtp_compat.h"
#include "protocol/smtp_core.h"
#include "smtp_batch.h"
#include "smtp_client.h"
#include "smtp_connection.h"
#include "smtp_exceptions.h"
#include "smtp_options.h"
#include "smtp_outgoing.h"

#define WHERE_QUEUED  (-1)   /* waiting for a connection */
#define WHERE_SETTLED (-2)   /* its result is known */
#define WAIT_MAX_MS   1000   /* a wait is cut into pieces no longer than this (deadlines are re-checked) */

typedef struct parallel {
	smtp_batch *b;
	uint32_t start, count;
	smtp_batch_item *items;  /* [count], item j is message start + j */
	int *where;              /* WHERE_*, or the index of the connection whose run has it */
	uint32_t queued;
	uint32_t scan;           /* no queued item before this one */
} parallel;

static double now_ms(void)
{
	return (double)smtp_compat_hrtime_ns() / 1e6;
}

/* ---- the internal clients -------------------------------------------------------------------------- */

zend_object *smtp_client_copy_settings(smtp_client_obj *src)
{
	zend_object *obj = smtp_client_create(smtp_ce_Smtp);
	smtp_options_copy(smtp_client_from_obj(obj), src); /* the option table: no option can be forgotten */
	return obj;
}

/* The extra connections are closed together: QUIT written on every one, then the replies read, so the
 * whole close costs one round trip however many there are. */
void smtp_batch_links_free(smtp_batch *b)
{
	uint32_t i;
	bool *quitting = ecalloc(b->connections, sizeof(bool));
	for (i = 0; i < b->connections; i++) {
		smtp_batch_link *l = &b->links[i];
		if (l->run) {
			smtp_batch_run_free(l->run);
			l->run = NULL;
		}
		l->opening = false;
		if (l->owned && !l->c->busy) {
			quitting[i] = smtp_connection_quit_send(&l->c->conn, smtp_seconds_to_ms(l->c->command_timeout),
				smtp_seconds_to_ms(l->c->data_timeout));
		}
	}
	for (i = 0; i < b->connections; i++) {
		smtp_batch_link *l = &b->links[i];
		if (l->owned) {
			if (quitting[i]) {
				smtp_connection_quit_reply(&l->c->conn, smtp_seconds_to_ms(l->c->command_timeout),
					smtp_seconds_to_ms(l->c->data_timeout));
			}
			smtp_client_quit(l->c);
			OBJ_RELEASE(l->owned);
			l->owned = NULL;
			l->c = NULL;
		}
	}
	efree(quitting);
}

/* The logger threw on one connection: every connection stops writing, and none calls it again. */
static void sync_logger_exception(smtp_batch *b)
{
	zend_object *ex = b->c->logger_exception;
	uint32_t i;

	for (i = 1; !ex && i < b->connections; i++) {
		if (b->links[i].c && b->links[i].c->logger_exception) {
			ex = b->links[i].c->logger_exception;
			GC_ADDREF(ex);
			b->c->logger_exception = ex;
		}
	}
	if (!ex) {
		return;
	}
	for (i = 0; i < b->connections; i++) {
		smtp_client_obj *c = b->links[i].c;
		if (!c) {
			continue;
		}
		if (!c->logger_exception) {
			GC_ADDREF(ex);
			c->logger_exception = ex;
		}
		if (c->conn.session && !smtp_session_aborted(c->conn.session)) {
			smtp_session_abort(c->conn.session);
		}
	}
}

/* ---- an extra connection's transport: its link ---------------------------------------------------- */

static void overlap_wait(parallel *p, smtp_batch_link *self, int64_t deadline);

static int64_t clock_ms(void)
{
	return (int64_t)(smtp_compat_hrtime_ns() / 1000000);
}

/* While the connection is being opened, the wait for its reply serves the other connections (their
 * replies collected, messages pushed, the next connection opened), so connections open together and
 * alongside the sending instead of one after another with everything else stopped. */
static long link_read(void *ctx, char *buf, size_t cap, int timeout_ms)
{
	smtp_batch_link *l = ctx;
	if (l->opening && l->parallel && timeout_ms > 0) {
		int64_t deadline = clock_ms() + timeout_ms;
		overlap_wait(l->parallel, l, deadline);
		timeout_ms = (int)(deadline - clock_ms());
		if (timeout_ms < 1) {
			timeout_ms = 1;
		}
	}
	return l->own.read(l->own.ctx, buf, cap, timeout_ms);
}

static int link_write(void *ctx, const char *buf, size_t len, int timeout_ms)
{
	smtp_batch_link *l = ctx;
	return l->own.write(l->own.ctx, buf, len, timeout_ms);
}

static int link_start_tls(void *ctx, int timeout_ms, char *err, size_t errlen)
{
	smtp_batch_link *l = ctx;
	return l->own.start_tls(l->own.ctx, timeout_ms, err, errlen);
}

static int64_t link_now_ms(void *ctx)
{
	smtp_batch_link *l = ctx;
	return l->own.now_ms(l->own.ctx);
}

/* An extra connection's sessions use the link's transport (they copy it when made). */
static void link_hook(smtp_batch_link *l)
{
	smtp_transport *t = &l->c->conn.transport;
	l->own = *t;
	t->ctx = l;
	t->read = link_read;
	t->write = link_write;
	t->start_tls = link_start_tls;
	t->now_ms = link_now_ms;
}

/* ---- items ----------------------------------------------------------------------------------------- */

static void requeue(parallel *p, uint32_t j)
{
	p->where[j] = WHERE_QUEUED;
	p->queued++;
	if (j < p->scan) {
		p->scan = j;
	}
}

static bool next_queued(parallel *p, uint32_t *j)
{
	for (; p->scan < p->count; p->scan++) {
		if (p->where[p->scan] == WHERE_QUEUED) {
			*j = p->scan;
			return true;
		}
	}
	return false;
}

/* The items of connection k the core has finished with: their results, or back to the queue. */
static void harvest(parallel *p, uint32_t k)
{
	smtp_batch_link *l = &p->b->links[k];
	uint32_t j;

	for (j = 0; j < p->count && l->in_run > 0; j++) {
		smtp_batch_item *it = &p->items[j];
		if (p->where[j] != (int)k || it->outcome == SMTP_BATCH_PENDING) {
			continue;
		}
		l->in_run--;
		if (it->outcome == SMTP_BATCH_NOT_SENT) {
			requeue(p, j);
		} else {
			smtp_batch_settle_item(p->b, l, p->start + j, it);
			p->where[j] = WHERE_SETTLED;
		}
		smtp_batch_item_free(it);
	}
}

/* Connection k failed: what it had is settled or queued again, and the connection is closed. */
static void link_down(parallel *p, uint32_t k)
{
	smtp_batch_link *l = &p->b->links[k];
	if (l->c->conn.session) {
		p->b->c->batch_window = smtp_session_batch_window(l->c->conn.session);
	}
	smtp_batch_link_lost(l, smtp_batch_run_status(l->run));
	harvest(p, k);
	smtp_batch_run_free(l->run);
	l->run = NULL;
}

/* ---- connections ----------------------------------------------------------------------------------- */

/* Open (or reopen) connection k. False when it is not open: dead, or thrown (the first, nothing sent). */
static bool open_link(parallel *p, uint32_t k)
{
	smtp_batch *b = p->b;
	smtp_batch_link *l = &b->links[k];

	bool connected;

	if (!l->c) {
		l->owned = smtp_client_copy_settings(b->c);
		l->c = smtp_client_from_obj(l->owned);
		l->c->log_tag = k + 1;
		link_hook(l);
	}
	l->opening = l->owned != NULL;
	connected = smtp_batch_connect(b, l);
	l->opening = false;
	if (!connected) {
		return false;
	}
	smtp_session_set_batch_window(l->c->conn.session, b->c->batch_window);
	l->run = smtp_batch_run_new(l->c->conn.session);
	if (!l->run) {
		zend_throw_error(NULL, "Out of memory");
		l->dead = true;
		smtp_batch_take_exception(&b->stop);
		return false;
	}
	return true;
}

/* While messages wait: open one connection that is not open (a new one, or one lost that may be reopened). */
static bool open_one(parallel *p, bool *thrown)
{
	smtp_batch *b = p->b;
	uint32_t k;
	for (k = 0; k < b->connections; k++) {
		smtp_batch_link *l = &b->links[k];
		if (l->dead || l->run) {
			continue;
		}
		if (open_link(p, k)) {
			return true;
		}
		if (!l->dead) {
			*thrown = true; /* the object's own connection, before anything was sent */
			return false;
		}
	}
	return false;
}

static bool any_alive(const smtp_batch *b)
{
	uint32_t k;
	for (k = 0; k < b->connections; k++) {
		if (!b->links[k].dead) {
			return true;
		}
	}
	return false;
}

/* ---- pushing and collecting ------------------------------------------------------------------------ */

/*
 * The open connection that can take item j now and has the fewest messages under way, or -1. None takes
 * more than its share of what is left, so that a window (32 over BDAT) does not take everything before
 * the other connections are open.
 */
static int pick_link(parallel *p, uint32_t j)
{
	smtp_batch *b = p->b;
	int best = -1;
	uint32_t k, alive = 0, under_way = 0, share;
	for (k = 0; k < b->connections; k++) {
		if (!b->links[k].dead) {
			alive++;
			under_way += b->links[k].in_run;
		}
	}
	share = alive ? (p->queued + under_way + alive - 1) / alive : 1;
	for (k = 0; k < b->connections; k++) {
		smtp_batch_link *l = &b->links[k];
		if (l->run && l->in_run < (share ? share : 1) && smtp_batch_run_can_push(l->run, &p->items[j])
			&& (best < 0 || l->in_run < b->links[best].in_run)) {
			best = (int)k;
		}
	}
	return best;
}

/* Hand queued messages to connections that can take them now. True when any was. */
static bool push_some(parallel *p)
{
	smtp_batch *b = p->b;
	bool pushed = false;
	uint32_t j;

	while (next_queued(p, &j)) {
		smtp_outgoing *o = &b->out[p->start + j];
		smtp_batch_item *it = &p->items[j];
		smtp_batch_link *l;
		int k;

		if (b->max_per_second > 0 && now_ms() < b->next_start_ms) {
			break;
		}
		memset(it, 0, sizeof(*it));
		it->env = &o->env;
		it->body_fn = o->body_fn;
		it->body_ctx = o->body_ctx;
		if ((k = pick_link(p, j)) < 0) {
			break;
		}
		l = &b->links[k];
		p->where[j] = k;
		p->queued--;
		p->scan = j + 1;
		/* fitted to this server (A-labels, SIZE); one that cannot go to it gets its exception */
		if (smtp_outgoing_prepare(l->c, o) != SUCCESS) {
			smtp_batch_take_exception(&b->results[p->start + j]);
			p->where[j] = WHERE_SETTLED;
			continue;
		}
		if (b->max_per_second > 0) {
			double now = now_ms();
			b->next_start_ms = (b->next_start_ms > now ? b->next_start_ms : now) + 1000.0 / b->max_per_second;
		}
		l->in_run++;
		l->used = true;
		b->sent_any = true;
		pushed = true;
		smtp_batch_run_push(l->run, it);
		if (smtp_batch_run_status(l->run) != SMTP_OK) {
			link_down(p, (uint32_t)k);
		} else {
			harvest(p, (uint32_t)k); /* a message that cannot be pipelined is done already */
		}
	}
	return pushed;
}

static void flush_all(parallel *p)
{
	smtp_batch *b = p->b;
	uint32_t k;
	for (k = 0; k < b->connections; k++) {
		smtp_batch_link *l = &b->links[k];
		if (l->run && smtp_batch_run_queued(l->run) && smtp_batch_run_flush(l->run) != SMTP_OK) {
			link_down(p, k);
		}
	}
}

/* Read what connection k has received (one read from the socket, then what the core holds); stop when
 * a reply is incomplete or its next message is queued. */
static void collect_link(parallel *p, uint32_t k)
{
	smtp_batch_link *l = &p->b->links[k];
	smtp_status st;
	do {
		st = smtp_batch_run_collect(l->run, 1);
		if (smtp_batch_run_status(l->run) != SMTP_OK) {
			link_down(p, k); /* how it was lost is noted before the messages it lost are settled */
			return;
		}
		harvest(p, k);
	} while (st == SMTP_OK && smtp_batch_run_waiting(l->run) && !smtp_batch_run_queued(l->run)
		&& smtp_batch_run_has_input(l->run));
}

/* Bytes PHP's stream layer holds that poll() cannot see. */
static bool stream_buffered(smtp_client_obj *c)
{
	php_stream *stream = smtp_connection_stream(&c->conn);
	return stream && stream->writepos > stream->readpos;
}

static void sleep_ms(int ms)
{
#ifdef PHP_WIN32
	Sleep((DWORD)ms);
#else
	usleep((unsigned)ms * 1000U);
#endif
}

/* Wait at most max_ms for replies (or for the rate cap), then collect from every connection that has
 * some, or whose reply deadline has passed (the reply then times out in the core). */
static void wait_and_collect(parallel *p, int max_ms)
{
	smtp_batch *b = p->b;
	php_pollfd fds[SMTP_BATCH_MAX_CONNECTIONS];
	uint32_t link_of[SMTP_BATCH_MAX_CONNECTIONS];
	bool ready[SMTP_BATCH_MAX_CONNECTIONS];
	unsigned n = 0, m = 0, i;
	uint32_t k;
	int64_t now = (int64_t)(smtp_compat_hrtime_ns() / 1000000);
	int timeout = max_ms;

	for (k = 0; k < b->connections; k++) {
		smtp_batch_link *l = &b->links[k];
		php_socket_t fd = (php_socket_t)-1;
		php_stream *stream;
		int64_t left;
		if (!l->run || !smtp_batch_run_waiting(l->run)) {
			continue;
		}
		link_of[n] = k;
		ready[n] = false;
		stream = smtp_connection_stream(&l->c->conn);
		if (smtp_batch_run_has_input(l->run) || stream_buffered(l->c) || !stream
			|| php_stream_cast(stream, PHP_STREAM_AS_FD_FOR_SELECT | PHP_STREAM_CAST_INTERNAL, (void **)&fd, 0)
				!= SUCCESS || fd == (php_socket_t)-1) {
			ready[n++] = true; /* readable now (or not pollable: the core's read itself waits) */
			timeout = 0;
			continue;
		}
		left = smtp_batch_run_deadline(l->run) - now;
		if (left < timeout) {
			timeout = left < 0 ? 0 : (int)left;
		}
		fds[m].fd = fd;
		fds[m].events = PHP_POLLREADABLE;
		fds[m].revents = 0;
		m++;
		n++;
	}
	if (p->queued && b->max_per_second > 0) {
		double wait = b->next_start_ms - now_ms();
		if (wait > 0 && wait < timeout) {
			timeout = (int)wait + 1;
		}
	}
	if (m > 0) {
		if (php_poll2(fds, m, timeout) <= 0) {
			for (i = 0; i < m; i++) {
				fds[i].revents = 0;
			}
		}
	} else if (timeout > 0 && n == 0) {
		sleep_ms(timeout);
	}
	now = (int64_t)(smtp_compat_hrtime_ns() / 1000000);
	for (i = 0, m = 0; i < n; i++) {
		smtp_batch_link *l = &b->links[link_of[i]];
		bool go = ready[i];
		if (!ready[i]) {
			go = fds[m++].revents != 0;
		}
		if (l->run && (go || smtp_batch_run_deadline(l->run) <= now)) {
			collect_link(p, link_of[i]);
		}
	}
}

/* Whether the others may be served from inside a connection's open: not once the batch stops, an
 * exception is pending, or the logger threw. */
static bool may_serve_others(parallel *p)
{
	smtp_batch *b = p->b;
	uint32_t k;
	if (Z_TYPE(b->stop) != IS_UNDEF || EG(exception) || b->c->logger_exception) {
		return false;
	}
	for (k = 1; k < b->connections; k++) {
		if (b->links[k].c && b->links[k].c->logger_exception) {
			return false;
		}
	}
	return true;
}

/* Connection self waits for a reply while it is being opened: until it has input (or deadline), collect
 * the others' replies, push them messages, and start opening the next connection never opened. */
static void overlap_wait(parallel *p, smtp_batch_link *self, int64_t deadline)
{
	smtp_batch *b = p->b;
	uint32_t self_k = (uint32_t)(self - b->links);

	while (may_serve_others(p)) {
		php_pollfd fds[SMTP_BATCH_MAX_CONNECTIONS];
		uint32_t link_of[SMTP_BATCH_MAX_CONNECTIONS], ready_now[SMTP_BATCH_MAX_CONNECTIONS];
		php_stream *stream = smtp_connection_stream(&self->c->conn);
		php_socket_t fd = (php_socket_t)-1;
		int64_t now = clock_ms();
		unsigned m = 0, n_now = 0, i;
		uint32_t k;
		int timeout;
		bool opened = false;

		if (!stream || stream_buffered(self->c) || now >= deadline
			|| php_stream_cast(stream, PHP_STREAM_AS_FD_FOR_SELECT | PHP_STREAM_CAST_INTERNAL, (void **)&fd, 0)
				!= SUCCESS || fd == (php_socket_t)-1) {
			return; /* its own read waits */
		}
		/* the next connection starts opening now: its waits serve this one's neighbours too */
		if (p->queued) {
			for (k = self_k + 1; k < b->connections && !opened; k++) {
				smtp_batch_link *l = &b->links[k];
				if (!l->c && !l->dead) {
					open_link(p, k);
					opened = true;
				}
			}
			if (opened) {
				continue;
			}
		}
		timeout = deadline - now > WAIT_MAX_MS ? WAIT_MAX_MS : (int)(deadline - now);
		fds[0].fd = fd;
		fds[0].events = PHP_POLLREADABLE;
		fds[0].revents = 0;
		m = 1;
		for (k = 0; k < b->connections; k++) {
			smtp_batch_link *l = &b->links[k];
			php_stream *s;
			php_socket_t lfd = (php_socket_t)-1;
			if (k == self_k || !l->run || !smtp_batch_run_waiting(l->run)) {
				continue;
			}
			s = smtp_connection_stream(&l->c->conn);
			if (smtp_batch_run_has_input(l->run) || stream_buffered(l->c) || !s
				|| php_stream_cast(s, PHP_STREAM_AS_FD_FOR_SELECT | PHP_STREAM_CAST_INTERNAL, (void **)&lfd, 0)
					!= SUCCESS || lfd == (php_socket_t)-1) {
				ready_now[n_now++] = k; /* readable now, or not pollable: the core's read itself waits */
				timeout = 0;
				continue;
			}
			if (smtp_batch_run_deadline(l->run) - now < timeout) {
				timeout = smtp_batch_run_deadline(l->run) <= now ? 0 : (int)(smtp_batch_run_deadline(l->run) - now);
			}
			link_of[m] = k;
			fds[m].fd = lfd;
			fds[m].events = PHP_POLLREADABLE;
			fds[m].revents = 0;
			m++;
		}
		if (php_poll2(fds, m, timeout) <= 0) {
			for (i = 0; i < m; i++) {
				fds[i].revents = 0;
			}
		}
		now = clock_ms();
		for (i = 0; i < n_now; i++) {
			if (b->links[ready_now[i]].run) {
				collect_link(p, ready_now[i]);
			}
		}
		for (i = 1; i < m; i++) {
			smtp_batch_link *l = &b->links[link_of[i]];
			if (l->run && (fds[i].revents != 0 || smtp_batch_run_deadline(l->run) <= now)) {
				collect_link(p, link_of[i]);
			}
		}
		if (may_serve_others(p)) {
			push_some(p);
			flush_all(p);
		}
		if (fds[0].revents != 0) {
			return;
		}
	}
}

bool smtp_batch_send_parallel(smtp_batch *b, uint32_t start, uint32_t end)
{
	parallel p;
	uint32_t j;
	bool ok = true;

	memset(&p, 0, sizeof(p));
	p.b = b;
	p.start = start;
	p.count = end - start;
	p.items = ecalloc(p.count, sizeof(*p.items));
	p.where = safe_emalloc(p.count, sizeof(*p.where), 0);
	for (j = 0; j < b->connections; j++) {
		b->links[j].parallel = &p;
	}
	for (j = 0; j < p.count; j++) {
		if (Z_TYPE(b->results[start + j]) == IS_UNDEF && b->out[start + j].built) {
			p.where[j] = WHERE_QUEUED;
			p.queued++;
		} else {
			p.where[j] = WHERE_SETTLED;
		}
	}

	for (;;) {
		bool busy = false, thrown = false, waiting = false;
		uint32_t k;

		if (smtp_exit_pending()) {
			ok = false; /* exit() in the logger: the request ends, nothing more is sent */
			break;
		}
		sync_logger_exception(b);
		if (Z_TYPE(b->stop) == IS_UNDEF && push_some(&p)) {
			busy = true;
		}
		flush_all(&p);
		/* one more connection while messages wait; the replies of those already sending come meanwhile */
		if (p.queued && Z_TYPE(b->stop) == IS_UNDEF && open_one(&p, &thrown)) {
			busy = true;
		}
		if (thrown) {
			ok = false;
			break;
		}
		for (k = 0; k < b->connections; k++) {
			if (b->links[k].run && smtp_batch_run_waiting(b->links[k].run)) {
				waiting = true;
			}
		}
		if (!waiting && !busy && (!p.queued || Z_TYPE(b->stop) != IS_UNDEF || !any_alive(b))) {
			break;
		}
		wait_and_collect(&p, busy ? 0 : WAIT_MAX_MS);
	}

	/* no connection left for these */
	for (j = 0; j < p.count; j++) {
		if (p.where[j] == WHERE_QUEUED && ok) {
			if (Z_TYPE(b->stop) == IS_UNDEF) {
				smtp_throw(smtp_ce_ConnectionException, 0, NULL, NULL, true,
					"Not sent: no connection to the server was left during the batch");
				smtp_batch_take_exception(&b->stop);
			}
			ZVAL_COPY(&b->results[start + j], &b->stop);
		}
		smtp_batch_item_free(&p.items[j]);
	}
	for (j = 0; j < b->connections; j++) {
		b->links[j].parallel = NULL;
	}
	efree(p.where);
	efree(p.items);
	return ok;
}
