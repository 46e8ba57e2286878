/*
 * smtp_dsn.h - delivery status notifications (smtp_dsn.c, RFC 3461): the options of Message::dsn() and
 * send()'s $dsn checked into one normal form, and the RET, ENVID, NOTIFY and ORCPT parameters of an
 * outgoing message made from it.
 */
#ifndef SMTP_DSN_H
#define SMTP_DSN_H

#include "php.h"

struct smtp_outgoing;

/* Check the options of Message::dsn() or send()'s $dsn and make their normal form (an array) in out.
 * Throws (ValueError/TypeError naming arg_num) and returns FAILURE. */
zend_result smtp_dsn_normalize(HashTable *options, zval *out, uint32_t arg_num);
/* Set o's DSN parameters from a normal form (NULL/UNDEF: none). source starts the ValueError thrown when
 * it names a recipient o does not have. */
zend_result smtp_dsn_prepare(struct smtp_outgoing *o, const zval *dsn, const char *source);
void smtp_dsn_release(struct smtp_outgoing *o);

#endif /* SMTP_DSN_H */
