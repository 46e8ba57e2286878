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

/* The INI entries smtp.dkim_* (MINIT). */
void smtp_dkim_minit(int module_number);
/* The signer the INI describes for smtp_mail(); *configured is false when smtp.dkim_domain is empty (NULL
 * returned, nothing thrown). Throws (and returns NULL with *configured true) when the settings are bad. */
smtp_dkim_config *smtp_dkim_config_from_ini(bool *configured);
/* smtp_mail(): give c the INI's signer. False (after a warning) when the INI's signer is unusable. */
bool smtp_dkim_ini_attach(smtp_client_obj *c);

#endif
