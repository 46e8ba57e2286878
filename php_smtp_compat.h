/*
 * php_smtp_compat.h - every difference between the PHP versions the extension supports (8.2 to 8.6),
 * in one place. The rest of the binding is written against one API and includes this header instead of
 * testing PHP_VERSION_ID itself. To support a new PHP: build with it (scripts/test-php-versions.sh),
 * and add a guard here for whatever it no longer has.
 */
#ifndef PHP_SMTP_COMPAT_H
#define PHP_SMTP_COMPAT_H

#include <stddef.h>
#include "php.h"
#include "php_ini.h"

#if PHP_VERSION_ID < 80200
# error "the smtp extension needs PHP 8.2 or later"
#endif

/* Monotonic clock in nanoseconds: Zend's own from 8.3, ext/standard's before. */
#if PHP_VERSION_ID >= 80300
# include "Zend/zend_hrtime.h"
# define smtp_compat_hrtime_ns() ((uint64_t)zend_hrtime())
#else
# include "ext/standard/hrtime.h"
# define smtp_compat_hrtime_ns() ((uint64_t)php_hrtime_current())
#endif

/*
 * The object structs embed their zend_object last and find it with plain C99 offsetof(): the
 * XtOffsetOf() macro of older code is gone in PHP 8.6.
 */
#define smtp_compat_container(type, obj) ((type *)((char *)(obj) - offsetof(type, std)))

/*
 * Reading a php.ini setting that belongs to PHP itself (SMTP, smtp_port, sendmail_from). The INI_STR()
 * and INI_INT() shorthands are gone in 8.6; the functions under them are there in every version.
 * An unset string setting is NULL.
 */
static inline const char *smtp_compat_ini_string(const char *name, size_t name_len)
{
	return zend_ini_string_ex(name, name_len, 0, NULL);
}

static inline zend_long smtp_compat_ini_long(const char *name, size_t name_len)
{
	return zend_ini_long(name, name_len, 0);
}

#define SMTP_INI_STRING(literal) smtp_compat_ini_string((literal), sizeof(literal) - 1)
#define SMTP_INI_LONG(literal) smtp_compat_ini_long((literal), sizeof(literal) - 1)

#endif /* PHP_SMTP_COMPAT_H */
