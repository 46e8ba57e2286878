/*
 * smtp_outgoing.h - one message to send, what send(), sendMail(), sendBatch() and smtp_mail() share
 * (smtp_outgoing.c): the checks of send()'s (message, from, to, dsn), the envelope (each recipient once),
 * the body producer (a Message through the MIME writer, a string, or a stream read in chunks), fitting
 * the envelope to the server (IDN, SIZE), and the outcome: the Smtp\Result (smtp_result.c) or the error
 * of the message writer itself. Also the DSN (smtp_dsn.c) and IDN (smtp_idn.c) parts of a message.
 *
 * Life: smtp_outgoing_init() (or smtp_outgoing_set()) -> smtp_outgoing_build() -> connect ->
 * smtp_outgoing_prepare() -> the core's send -> smtp_outgoing_result() -> smtp_outgoing_free().
 */
#ifndef SMTP_OUTGOING_H
#define SMTP_OUTGOING_H

#include "smtp_client.h"

/* ---- recipients: each address once, in their order -------------------------------------------- */

typedef struct smtp_recipients {
	zend_string **items;
	uint32_t count, cap;
	HashTable seen;        /* lower-cased, to send each address once */
} smtp_recipients;

void smtp_recipients_init(smtp_recipients *r);
void smtp_recipients_free(smtp_recipients *r);
void smtp_recipients_add(smtp_recipients *r, zend_string *address);
void smtp_recipients_add_list(smtp_recipients *r, const smtp_php_mailbox_list *l);

/* ---- one message ------------------------------------------------------------------------------- */

typedef struct smtp_outgoing {
	zend_object *msg_obj;         /* the Smtp\Message (a reference we hold), or NULL for a raw message */
	smtp_message_obj *m;
	zend_string *raw;             /* the raw message, or NULL */
	zend_resource *stream_res;    /* a raw message read from this stream (a reference we hold), or NULL */
	zend_off_t stream_start;      /* where the message starts in it */
	uint64_t stream_size;         /* its size when the stream is a file, else 0 */
	zend_string *stream_message_id; /* the Message-ID seen in its header while sending (a stream or an iterable) */
	zval iter;                    /* a raw message given as an iterable of strings (an array or a Traversable,
	                               * a reference we hold), or UNDEF */
	zend_object *body_exception;  /* what the iterable threw while it was read (a reference we hold), or NULL */
	bool body_type_error;         /* body_err is a TypeError (the iterable gave something else than a string) */
	zend_string *from;            /* the envelope sender ("" for <>) */
	zend_string **rcpt;           /* the envelope recipients, each once */
	uint32_t rcpt_count;
	/* DSN (smtp_dsn.c): RET, ENVID, and per recipient NOTIFY and ORCPT (arrays NULL when none asked) */
	zend_string *dsn_ret, *dsn_envid;
	zend_string **dsn_notify, **dsn_orcpt;
	/* set by smtp_outgoing_build() */
	bool built;
	bool prepared;                /* smtp_outgoing_prepare() done for this build */
	smtp_message_build b;
	smtp_recipient *list;
	smtp_envelope env;
	/* IDN (smtp_idn.c): the A-label forms the envelope and header use */
	zend_string **idn;
	uint32_t idn_count;
	smtp_body_fn body_fn;
	void *body_ctx;
	char body_err[256];           /* why the message writer failed, when it did */
	/* DKIM (smtp_dkim.c): the signing job and the octets its fields add */
	smtp_dkim_job *dkim;
	uint64_t dkim_size;
	/* MIME boundaries of a Message from a generator seeded by its Date and Message-ID (smtp_dkim.c), so
	 * every write of it (DKIM's two passes, a retry, Smtp::render()) gives the same bytes */
	struct smtp_boundary_rng *rng;
	uint32_t failed_arg;          /* smtp_outgoing_init() refused it: send()'s argument at fault (2 from, 3 to, 4 dsn;
	                               * 0 or 1: the message) */
} smtp_outgoing;

/* An empty one (safe to free). */
void smtp_outgoing_clear(smtp_outgoing *o);
/* send()'s checks of its (message, from, to), which the arguments are given as: fills o and returns true,
 * or throws (ValueError/TypeError naming send()'s argument 1, 2 or 3) and returns false. Free o either way. */
bool smtp_outgoing_init(smtp_outgoing *o, zval *message, zend_string *from, HashTable *to_ht, zend_string *to_str,
	HashTable *dsn);
/* o holds a checked message (a Message m, or a raw string), its sender and the recipients taken from r. */
void smtp_outgoing_set(smtp_outgoing *o, smtp_message_obj *m, zend_string *raw, zend_string *env_from,
	smtp_recipients *r);
/* The envelope and the body producer; opens the attachments (a failure throws Smtp\Exception). */
zend_result smtp_outgoing_build(smtp_client_obj *c, smtp_outgoing *o);
/* Once connected, fit the envelope to what the server offers: A-labels for IDN domains without SMTPUTF8,
 * SIZE of a Message. Throws (nothing sent) and returns FAILURE when the message cannot go to this server. */
zend_result smtp_outgoing_prepare(smtp_client_obj *c, smtp_outgoing *o);
/* Undo smtp_outgoing_build() (closes the attachments). */
void smtp_outgoing_release_build(smtp_outgoing *o);
void smtp_outgoing_free(smtp_outgoing *o);
/* The Smtp\Result of a message the server accepted; reply is its final reply. */
void smtp_outgoing_result(smtp_outgoing *o, const smtp_send_result *res, const char *reply, size_t reply_len,
	const char *host, zval *return_value);
/* When the message writer itself failed (an attachment unreadable mid-send, a stream with a NUL, an iterable
 * that threw): throw its reason and return true. error is the session's message for the failure. */
bool smtp_outgoing_throw_body_error(smtp_outgoing *o, smtp_status st, const char *error);
/* Throw o->body_err, the reason the message writer gave: an Smtp\Exception (previous: what an iterable
 * threw), or a TypeError for an iterable's item that is not a string. */
void smtp_outgoing_throw_body_reason(smtp_outgoing *o);
/* One transaction of o on c's connection (opened or reused; a kept connection found closed is replaced
 * once when the server answered nothing): return_value gets the Result, or an exception is thrown. */
void smtp_outgoing_send(smtp_client_obj *c, smtp_outgoing *o, zval *return_value);

/* ---- Smtp\Result (smtp_result.c) ---------------------------------------------------------------- */

/* A Result: the final reply (NULL: none), which recipients were accepted, the queue id, the Message-ID. */
void smtp_result_make(zval *return_value, const char *reply, size_t reply_len, const smtp_send_result *res,
	const smtp_envelope *env, zend_string *message_id, const char *host);
/* Result::$loggerException: the logger threw, but after the server accepted the message. */
void smtp_result_set_logger_exception(zval *result, zend_object *ex);

/* ---- DSN (smtp_dsn.c) and IDN (smtp_idn.c) ------------------------------------------------------ */

/* Check the options of Message::dsn() or send()'s $dsn and make their normal form (an array) in out.
 * Throws (ValueError/TypeError naming arg_num) and returns FAILURE. */
zend_result smtp_dsn_normalize(HashTable *options, zval *out, uint32_t arg_num);
/* Set o's DSN parameters from a normal form (NULL/UNDEF: none). source starts the ValueError thrown when
 * it names a recipient o does not have. */
zend_result smtp_dsn_prepare(smtp_outgoing *o, const zval *dsn, const char *source);
void smtp_dsn_release(smtp_outgoing *o);
/* The server lacks SMTPUTF8: turn the non-ASCII domains of o's envelope and header addresses into A-labels
 * (ext/intl). Throws and returns FAILURE when an address cannot be sent without SMTPUTF8. */
zend_result smtp_idn_prepare(smtp_outgoing *o);
void smtp_idn_release(smtp_outgoing *o);

#endif /* SMTP_OUTGOING_H */
