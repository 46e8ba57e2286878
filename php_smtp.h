/*
 * php_smtp.h - the PHP binding of the smtp extension: module entry, globals, and what the binding's
 * files share. The SMTP protocol itself lives in protocol/ (no PHP header there).
 */
#ifndef PHP_SMTP_H
#define PHP_SMTP_H

#include "php.h"
#include "php_smtp_compat.h"
/* paths from this folder, so that a build from php-src's ext/ directory needs no -I of ours */
#include "protocol/smtp_core.h"
#include "protocol/smtp_mime.h"

extern zend_module_entry smtp_module_entry;
#define phpext_smtp_ptr &smtp_module_entry

#define PHP_SMTP_VERSION "0.1.0"

#if defined(ZTS) && defined(COMPILE_DL_SMTP)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

/* ---- INI (smtp_mail() and the mail() override) -------------------------------------------------- */

ZEND_BEGIN_MODULE_GLOBALS(smtp)
	char *host;
	zend_long port;
	char *tls;               /* "auto", "" or "off" (none), "none", "starttls", "implicit", "opportunistic" or 0-3 */
	char *username;
	char *password;
	char *helo;
	double timeout;
	char *from;
	bool override_mail;
	zend_string *default_helo; /* the machine's name, looked up once per request (see smtp_default_helo) */
ZEND_END_MODULE_GLOBALS(smtp)

ZEND_EXTERN_MODULE_GLOBALS(smtp)
#define SMTP_G(v) ZEND_MODULE_GLOBALS_ACCESSOR(smtp, v)

/* ---- class entries ------------------------------------------------------------------------------ */

extern zend_class_entry *smtp_ce_Smtp;
extern zend_class_entry *smtp_ce_Message;
extern zend_class_entry *smtp_ce_Result;
extern zend_class_entry *smtp_ce_Exception;
extern zend_class_entry *smtp_ce_ConnectionException;
extern zend_class_entry *smtp_ce_TlsException;
extern zend_class_entry *smtp_ce_AuthenticationException;
extern zend_class_entry *smtp_ce_ResponseException;
extern zend_class_entry *smtp_ce_RecipientException;

#include "smtp_message.h"

/* ---- Smtp --------------------------------------------------------------------------------------- */

typedef struct smtp_dkim_config smtp_dkim_config; /* option "dkim" (smtp_dkim.c) */
typedef struct smtp_dkim_job smtp_dkim_job;       /* one message being signed */

typedef struct smtp_client_obj {
	/* configuration */
	zend_string *host;
	zend_long port;
	int tls_mode;                 /* smtp_tls_mode */
	double timeout;               /* connect, seconds */
	double command_timeout;
	double data_timeout;
	zend_string *helo;            /* NULL: the machine's name */
	zval context;                 /* array of stream context options, or UNDEF */
	zend_string *username;
	zend_string *password;
	int auth_mech;                /* smtp_auth_mech */
	bool allow_plaintext_auth;
	bool pipelining;
	bool chunking;
	bool partial;
	zval logger;                  /* callable or UNDEF */
	zval password_provider;       /* callable giving the password (an OAuth token), or UNDEF; after logger (get_gc) */
	zval persistent;              /* false, true or a string id (smtp_persistent.c) */
	HashTable *hosts;             /* several hosts: [host, port] pairs tried in turn; NULL for one (host/port) */
	bool round_robin;             /* start each connection at the next host of the list */
	smtp_dkim_config *dkim;       /* DKIM signers, or NULL */

	/* connection */
	php_stream *stream;
	zend_resource *stream_res;    /* our reference: the stream is gone when this is closed under us */
	struct smtp_pconn *pconn;     /* the kept connection this object holds (option persistent), or NULL */
	smtp_session *session;        /* kept after a close so getLastReply() still answers */
	smtp_transport transport;
	bool open;                    /* greeting and EHLO done on the current stream */
	bool authenticated;
	bool busy;                    /* inside an operation (the logger must not re-enter) */
	bool in_dtor;
	bool tls_dropped;             /* the last TLS handshake failed because the connection closed or stalled */
	zend_object *logger_exception;

	zend_object std;
} smtp_client_obj;

/* smtp.host as a comma-separated list: the hosts after the first, each with c->port. */
void smtp_client_set_host_list(smtp_client_obj *c, const char *csv);

static inline smtp_client_obj *smtp_client_from_obj(zend_object *obj)
{
	return smtp_compat_container(smtp_client_obj, obj);
}

void smtp_client_register_handlers(void);
zend_object *smtp_client_create(zend_class_entry *ce);
/* send() of a raw message with a ready envelope (smtp_mail()); throws like send() */
void smtp_client_send_raw(smtp_client_obj *c, zend_string *raw, zend_string *from, zend_string **rcpt,
	uint32_t count, zval *result);
/* QUIT and close, quietly */
void smtp_client_quit(smtp_client_obj *c);

/* ---- one message to send: what send() and sendBatch() share (smtp_client.c) --------------------- */

typedef struct smtp_outgoing {
	zend_object *msg_obj;         /* the Smtp\Message (a reference we hold), or NULL for a raw message */
	smtp_message_obj *m;
	zend_string *raw;             /* the raw message, or NULL */
	zend_resource *stream_res;    /* a raw message read from this stream (a reference we hold), or NULL */
	zend_off_t stream_start;      /* where the message starts in it */
	uint64_t stream_size;         /* its size when the stream is a file, else 0 */
	zend_string *stream_message_id; /* the Message-ID seen in its header while sending */
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
} smtp_outgoing;

/* An empty one (safe to free). */
void smtp_outgoing_clear(smtp_outgoing *o);
/* send()'s checks of its (message, from, to), which the arguments are given as: fills o and returns true,
 * or throws (ValueError/TypeError naming send()'s argument 1, 2 or 3) and returns false. Free o either way. */
bool smtp_outgoing_init(smtp_outgoing *o, zval *message, zend_string *from, HashTable *to_ht, zend_string *to_str,
	HashTable *dsn);
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
	zval *return_value);
/* When the message writer itself failed (an attachment unreadable mid-send, a stream with a NUL): throw its
 * reason and return true. error is the session's message for the failure. */
bool smtp_outgoing_throw_body_error(smtp_outgoing *o, smtp_status st, const char *error);

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

/* The exception the logger threw during the operation under way (the caller owns it), or NULL. */
zend_object *smtp_client_take_logger_exception(smtp_client_obj *c);
/* Result::$loggerException: the logger threw, but after the server accepted the message. */
void smtp_result_set_logger_exception(zval *result, zend_object *ex);

/* For smtp_batch.c: the steps every operation of the client goes through. */
bool smtp_client_op_begin(smtp_client_obj *c);
void smtp_client_op_end(smtp_client_obj *c);
/* The connection, reused when alive, else (re)opened with AUTH; throws on failure. */
zend_result smtp_client_ensure_open(smtp_client_obj *c);
/* After a failed operation: close a connection the core gave up on. */
void smtp_client_after_error(smtp_client_obj *c);
bool smtp_client_is_connected(smtp_client_obj *c);

/* ---- persistent connections (smtp_persistent.c) ------------------------------------------------- */

typedef struct smtp_pconn smtp_pconn;

void smtp_persistent_minit(int module_number);
/* Before connecting: when the object wants a persistent connection and one with the same settings is
 * kept, hand it over (stream, session, state) and return true. Otherwise false; c->pconn is then set
 * when the new connection is to be kept. */
bool smtp_persistent_attach(smtp_client_obj *c);
/* The persistent id to open the stream with, or NULL for an ordinary one. */
const char *smtp_persistent_stream_id(smtp_client_obj *c);
/* The transport a new session of c is to use. */
const smtp_transport *smtp_persistent_transport(smtp_client_obj *c);
/* The object's connection is being closed, or the object is being freed: the entry is no longer its. */
void smtp_persistent_closed(smtp_client_obj *c);
/* The object goes away: keep its connection when it is still good (true: c holds no connection now). */
bool smtp_persistent_release(smtp_client_obj *c);

/* ---- transport (PHP streams) -------------------------------------------------------------------- */

/* Open the TCP connection (and the TLS of implicit TLS). On failure throws and returns FAILURE. */
zend_result smtp_transport_connect(smtp_client_obj *c);
/* Whether the server sent something (or closed) since the last reply: an idle connection it ended. */
bool smtp_transport_idle_input(smtp_client_obj *c);
/* Close the stream (no QUIT). */
void smtp_transport_close(smtp_client_obj *c);
/* The stream, or NULL when it was closed (by us, or under us). */
php_stream *smtp_transport_stream(smtp_client_obj *c);
void smtp_transport_init(smtp_client_obj *c);
/* Whether PHP can do TLS (the "ssl" stream transport is registered: ext/openssl is loaded). */
bool smtp_tls_available(void);
/* The machine's fully qualified name, or "localhost" (cached per request). */
zend_string *smtp_default_helo(void);

/* ---- exceptions --------------------------------------------------------------------------------- */

/* Throw the exception for a core status after a session operation. */
void smtp_throw_status(smtp_status st, smtp_session *session, const smtp_send_result *result,
	const smtp_envelope *env);
/* The same from explicit values (a batch item's): the reply behind the error (code 0: none), the message. */
void smtp_throw_status_ex(smtp_status st, int code, const char *reply, const char *enhanced, const char *msg,
	bool transient, const smtp_send_result *result, const smtp_envelope *env);
/* Throw ce with a message; reply/enhanced may be NULL. */
zend_object *smtp_throw(zend_class_entry *ce, int code, const char *reply, const char *enhanced, bool transient,
	const char *format, ...) ZEND_ATTRIBUTE_FORMAT(printf, 6, 7);

/* ---- helpers shared by the binding files ------------------------------------------------------- */

/* A TLS mode name ("none", "starttls", "implicit", "opportunistic") or digit, or -1. */
int smtp_parse_tls_mode(const char *s);
/* An AUTH mechanism name (any case), or -1. */
int smtp_parse_auth_mech(const char *s, size_t len);
/* The smtp.* INI values (smtp_mail.c): smtp.tls as a mode (-1 auto, -2 invalid), the host, HELO and From
 * checks the INI handlers use (they must not throw: they also run at startup). */
int smtp_ini_tls_mode(const char *s);
bool smtp_ini_host_valid(const char *s);
bool smtp_ini_helo_valid(const char *s);
bool smtp_ini_from_valid(const char *s, size_t len);
/* The server smtp_mail() sends to: smtp.host/smtp.port/smtp.tls, else PHP's SMTP and smtp_port (see README). */
void smtp_mail_server(const char **host, zend_long *port, int *tls_mode);
/* Make PHP's mail() use smtp_mail() (smtp.override_mail=1). */
void smtp_mail_override_install(void);

/* The options the INI gives smtp_mail() (also used by the mail() override). */
bool smtp_mail_impl(zend_string *to, zend_string *subject, zend_string *message, HashTable *headers_ht,
	zend_string *headers_str, zend_string *params);

#endif /* PHP_SMTP_H */
