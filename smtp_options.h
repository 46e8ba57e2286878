/*
 * smtp_options.h - the options of class Smtp as one table (smtp_options.c).
 *
 * Each row is one option of the constructor's $options: its name, its kind (how it is checked and
 * stored), the field of smtp_client_obj it sets, its default, whether it shapes the connection (then it
 * is part of the persistent key, so a kept connection is never reused with another value), and the
 * php.ini setting smtp_mail() takes it from, if any. The table drives the constructor, the defaults of a
 * new object, the persistent key and the INI path of smtp_mail(); a bad value is a ValueError or
 * TypeError naming the option.
 *
 * Adding an option: a field in smtp_client_obj (smtp_client.h), one row in the table, and its behaviour
 * where it acts. Document it in README's Options table (and its mail() section when it has an INI row).
 */
#ifndef SMTP_OPTIONS_H
#define SMTP_OPTIONS_H

#include "smtp_client.h"
#include "smtp_persistent.h"

/* Defaults of the options (smtp_client_create()). */
void smtp_options_defaults(smtp_client_obj *c);
/* dst (a new object) takes src's settings, as an extra connection of sendBatch() needs them: every row of
 * the table, the password provider and the hosts; never persistent; not the OTHER rows (DKIM: the object
 * that builds the messages signs them). */
void smtp_options_copy(smtp_client_obj *dst, smtp_client_obj *src);
/* Free what the options hold (the object is freed). */
void smtp_options_free(smtp_client_obj *c);

/* The constructor: the host argument (a name or a list of names and [host, port] pairs), the port and the
 * options. Throws (ValueError/TypeError naming the argument or option) and returns FAILURE. */
zend_result smtp_options_construct(smtp_client_obj *c, zend_string *host, HashTable *host_list, zend_long port,
	HashTable *options);
/* smtp_mail(): the options from the smtp.* settings (the rows with an INI name), through the same checks as
 * the constructor, and the server of smtp_mail_server(). Throws and returns FAILURE. */
zend_result smtp_options_from_ini(smtp_client_obj *c);

/* The persistent key of c's settings: false when c does not want a persistent connection or its settings
 * cannot be keyed (an object in the stream context options). */
bool smtp_options_key(smtp_client_obj *c, smtp_pconn_key *key);

/* The password (a private copy: it is wiped when replaced or freed); NULL: none. */
void smtp_options_set_password(smtp_client_obj *c, const char *password, size_t len);

#endif /* SMTP_OPTIONS_H */
