/*
 * smtp_mail.h - smtp_mail() and PHP's mail() through it (smtp_mail.c): one message from mail()'s
 * arguments, sent to the server the smtp.* settings name.
 */
#ifndef SMTP_MAIL_H
#define SMTP_MAIL_H

#include "php.h"

/* Make PHP's mail() use smtp_mail() (smtp.override_mail=1). */
void smtp_mail_override_install(void);
/* The end of a request: QUIT smtp_mail()'s connection, or give it to the persistent pool (smtp.persistent). */
void smtp_mail_request_end(void);

#endif /* SMTP_MAIL_H */
