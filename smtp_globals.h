/*
 * smtp_globals.h - the module globals: the smtp.* php.ini settings as the engine stores them (their
 * entries and checks are smtp_ini.c's) and the few per-request values looked up once. Read them only
 * through SMTP_G(): under ZTS each thread has its own copy.
 */
#ifndef SMTP_GLOBALS_H
#define SMTP_GLOBALS_H

#include "php.h"
#include "php_smtp.h"
#include "php_smtp_compat.h"

#if defined(ZTS) && defined(COMPILE_DL_SMTP)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

ZEND_BEGIN_MODULE_GLOBALS(smtp)
	char *host;
	zend_long port;
	char *tls;               /* "auto", "" or "off" (none), "none", "starttls", "implicit", "opportunistic" or 0-3 */
	char *username;
	/* points into PHP's own INI storage (the entry's value, and its master value after ini_set()): that the
	 * extension cannot wipe, and PHP frees it unwiped; every copy the extension makes is wiped
	 * (smtp_secret_zval_dtor(), smtp_options_set_password()) */
	char *password;
	char *password_provider; /* "" or the name of a function or "Class::method" giving the password */
	char *auth;              /* "" (automatic) or an AUTH mechanism name */
	char *helo;
	double timeout;
	char *from;
	bool override_mail;
	bool persistent;         /* smtp.persistent: smtp_mail()'s connection kept across requests */
	zend_string *default_helo; /* the machine's name, looked up once per request (see smtp_default_helo) */
	uint32_t round_robin_next; /* round_robin: the host the next connection starts with (smtp_hosts.c) */
	/* smtp_mail()'s connection, kept between its calls of a request (smtp_mail.c): the Smtp object that
	 * holds it, or NULL, and a digest of the settings it was made with */
	zend_object *mail_client;
	unsigned char mail_settings[32];
ZEND_END_MODULE_GLOBALS(smtp)

ZEND_EXTERN_MODULE_GLOBALS(smtp)
#define SMTP_G(v) ZEND_MODULE_GLOBALS_ACCESSOR(smtp, v)

#endif /* SMTP_GLOBALS_H */
