/*
 * smtp_ini.h - the smtp.* php.ini settings (smtp_ini.c) that configure smtp_mail() and the mail()
 * override: registered at MINIT, checked by their handlers without throwing (they also run at startup).
 * Which option of the client each one gives is the option table's INI column (smtp_options.h).
 */
#ifndef SMTP_INI_H
#define SMTP_INI_H

#include "php.h"

void smtp_ini_minit(int type, int module_number);
void smtp_ini_mshutdown(int type, int module_number);
/* One of PHP's own mail settings (SMTP, smtp_port, sendmail_from), "" when unset. */
const char *smtp_ini_php_setting(const char *name);
/* The server smtp_mail() sends to: smtp.host/smtp.port/smtp.tls, else PHP's SMTP and smtp_port (see README),
 * the port and TLS mode defaulted as smtp_options_resolve_port_tls() does. */
void smtp_mail_server(const char **host, zend_long *port, int *tls_mode);

#endif /* SMTP_INI_H */
