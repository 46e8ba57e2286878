/*
 * smtp_values.h - what each setting accepts (smtp_values.c): one check per kind of value, called by the
 * option table of Smtp (smtp_options.c, which throws a ValueError naming the option) and by the php.ini
 * handlers (smtp_ini.c, which warn), so the constructor and php.ini never disagree. Also the defaults that
 * depend on other values (port and TLS mode) or on the machine (the EHLO name).
 */
#ifndef SMTP_VALUES_H
#define SMTP_VALUES_H

#include "php.h"

/* A TLS mode name ("none", "starttls", "implicit", "opportunistic", any case) or digit 0-3, or -1. */
int smtp_parse_tls_mode(const char *s);
/* An AUTH mechanism name (any case) of the core's mechanism table, or -1. */
int smtp_parse_auth_mech(const char *s, size_t len);
/* Every mechanism name, quoted, for "must be one of ..." messages. */
zend_string *smtp_auth_mech_choices(void);
/* A name for EHLO: printable ASCII without space, 1 to 255 octets. */
bool smtp_helo_valid(const char *s, size_t len);
/* A timeout: a finite number of seconds greater than 0. */
bool smtp_seconds_valid(double seconds);
/* A port: 0 (the TLS mode's usual one) to 65535. */
bool smtp_port_valid(zend_long port);
/* A user name for AUTH: no CR, LF or NUL. */
bool smtp_username_valid(const char *s, size_t len);

/* The port and TLS mode when not both are given: tls_mode -1 ("auto", not given) becomes implicit TLS on
 * port 465, else STARTTLS; port 0 becomes the mode's usual port: 465 implicit, 587 STARTTLS, 25 none,
 * opportunistic_port for TLS_OPPORTUNISTIC (the constructor 25, php.ini 587, as documented). */
void smtp_resolve_port_tls(zend_long *port, int *tls_mode, zend_long opportunistic_port);

/* The machine's fully qualified name, or "localhost": the default EHLO name (looked up once a request). */
zend_string *smtp_default_helo(void);

/* Release z, wiping it first when it is a string only we hold: the copy of a secret taken from the INI
 * (smtp.password, smtp.dkim_passphrase, a PEM key in smtp.dkim_key). A shared or interned string is
 * someone else's and is only released. */
static inline void smtp_secret_zval_dtor(zval *z)
{
	if (Z_TYPE_P(z) == IS_STRING && !ZSTR_IS_INTERNED(Z_STR_P(z)) && GC_REFCOUNT(Z_STR_P(z)) == 1) {
		ZEND_SECURE_ZERO(Z_STRVAL_P(z), Z_STRLEN_P(z));
	}
	zval_ptr_dtor(z);
	ZVAL_NULL(z);
}

#endif /* SMTP_VALUES_H */
