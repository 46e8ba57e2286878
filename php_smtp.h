/*
 * php_smtp.h - the smtp extension's public header: what php-src's extension loader and other extensions
 * need (the module entry, phpext_smtp_ptr, the version). The binding's own declarations are in one
 * header per concept (smtp_globals.h, smtp_client.h, smtp_message.h, ...: DESIGN.md lists them).
 */
#ifndef PHP_SMTP_H
#define PHP_SMTP_H

#include "php.h"

extern zend_module_entry smtp_module_entry;
#define phpext_smtp_ptr &smtp_module_entry

#define PHP_SMTP_VERSION "0.1.0"

#endif /* PHP_SMTP_H */
