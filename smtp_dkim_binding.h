/*
 * smtp_dkim_binding.h - the binding's DKIM signer (smtp_dkim.c), used by the send paths.
 */
#ifndef SMTP_DKIM_BINDING_H
#define SMTP_DKIM_BINDING_H

#include "php_smtp.h"

/* Parse option "dkim" (one signer array or a list of them); loads the keys. Throws (what names the option
 * in the message) and returns NULL. */
smtp_dkim_config *smtp_dkim_config_from_option(zval *v, const char *what);
void smtp_dkim_config_free(smtp_dkim_config *cfg);
/* Sign o (built by smtp_outgoing_build): hash it in a first pass, sign, and make o->body_fn send the
 * DKIM-Signature fields before the message. Throws (nothing sent) and returns FAILURE. */
zend_result smtp_dkim_attach(smtp_dkim_config *cfg, smtp_outgoing *o);
void smtp_dkim_job_free(smtp_dkim_job *job);

#endif
