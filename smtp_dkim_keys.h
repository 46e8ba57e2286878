/*
 * smtp_dkim_keys.h - the DKIM signers a configuration holds, shared by the files that read them
 * (smtp_dkim_config.c: option "dkim" and the smtp.dkim_* INI settings) and use them (smtp_dkim.c: signing).
 * Private to those two; the rest of the binding sees only smtp_dkim_binding.h.
 */
#ifndef SMTP_DKIM_KEYS_H
#define SMTP_DKIM_KEYS_H

#include <openssl/evp.h>

#include "php.h"
#include "protocol/smtp_dkim.h"

typedef struct smtp_dkim_key {
	smtp_dkim_params p;
	zend_string *domain, *selector, *identity, *headers;
	zend_long expire;
	EVP_PKEY *pkey;
} smtp_dkim_key;

struct smtp_dkim_config {
	smtp_dkim_key *keys;
	uint32_t count;
};

#endif /* SMTP_DKIM_KEYS_H */
