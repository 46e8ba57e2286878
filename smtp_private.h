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
	uint32_t round_robin_next; /* round_robin: the host the next connection starts with (smtp_hosts.c) */
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

/* Smtp\Message and the core's message built from it; mailboxes and address lists (smtp_address.h) */
#include "smtp_message.h"

/* ---- helpers shared by the binding files ------------------------------------------------------- */

/* A TLS mode name ("none", "starttls", "implicit", "opportunistic") or digit, or -1 (smtp_options.c). */
int smtp_parse_tls_mode(const char *s);
/* An AUTH mechanism name (any case), or -1 (smtp_options.c). */
int smtp_parse_auth_mech(const char *s, size_t len);
/* Every mechanism name, quoted, for "must be one of ..." messages (smtp_options.c). */
zend_string *smtp_auth_mech_choices(void);
/* Make PHP's mail() use smtp_mail() (smtp.override_mail=1). */
void smtp_mail_override_install(void);

/* The options the INI gives smtp_mail() (also used by the mail() override). */
bool smtp_mail_impl(zend_string *to, zend_string *subject, zend_string *message, HashTable *headers_ht,
	zend_string *headers_str, zend_string *params);

#endif /* SMTP_PRIVATE_H */
