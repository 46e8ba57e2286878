/*
 * smtp_client.h - class Smtp: the object (its options and the one connection it holds) and what the
 * other files of the binding call on it.
 *
 *   smtp_client.c          the object's life (create, free, GC), the constructor and the methods
 *   smtp_client_connect.c  the connection's life: open with EHLO, TLS and AUTH (a password provider
 *                          refreshed), several hosts, reuse after a liveness check; the logger; the
 *                          begin/end every operation goes through
 *   smtp_options.c         the option table (smtp_options.h)
 */
#ifndef SMTP_CLIENT_H
#define SMTP_CLIENT_H

#include "php.h"
#include "php_smtp_compat.h"
#include "protocol/smtp_core.h"
#include "smtp_connection.h"
#include "smtp_message.h"

extern zend_class_entry *smtp_ce_Smtp;

typedef struct smtp_dkim_config smtp_dkim_config; /* option "dkim" (smtp_dkim.c) */
typedef struct smtp_dkim_job smtp_dkim_job;       /* one message being signed */

typedef struct smtp_client_obj {
	/* configuration: the host and port arguments, and the fields of the option table (smtp_options.c) */
	zend_string *host;
	zend_long port;
	HashTable *hosts;             /* several hosts: [host, port] pairs tried in turn; NULL for one (host/port) */
	int tls_mode;                 /* smtp_tls_mode */
	double timeout;               /* connect, seconds */
	double command_timeout;
	double data_timeout;
	zend_string *helo;            /* NULL: the machine's name */
	zval context;                 /* array of stream context options, or UNDEF */
	zend_string *username;
	zend_string *password;        /* always our own copy, wiped when released */
	int auth_mech;                /* smtp_auth_mech */
	bool allow_plaintext_auth;
	bool pipelining;
	bool chunking;
	bool partial;
	bool round_robin;             /* start each connection at the next host of the list */
	zval logger;                  /* callable or UNDEF */
	zval password_provider;       /* callable giving the password (an OAuth token), or UNDEF; after logger (get_gc) */
	zval persistent;              /* UNDEF or false, true or a string id (smtp_persistent.c) */
	smtp_dkim_config *dkim;       /* DKIM signers, or NULL */

	smtp_connection conn;         /* the connection (smtp_connection.h) */

	/* the operation under way */
	bool busy;                    /* inside an operation (the logger must not re-enter) */
	bool in_dtor;
	zend_object *logger_exception;
	int batch_window;             /* sendBatch() over CHUNKING: the core's window after the last drop (0: full) */
	uint32_t log_tag;             /* sendBatch()'s connection N (from 2): its logger lines start "[N] " */

	zend_object std;
} smtp_client_obj;

static inline smtp_client_obj *smtp_client_from_obj(zend_object *obj)
{
	return smtp_compat_container(smtp_client_obj, obj);
}

/* ---- the object (smtp_client.c) ----------------------------------------------------------------- */

void smtp_client_register_handlers(void);
zend_object *smtp_client_create(zend_class_entry *ce);
/* send() of a checked Message with a ready envelope (sendMail()): one transaction, each recipient once;
 * throws like send() or sets result to the Smtp\Result */
void smtp_client_send_message(smtp_client_obj *c, smtp_message_obj *m, zend_string *from, zend_string **rcpt,
	uint32_t count, zval *result);
/* send() of a raw message with a ready envelope (smtp_mail()); throws like send() */
void smtp_client_send_raw(smtp_client_obj *c, zend_string *raw, zend_string *from, zend_string **rcpt,
	uint32_t count, zval *result);
/* QUIT and close, quietly */
void smtp_client_quit(smtp_client_obj *c);

/* ---- the connection's life (smtp_client_connect.c) ---------------------------------------------- */

/* Every operation: begin (throws when the object is not constructed or used from its own logger) ... end
 * (an exception the logger threw comes out: as the previous of ours when the operation failed). */
bool smtp_client_op_begin(smtp_client_obj *c);
void smtp_client_op_end(smtp_client_obj *c);
/* The connection, reused when alive, else (re)opened (with AUTH when with_auth and a username is set);
 * throws on failure. */
zend_result smtp_client_open(smtp_client_obj *c, bool with_auth);
/* smtp_client_open() with AUTH (smtp_batch.c). */
zend_result smtp_client_ensure_open(smtp_client_obj *c);
/* AUTH on the open connection; a provider's token refused as expired is refreshed and tried once more. */
zend_result smtp_client_auth(smtp_client_obj *c, zend_string *user, zend_string *secret, int mech);
/* After a failed operation: close a connection the core gave up on (421, drop, protocol error). */
void smtp_client_after_error(smtp_client_obj *c);
bool smtp_client_is_connected(smtp_client_obj *c);
/* QUIT when the connection is still good, then close; never throws, never waits more than max_ms. */
void smtp_client_quit_quietly(smtp_client_obj *c, int max_ms);
/* A line of the client's own for the logger (not a line of the wire): "-- " and text. */
void smtp_client_log_note(smtp_client_obj *c, const char *text);
/* The exception the logger threw during the operation under way (the caller owns it), or NULL. */
zend_object *smtp_client_take_logger_exception(smtp_client_obj *c);
/* Seconds (an option) as the core's milliseconds, at least 1. */
int smtp_seconds_to_ms(double s);

#endif /* SMTP_CLIENT_H */
