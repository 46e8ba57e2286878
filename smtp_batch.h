/*
 * smtp_batch.h - what the two halves of Smtp::sendBatch() share: smtp_batch.c (the items, the options,
 * one connection) and smtp_batch_parallel.c (several connections multiplexed in the one call).
 */
#ifndef SMTP_BATCH_H
#define SMTP_BATCH_H

#include "smtp_client.h"
#include "smtp_outgoing.h"
#include "smtp_exceptions.h"

#define SMTP_BATCH_MAX_CONNECTIONS 64   /* more is a mistake, not a plan: servers limit clients well below */

/* One connection of the batch: the object's own (the first), or an internal client with its settings. */
typedef struct smtp_batch_link {
	smtp_client_obj *c;
	zend_object *owned;         /* the internal client to close and release at the end, or NULL */
	smtp_batch_run *run;        /* the core's batch on the open connection, or NULL */
	bool used;                  /* given messages during this call */
	bool dead;                  /* given up: takes no more messages */
	bool reconnected;           /* reopened during this call */
	bool progress;              /* a message was accepted since it was last (re)opened */
	uint32_t in_run;            /* items handed to run and not settled yet */
	char lost[256];             /* how the connection was last lost */
	/* an extra connection's transport goes through its link (smtp_batch_parallel.c): while it is being
	 * opened (opening), its waits for the greeting, EHLO and AUTH replies serve the other connections */
	bool opening;
	smtp_transport own;         /* the connection's own transport, which the link's forwards to */
	void *parallel;             /* the running parallel send, or NULL */
} smtp_batch_link;

typedef struct smtp_batch {
	smtp_client_obj *c;         /* the Smtp object */
	smtp_outgoing *out;
	zval *results;              /* UNDEF until the item's fate is known */
	uint32_t n;
	uint32_t connections;       /* option "connections" */
	double max_per_second;      /* option "max_per_second", 0: no cap */
	double next_start_ms;       /* max_per_second: when the next message may start */
	smtp_batch_link *links;     /* [connections] */
	bool sent_any;              /* the core has been given messages in this call */
	zval stop;                  /* the exception for every message not yet sent, once there is no connection */
} smtp_batch;

/* The exception just thrown becomes a result. */
void smtp_batch_take_exception(zval *slot);
/* An item the core finished (DONE) or lost in flight (UNKNOWN): its result. */
void smtp_batch_settle_item(smtp_batch *b, smtp_batch_link *l, uint32_t index, smtp_batch_item *it);
/* A connection for l's next messages: true when open. False with l->dead set (b->stop set when l is the
 * last one alive) or, before anything was sent on the object's own connection, with the exception thrown. */
bool smtp_batch_connect(smtp_batch *b, smtp_batch_link *l);
/* Note how l's connection was lost, then close it. */
void smtp_batch_link_lost(smtp_batch_link *l, smtp_status st);

/* Send the built items of [start, end) without a result over b->connections connections. False when
 * the first connection failed before anything was sent (the exception is thrown). */
bool smtp_batch_send_parallel(smtp_batch *b, uint32_t start, uint32_t end);
/* Close and release the internal clients. */
void smtp_batch_links_free(smtp_batch *b);
/* An internal, non-persistent client with src's settings (host list, TLS, AUTH, timeouts, logger). */
zend_object *smtp_client_copy_settings(smtp_client_obj *src);

#endif
