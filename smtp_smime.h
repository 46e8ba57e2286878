/*
 * smtp_smime.h - S/MIME (smtp_smime.c): an outgoing Message signed and/or encrypted as its smime() asks,
 * with OpenSSL's CMS (libcrypto), then sent as a raw message.
 */
#ifndef SMTP_SMIME_H
#define SMTP_SMIME_H

#include "php.h"

struct smtp_outgoing;

/* Sign and/or encrypt o's Message; o then sends the result as a raw message. Throws (nothing sent) and
 * returns FAILURE. */
zend_result smtp_smime_apply(struct smtp_outgoing *o);

#endif /* SMTP_SMIME_H */
