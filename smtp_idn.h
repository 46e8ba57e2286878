/*
 * smtp_idn.h - internationalized domain names (smtp_idn.c): for a server without SMTPUTF8, the non-ASCII
 * domains of an outgoing message's envelope and header addresses as A-labels (ext/intl's idn_to_ascii).
 */
#ifndef SMTP_IDN_H
#define SMTP_IDN_H

#include "php.h"

struct smtp_outgoing;

/* Turn the non-ASCII domains of o into A-labels. Throws and returns FAILURE when an address cannot be sent
 * without SMTPUTF8 (a non-ASCII local part, or ext/intl missing). */
zend_result smtp_idn_prepare(struct smtp_outgoing *o);
void smtp_idn_release(struct smtp_outgoing *o);

#endif /* SMTP_IDN_H */
