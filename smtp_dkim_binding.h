/*
 * smtp_dkim_binding.h - the binding's DKIM signer: its configuration from option "dkim" or the smtp.dkim_*
 * settings (smtp_dkim_config.c) and the signing of an outgoing message (smtp_dkim.c), with OpenSSL's
 * libcrypto. (protocol/smtp_dkim.h is the core's part: canonicalization and the DKIM-Signature field.)
 */
#ifndef SMTP_DKIM_BINDING_H
#define SMTP_DKIM_BINDING_H

#include "smtp_client.h"
#include "smtp_outgoing.h"

/* Parse option "dkim" (one signer array or a list of them); loads the keys. Throws (what names the option
 * in the message) and returns NULL. */
smtp_dkim_config *smtp_dkim_config_from_option(zval *v, const char *what);
void smtp_dkim_config_free(smtp_dkim_config *cfg);
/* Sign o (built by smtp_outgoing_build): hash it in a first pass, sign, and make o->body_fn send the
 * DKIM-Signature fields before the message. Throws (nothing sent) and returns FAILURE. */
zend_result smtp_dkim_attach(smtp_dkim_config *cfg, smtp_outgoing *o);
void smtp_dkim_job_free(smtp_dkim_job *job);

/* The content of the local file a key or certificate option names (smtp_dkim_config.c): an explicit
 * "file://" prefix is allowed, as in ext/openssl; no other stream wrapper is used, so no URL is ever
 * fetched; open_basedir applies. NULL when the file is missing, unreadable, not allowed, empty or the
 * name is a URL, all alike: the callers' one message (SMTP_LOCAL_PEM_ERROR) does not tell which. */
zend_string *smtp_read_local_file(zend_string *path);
#define SMTP_LOCAL_PEM_ERROR "is neither PEM text nor the path of a readable local file holding it" \
	" (only local files are read: no URL, no stream wrapper)"

/* The INI entries smtp.dkim_* (MINIT). */
void smtp_dkim_minit(int module_number);
/* The signer the INI describes for smtp_mail(); *configured is false when smtp.dkim_domain is empty (NULL
 * returned, nothing thrown). Throws (and returns NULL with *configured true) when the settings are bad. */
smtp_dkim_config *smtp_dkim_config_from_ini(bool *configured);
/* smtp_mail(): give c the INI's signer. False (after a warning) when the INI's signer is unusable. */
bool smtp_dkim_ini_attach(smtp_client_obj *c);

#endif
