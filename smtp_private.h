/*
 * smtp_private.h - what every file of the binding shares: the module globals (the smtp.* INI settings),
 * the class entries, Smtp\Message's structs and calls, and the small helpers several files use (names,
 * address checks, the INI checks). Each concept has its own header on top of this one:
 *
 *   smtp_options.h     the option table of Smtp (constructor, defaults, persistent key, php.ini)
 *   smtp_client.h      class Smtp: the object, its operations and connection life
 *   smtp_hosts.h       the hosts it connects to: the host argument, smtp.host's list, round robin
 *   smtp_connection.h  one connection: stream, session, TLS/AUTH state, persistent link
 *   smtp_transport.h   PHP streams: connect, read, write, TLS, liveness
 *   smtp_persistent.h  connections kept across requests
 *   smtp_outgoing.h    one message to send (send(), sendBatch(), smtp_mail()) and its Smtp\Result
 *   smtp_exceptions.h  Smtp\Exception and family; status to exception
 *   smtp_ini.h         the smtp.* php.ini settings and the server smtp_mail() sends to
 *   smtp_dkim_binding.h DKIM signing and S/MIME of an outgoing message (smtp_dkim.c, smtp_smime.c)
 *
 * The SMTP protocol itself lives in protocol/ (no PHP header there).
 */
#ifndef SMTP_PRIVATE_H
#define SMTP_PRIVATE_H

#include "php.h"
#include "php_smtp.h"
#include "php_smtp_compat.h"
/* paths from this folder, so that a build from php-src's ext/ directory needs no -I of ours */
#include "protocol/smtp_core.h"
#include "protocol/smtp_mime.h"

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
	char *password_provider; /* "" or the name of a function or "Class::method" giving the password */
	char *auth;              /* "" (automatic) or an AUTH mechanism name */
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

/* ---- Smtp\Message ------------------------------------------------------------------------------- */

typedef struct smtp_php_mailbox {
	zend_string *address;
	zend_string *name;       /* NULL when none */
} smtp_php_mailbox;

typedef struct smtp_php_mailbox_list {
	smtp_php_mailbox *items;
	uint32_t count, cap;
} smtp_php_mailbox_list;

typedef struct smtp_php_header {
	zend_string *name;
	zend_string *value;
} smtp_php_header;

typedef struct smtp_php_part {
	smtp_part_disposition disposition;
	zend_string *path;       /* read when the message is written; NULL for in-memory data */
	zend_string *data;       /* in-memory content; NULL for a file */
	zend_string *filename;
	zend_string *type;       /* NULL: guessed from the file name */
	zend_string *cid;        /* inline parts */
} smtp_php_part;

typedef struct smtp_message_obj {
	zend_string *from_address, *from_name;
	zend_string *sender_address, *sender_name;
	smtp_php_mailbox_list to, cc, bcc, reply_to;
	zend_string *subject;
	zend_string *text;
	zend_string *html;
	zend_string *charset;    /* NULL: UTF-8 */
	zend_string *message_id; /* set through header("Message-ID", ...) */
	zend_string *date;       /* set through header("Date", ...) */
	zval dsn;                /* dsn() in its normal form (smtp_dsn.c), or UNDEF */
	bool require_tls;        /* requireTls(): REQUIRETLS (RFC 8689) on MAIL */
	zval smime;              /* smime() in its normal form (smtp_smime.c), or UNDEF */
	smtp_php_header *headers;
	uint32_t header_count, header_cap;
	smtp_php_part *parts;
	uint32_t part_count, part_cap;
	zend_object std;
} smtp_message_obj;

static inline smtp_message_obj *smtp_message_from_obj(zend_object *obj)
{
	return smtp_compat_container(smtp_message_obj, obj);
}

/*
 * A Message turned into the core's smtp_message, with everything it borrows or owns: mailbox arrays,
 * the generated Date and Message-ID, and the open attachment streams. Built right before writing.
 */
typedef struct smtp_message_build {
	smtp_message msg;
	zend_object *snapshot;       /* the copy of the Message msg borrows from */
	smtp_mailbox *mailboxes;     /* to, cc, reply_to in one allocation */
	smtp_header_field *headers;
	smtp_part *parts;
	struct smtp_file_source *sources;
	uint32_t source_count;
	zend_string *date;
	zend_string *message_id;
	char error[256];
} smtp_message_build;

void smtp_message_register_handlers(void);
zend_object *smtp_message_create(zend_class_entry *ce);
/* Fill b from m. Opens attachment files (a failure throws Smtp\Exception and returns FAILURE).
 * default_domain is used for the Message-ID when the From address has no usable domain. */
zend_result smtp_message_build_init(smtp_message_build *b, smtp_message_obj *m, const char *default_domain);
void smtp_message_build_free(smtp_message_build *b);
/* Rewind the attachment sources so the message can be written again (after a failed attempt). */
void smtp_message_build_rewind(smtp_message_build *b);
/* Random bytes for MIME boundaries (smtp_random_fn). */
void smtp_php_random(void *ctx, unsigned char *buf, size_t len);
/* The size of a stream that is a regular file (php://memory and php://temp count), or -1. */
int64_t smtp_stream_file_size(php_stream *stream);

/* Add an address to a list, after checking it; arg_num/arg_name for the ValueError. */
zend_result smtp_message_add_address(smtp_message_obj *m, smtp_php_mailbox_list *list, zend_string *address,
	zend_string *name, uint32_t arg_num);
zend_result smtp_message_set_text_field(smtp_message_obj *m, zend_string **field, zend_string *value,
	uint32_t arg_num, bool single_line);
zend_result smtp_message_add_header(smtp_message_obj *m, zend_string *name, zend_string *value, uint32_t name_arg,
	uint32_t value_arg);

/* ---- helpers shared by the binding files ------------------------------------------------------- */

/* A TLS mode name ("none", "starttls", "implicit", "opportunistic") or digit, or -1 (smtp_options.c). */
int smtp_parse_tls_mode(const char *s);
/* An AUTH mechanism name (any case), or -1 (smtp_options.c). */
int smtp_parse_auth_mech(const char *s, size_t len);
/* Make PHP's mail() use smtp_mail() (smtp.override_mail=1). */
void smtp_mail_override_install(void);

/* Check an address the way every entry point does; throws ValueError naming the argument. */
bool smtp_check_address(zend_string *address, uint32_t arg_num, const char *what);
/* Parse a "Name <addr>" / "addr" list as in a To: header; returns the mailboxes as a list. */
zend_result smtp_parse_address_list(const char *s, size_t len, smtp_php_mailbox_list *out, uint32_t arg_num);
void smtp_mailbox_list_free(smtp_php_mailbox_list *l);
zend_result smtp_mailbox_list_push(smtp_php_mailbox_list *l, zend_string *address, zend_string *name);

/* The options the INI gives smtp_mail() (also used by the mail() override). */
bool smtp_mail_impl(zend_string *to, zend_string *subject, zend_string *message, HashTable *headers_ht,
	zend_string *headers_str, zend_string *params);

#endif /* SMTP_PRIVATE_H */
