/*
 * smtp_batch.c - Smtp::sendBatch(): many messages on one connection, with the core's
 * smtp_session_send_batch() (pipelined across messages when the server offers PIPELINING and CHUNKING,
 * one transaction at a time otherwise).
 *
 *   - Every item is checked first, exactly as send() checks its arguments; a bad item is a ValueError
 *     (or TypeError) naming its position, thrown before any byte is sent.
 *   - The result is a list in the order of the items: an Smtp\Result, or the exception send() would have
 *     thrown for that message (Smtp\RecipientException with its rejected list, ...). One failed message
 *     never takes the others down.
 *   - A connection lost in the middle: messages whose transaction was under way get a transient
 *     Smtp\ConnectionException (never reported sent: the server may or may not have them); the connection
 *     is reopened and the messages not yet started go out on the new one. After a 421 the server
 *     processed nothing more: the message it answered and those behind it go out again there too. The
 *     connection is reopened as often as each one gets at least one message through (a server that takes
 *     N messages a connection), and never twice in a row without one.
 *   - When the logger throws, the batch stops: messages sent are Results carrying the exception in
 *     $loggerException, the others exceptions whose previous is it (see README).
 *   - Messages are built (attachments opened) a bounded number at a time, so a large batch does not hold
 *     every attachment file open at once.
 *   - When the first connection cannot be made, nothing was sent: sendBatch() throws, as send() would.
 *   - Options: "connections" => N spreads the messages over N connections to the same server, driven
 *     together in this one call (smtp_batch_parallel.c); "max_per_second" => X caps how many messages a
 *     second start, over all connections together.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "zend_interfaces.h"
#include "ext/spl/spl_iterators.h"

#include "protocol/smtp_core.h"
#include "smtp_batch.h"
#include "smtp_client.h"
#include "smtp_exceptions.h"
#include "smtp_message.h"
#include "smtp_outgoing.h"
#include "smtp_result.h"

#define BUILD_MAX_ITEMS 256   /* messages built (and handed to the core) at once */
#define BUILD_MAX_FILES 64    /* attachment files open at once, about */

/* ---- the items ----------------------------------------------------------------------------------- */

static int collect_item(zend_object_iterator *iter, void *puser)
{
	HashTable *items = puser;
	zval *v = iter->funcs->get_current_data(iter);
	if (!v || EG(exception)) {
		return ZEND_HASH_APPLY_STOP;
	}
	ZVAL_DEREF(v);
	Z_TRY_ADDREF_P(v);
	zend_hash_next_index_insert_new(items, v);
	return ZEND_HASH_APPLY_KEEP;
}

/*
 * The exception send()'s checks threw names send()'s argument arg ("Argument #3 must be ..."): say
 * instead which item and which part of it ("Argument #1 ($messages) item 2: to must be ...").
 */
static void rethrow_for_item(uint32_t index, uint32_t arg)
{
	static const char *const parts[] = {"message", "message", "from", "to", "dsn"};
	zend_object *ex = EG(exception);
	zend_class_entry *ce;
	zval rv, *msg;
	const char *text, *p;
	const char *part = "";
	char head[24];
	zend_string *copy;

	if (!ex || (!instanceof_function(ex->ce, zend_ce_value_error)
		&& !instanceof_function(ex->ce, zend_ce_type_error))) {
		return;
	}
	if (arg == 0 || arg >= sizeof(parts) / sizeof(parts[0])) {
		arg = 1;
	}
	ce = ex->ce;
	msg = zend_read_property_ex(zend_get_exception_base(ex), ex, ZSTR_KNOWN(ZEND_STR_MESSAGE), 1, &rv);
	copy = msg && Z_TYPE_P(msg) == IS_STRING ? zend_string_copy(Z_STR_P(msg)) : ZSTR_EMPTY_ALLOC();
	text = ZSTR_VAL(copy);
	/* what follows "Argument #N" and its "($name)" is the reason; the part's name replaces them */
	snprintf(head, sizeof(head), "Argument #%u", (unsigned)arg);
	if ((p = strstr(text, head)) != NULL && !(p[strlen(head)] >= '0' && p[strlen(head)] <= '9')) {
		p += strlen(head);
		if (p[0] == ' ' && p[1] == '(' && p[2] == '$') {
			const char *close = strstr(p, ") ");
			p = close ? close + 1 : p;
		}
		if (*p == ' ') {
			p++;
		}
		text = p;
		part = parts[arg];
	}
	zend_clear_exception();
	zend_throw_error(ce, "%s(): Argument #1 ($messages) item %u: %s%s%s", "Smtp::sendBatch", index, part,
		part[0] ? " " : "", text);
	zend_string_release(copy);
}

/* One item: an Smtp\Message, or [message, from, to, dsn] with the types of send()'s arguments. */
static bool item_init(smtp_outgoing *o, zval *item, uint32_t index)
{
	HashTable *ht;
	zval *msg, *from, *to, *dsn;
	bool ok;

	ZVAL_DEREF(item);
	if (Z_TYPE_P(item) == IS_OBJECT && instanceof_function(Z_OBJCE_P(item), smtp_ce_Message)) {
		ok = smtp_outgoing_init(o, item, NULL, NULL, NULL, NULL);
		if (!ok) {
			rethrow_for_item(index, o->failed_arg);
		}
		return ok;
	}
	if (Z_TYPE_P(item) != IS_ARRAY) {
		smtp_outgoing_clear(o);
		zend_argument_type_error(1, "must contain only Smtp\\Message objects or [message, from, to, dsn] arrays, "
			"%s given at item %u", zend_zval_type_name(item), index);
		return false;
	}
	ht = Z_ARRVAL_P(item);
	smtp_outgoing_clear(o);
	if (zend_hash_num_elements(ht) < 1 || zend_hash_num_elements(ht) > 4 || !zend_array_is_list(ht)) {
		zend_argument_value_error(1, "item %u: must be an Smtp\\Message or a list [message, from, to, dsn]", index);
		return false;
	}
	msg = zend_hash_index_find_deref(ht, 0);
	from = zend_hash_index_find_deref(ht, 1);
	to = zend_hash_index_find_deref(ht, 2);
	dsn = zend_hash_index_find_deref(ht, 3);
	if (from && Z_TYPE_P(from) != IS_NULL && Z_TYPE_P(from) != IS_STRING) {
		zend_argument_type_error(1, "item %u: from must be of type ?string, %s given", index,
			zend_zval_type_name(from));
		return false;
	}
	if (to && Z_TYPE_P(to) != IS_NULL && Z_TYPE_P(to) != IS_STRING && Z_TYPE_P(to) != IS_ARRAY) {
		zend_argument_type_error(1, "item %u: to must be of type array|string|null, %s given", index,
			zend_zval_type_name(to));
		return false;
	}
	if (dsn && Z_TYPE_P(dsn) != IS_NULL && Z_TYPE_P(dsn) != IS_ARRAY) {
		zend_argument_type_error(1, "item %u: dsn must be of type ?array, %s given", index,
			zend_zval_type_name(dsn));
		return false;
	}
	ok = smtp_outgoing_init(o, msg,
		from && Z_TYPE_P(from) == IS_STRING ? Z_STR_P(from) : NULL,
		to && Z_TYPE_P(to) == IS_ARRAY ? Z_ARRVAL_P(to) : NULL,
		to && Z_TYPE_P(to) == IS_STRING ? Z_STR_P(to) : NULL,
		dsn && Z_TYPE_P(dsn) == IS_ARRAY ? Z_ARRVAL_P(dsn) : NULL);
	if (!ok) {
		rethrow_for_item(index, o->failed_arg);
	}
	return ok;
}

/* ---- options ------------------------------------------------------------------------------------- */

static bool parse_options(smtp_batch *b, HashTable *options)
{
	zend_string *key;
	zval *v;

	b->connections = 1;
	b->max_per_second = 0;
	if (!options) {
		return true;
	}
	ZEND_HASH_FOREACH_STR_KEY_VAL(options, key, v) {
		ZVAL_DEREF(v);
		if (!key) {
			zend_argument_value_error(2, "must have option names as keys");
			return false;
		}
		if (zend_string_equals_literal(key, "connections")) {
			if (Z_TYPE_P(v) != IS_LONG) {
				zend_argument_type_error(2, "option \"connections\" must be of type int, %s given",
					zend_zval_type_name(v));
				return false;
			}
			if (Z_LVAL_P(v) < 1 || Z_LVAL_P(v) > SMTP_BATCH_MAX_CONNECTIONS) {
				zend_argument_value_error(2, "option \"connections\" must be between 1 and %d, " ZEND_LONG_FMT
					" given", SMTP_BATCH_MAX_CONNECTIONS, Z_LVAL_P(v));
				return false;
			}
			b->connections = (uint32_t)Z_LVAL_P(v);
		} else if (zend_string_equals_literal(key, "max_per_second")) {
			double x;
			if (Z_TYPE_P(v) == IS_LONG) {
				x = (double)Z_LVAL_P(v);
			} else if (Z_TYPE_P(v) == IS_DOUBLE) {
				x = Z_DVAL_P(v);
			} else {
				zend_argument_type_error(2, "option \"max_per_second\" must be of type int|float, %s given",
					zend_zval_type_name(v));
				return false;
			}
			if (!zend_finite(x) || x < 0) {
				zend_argument_value_error(2, "option \"max_per_second\" must be a finite number, 0 or more "
					"(0: no cap)");
				return false;
			}
			b->max_per_second = x;
		} else {
			zend_argument_value_error(2, "contains unknown option \"%s\"", ZSTR_VAL(key));
			return false;
		}
	} ZEND_HASH_FOREACH_END();
	return true;
}

/* ---- sending ------------------------------------------------------------------------------------- */

void smtp_batch_take_exception(zval *slot)
{
	if (smtp_exit_pending()) {
		ZVAL_NULL(slot); /* left to end the request: sendBatch() returns nothing */
	} else if (EG(exception)) {
		ZVAL_OBJ_COPY(slot, EG(exception));
		zend_clear_exception();
	} else {
		ZVAL_NULL(slot);
	}
}

/* host: the connection the item went on */
static void record(zval *slot, smtp_outgoing *o, smtp_batch_item *it, const char *host)
{
	if (it->status == SMTP_OK) {
		smtp_outgoing_result(o, &it->result, it->reply ? it->reply : "", it->reply ? strlen(it->reply) : 0, host,
			slot);
		return;
	}
	if (!smtp_outgoing_throw_body_error(o, it->status, it->error)) {
		smtp_throw_status_ex(it->status, it->reply_code, it->reply, it->enhanced, it->error, it->transient != 0,
			&it->result, &o->env);
	}
	smtp_batch_take_exception(slot);
}

void smtp_batch_settle_item(smtp_batch *b, smtp_batch_link *l, uint32_t index, smtp_batch_item *it)
{
	smtp_client_obj *c = l->c;
	zval *slot = &b->results[index];

	if (it->outcome == SMTP_BATCH_UNKNOWN) {
		/* its end of data went out and no reply came: the server may have it, so it is never sent again */
		smtp_throw(smtp_ce_ConnectionException, 0, NULL, NULL, true,
			"Not known to be sent: the connection was lost before the server answered for this message (%s)",
			l->lost);
		smtp_batch_take_exception(slot);
		return;
	}
	if (it->status == SMTP_OK) {
		l->progress = true;
	}
	record(slot, &b->out[index], it, c->conn.session ? smtp_session_peer(c->conn.session) : NULL);
	if (it->status == SMTP_ERR_STATE && b->c->logger_exception && c->conn.session && smtp_session_aborted(c->conn.session)
		&& Z_TYPE_P(slot) == IS_OBJECT) {
		/* given up because the logger threw: that exception is the reason */
		GC_ADDREF(b->c->logger_exception);
		zend_exception_set_previous(Z_OBJ_P(slot), b->c->logger_exception);
	}
}

void smtp_batch_link_lost(smtp_batch_link *l, smtp_status st)
{
	const char *err = l->c->conn.session ? smtp_session_error(l->c->conn.session) : "";
	snprintf(l->lost, sizeof(l->lost), "%s", err[0] ? err : smtp_status_name(st));
	smtp_client_after_error(l->c);
}

/* l takes no more messages; when it was the last one, its exception is every unsent message's. */
static void link_dead(smtp_batch *b, smtp_batch_link *l)
{
	uint32_t i;
	l->dead = true;
	for (i = 0; i < b->connections; i++) {
		if (!b->links[i].dead) {
			if (!smtp_exit_pending()) {
				zend_clear_exception(); /* the others carry on */
			}
			return;
		}
	}
	if (Z_TYPE(b->stop) == IS_UNDEF) {
		smtp_batch_take_exception(&b->stop);
	} else if (!smtp_exit_pending()) {
		zend_clear_exception();
	}
}

bool smtp_batch_connect(smtp_batch *b, smtp_batch_link *l)
{
	smtp_client_obj *c = l->c;
	bool first = l == &b->links[0] && !b->sent_any;

	if (l->dead) {
		return false;
	}
	if (b->c->logger_exception) {
		/* user code failed: the batch stops, and says why in every message it did not send */
		uint32_t i;
		smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false,
			"Not sent: the logger threw an exception during the batch, which stopped before this message");
		GC_ADDREF(b->c->logger_exception);
		zend_exception_set_previous(EG(exception), b->c->logger_exception);
		if (first) {
			return false;
		}
		for (i = 0; i < b->connections; i++) {
			b->links[i].dead = true;
		}
		link_dead(b, l);
		return false;
	}
	if (l->used && !smtp_client_is_connected(c)) {
		/* lost during this call: reopened as long as each connection gets messages through (a server
		 * that takes N messages a connection, then says 421), never twice in a row without one */
		if (l->reconnected && !l->progress) {
			smtp_throw(smtp_ce_ConnectionException, 0, NULL, NULL, true,
				"Not sent: the connection was lost during the batch (%s), and again on the new connection "
				"before any message went through", l->lost[0] ? l->lost : "connection error");
			link_dead(b, l);
			return false;
		}
		l->reconnected = true;
		l->progress = false;
	}
	if (smtp_client_ensure_open(c) != SUCCESS) {
		if (first) {
			return false; /* nothing was sent: thrown, as send() would */
		}
		link_dead(b, l);
		return false;
	}
	return true;
}

/* One connection: the core's whole batch per call. False when the first connection failed (thrown). */
static bool send_range(smtp_batch *b, uint32_t start, uint32_t end)
{
	smtp_batch_link *l = &b->links[0];
	smtp_client_obj *c = b->c;
	smtp_batch_item *items = ecalloc(end - start, sizeof(*items));
	uint32_t *map = safe_emalloc(end - start, sizeof(*map), 0);
	bool ok = true;
	uint32_t i;

	for (;;) {
		size_t k = 0, j, settled = 0;
		smtp_status st;

		if (smtp_exit_pending()) {
			ok = false; /* exit() in the logger: the request ends, nothing more is sent */
			break;
		}
		for (i = start; i < end; i++) {
			if (Z_TYPE(b->results[i]) == IS_UNDEF && b->out[i].built) {
				map[k++] = i;
			}
		}
		if (k == 0) {
			break;
		}
		if (Z_TYPE(b->stop) == IS_UNDEF && !smtp_batch_connect(b, l) && Z_TYPE(b->stop) == IS_UNDEF) {
			ok = false;
			break;
		}
		if (Z_TYPE(b->stop) != IS_UNDEF) {
			for (j = 0; j < k; j++) {
				ZVAL_COPY(&b->results[map[j]], &b->stop);
			}
			break;
		}
		/* fitted to this server (A-labels, SIZE); one that cannot go to it gets its exception */
		for (i = 0, j = 0; j < k; j++) {
			smtp_outgoing *o = &b->out[map[j]];
			if (smtp_outgoing_prepare(c, o) != SUCCESS) {
				smtp_batch_take_exception(&b->results[map[j]]);
				continue;
			}
			memset(&items[i], 0, sizeof(items[i]));
			items[i].env = &o->env;
			items[i].body_fn = o->body_fn;
			items[i].body_ctx = o->body_ctx;
			map[i++] = map[j];
		}
		k = i;
		if (k == 0) {
			continue;
		}

		/* the window carries over connections: smaller after a drop, growing back (protocol/batch.c) */
		smtp_session_set_batch_window(c->conn.session, c->batch_window);
		st = smtp_session_send_batch(c->conn.session, items, k);
		c->batch_window = smtp_session_batch_window(c->conn.session);
		b->sent_any = true;
		l->used = true;
		if (st != SMTP_OK) {
			smtp_batch_link_lost(l, st);
		}
		for (j = 0; j < k; j++) {
			if (items[j].outcome == SMTP_BATCH_DONE || items[j].outcome == SMTP_BATCH_UNKNOWN) {
				smtp_batch_settle_item(b, l, map[j], &items[j]);
				settled++;
			}
			smtp_batch_item_free(&items[j]);
		}
		if (st == SMTP_OK && settled == 0) {
			/* cannot happen (the core starts every item while the connection is good); never loop */
			smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "Not sent: the batch made no progress");
			smtp_batch_take_exception(&b->stop);
		}
	}
	efree(map);
	efree(items);
	return ok;
}

ZEND_METHOD(Smtp, sendBatch)
{
	smtp_client_obj *c = smtp_client_from_obj(Z_OBJ_P(ZEND_THIS));
	zval *messages, *v;
	HashTable items, *options = NULL;
	smtp_batch b;
	smtp_batch_link first;
	uint32_t i, start;
	bool failed = false;

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_ITERABLE(messages)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT(options)
	ZEND_PARSE_PARAMETERS_END();

	if (!c->host) {
		zend_throw_error(NULL, "Smtp object is not initialized: its constructor was not called");
		RETURN_THROWS();
	}
	memset(&b, 0, sizeof(b));
	if (!parse_options(&b, options)) {
		RETURN_THROWS();
	}

	/* the items, held for the whole call (a generator's would be gone otherwise) */
	zend_hash_init(&items, 8, NULL, ZVAL_PTR_DTOR, 0);
	if (Z_TYPE_P(messages) == IS_ARRAY) {
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(messages), v) {
			ZVAL_DEREF(v);
			Z_TRY_ADDREF_P(v);
			zend_hash_next_index_insert_new(&items, v);
		} ZEND_HASH_FOREACH_END();
	} else if (spl_iterator_apply(messages, collect_item, &items) != SUCCESS || EG(exception)) {
		zend_hash_destroy(&items);
		RETURN_THROWS();
	}

	b.c = c;
	b.n = zend_hash_num_elements(&items);
	ZVAL_UNDEF(&b.stop);
	array_init_size(return_value, b.n);
	if (b.n == 0) {
		zend_hash_destroy(&items);
		return;
	}
	b.out = safe_emalloc(b.n, sizeof(*b.out), 0);
	b.results = safe_emalloc(b.n, sizeof(*b.results), 0);
	if (b.connections > b.n) {
		b.connections = b.n; /* one message a connection at most */
	}
	if (b.connections == 1) {
		memset(&first, 0, sizeof(first));
		b.links = &first;
	} else {
		b.links = ecalloc(b.connections, sizeof(*b.links));
	}
	b.links[0].c = c;

	/* every item is checked before anything is sent */
	i = 0;
	ZEND_HASH_FOREACH_VAL(&items, v) {
		ZVAL_UNDEF(&b.results[i]);
		if (!failed && !item_init(&b.out[i], v, i)) {
			failed = true;
		} else if (failed) {
			smtp_outgoing_clear(&b.out[i]);
		}
		i++;
	} ZEND_HASH_FOREACH_END();

	if (!failed && !smtp_client_op_begin(c)) {
		failed = true;
	} else if (!failed) {
		bool parallel = b.connections > 1 || b.max_per_second > 0;
		for (start = 0; start < b.n && !failed;) {
			uint32_t end = start, files = 0;
			while (end < b.n && end - start < BUILD_MAX_ITEMS && files < BUILD_MAX_FILES) {
				if (Z_TYPE(b.stop) != IS_UNDEF) {
					ZVAL_COPY(&b.results[end], &b.stop);
				} else if (smtp_outgoing_build(c, &b.out[end]) != SUCCESS) {
					smtp_batch_take_exception(&b.results[end]); /* an attachment cannot be read */
				} else {
					files += b.out[end].b.source_count;
				}
				end++;
			}
			if (!(parallel ? smtp_batch_send_parallel(&b, start, end) : send_range(&b, start, end))) {
				failed = true; /* the first connection failed: thrown */
			}
			for (i = start; i < end; i++) {
				smtp_outgoing_release_build(&b.out[i]);
			}
			start = end;
		}
		smtp_batch_links_free(&b);
		if (c->logger_exception && b.sent_any) {
			/* messages were sent: the results are returned, each Result naming the logger's exception */
			zend_object *lex = smtp_client_take_logger_exception(c);
			for (i = 0; i < b.n; i++) {
				if (Z_TYPE(b.results[i]) == IS_OBJECT && Z_OBJCE(b.results[i]) == smtp_ce_Result) {
					smtp_result_set_logger_exception(&b.results[i], lex);
				}
			}
			OBJ_RELEASE(lex);
		}
		smtp_client_op_end(c); /* rethrows an exception of the logger from before anything was sent */
		if (EG(exception)) {
			failed = true;
		}
	}
	if (b.links != &first) {
		efree(b.links);
	}

	for (i = 0; i < b.n; i++) {
		if (!failed) {
			zend_hash_next_index_insert_new(Z_ARRVAL_P(return_value), &b.results[i]);
		} else {
			zval_ptr_dtor(&b.results[i]);
		}
		smtp_outgoing_free(&b.out[i]);
	}
	zval_ptr_dtor(&b.stop);
	efree(b.out);
	efree(b.results);
	zend_hash_destroy(&items);
	if (failed) {
		zval_ptr_dtor(return_value);
		ZVAL_UNDEF(return_value);
		RETURN_THROWS();
	}
}
