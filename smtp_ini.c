/*
 * smtp_ini.c - the smtp.* php.ini settings (smtp_ini.h): their entries, the checks their handlers make (a
 * bad value is a startup warning naming the setting and the default kept, or a failed ini_set()), PHP's
 * own mail settings they fall back on, and the server smtp_mail() sends to. What each setting gives a
 * client is the option table's INI column (smtp_options.c); each value is checked by the function
 * smtp_values.c has for the option it gives.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_ini.h"
#include "SAPI.h"

#include "php_smtp_compat.h"
#include "protocol/smtp_core.h"
#include "smtp_ini.h"
#include "smtp_globals.h"
#include "smtp_values.h"

/* ---- reading and checking the settings ----------------------------------------------------------- */

/* PHP's own mail settings (SMTP, smtp_port, sendmail_from), read the same way on every PHP version; "" when
 * unset. */
const char *smtp_ini_php_setting(const char *name)
{
	const char *v = smtp_compat_ini_string(name, strlen(name));
	return v ? v : "";
}

static zend_long php_setting_long(const char *name)
{
	return smtp_compat_ini_long(name, strlen(name));
}

static int ini_tls_mode(const char *s)
{
	int mode;
	if (s[0] == '\0' || zend_binary_strcasecmp(s, strlen(s), "off", 3) == 0) {
		return SMTP_TLS_NONE; /* also unquoted none, off, no, false, null: the INI parser makes them "" */
	}
	if (zend_binary_strcasecmp(s, strlen(s), "auto", 4) == 0) {
		return -1;
	}
	mode = smtp_parse_tls_mode(s);
	return mode < 0 ? -2 : mode;
}

static bool ini_host_valid(const char *s)
{
	/* one host name or address, or a comma-separated list of them (tried in order) */
	size_t i, len = strlen(s), item = 0;
	if (len > 1024) {
		return false;
	}
	for (i = 0; i <= len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == ',' || ch == '\0') {
			if (item == 0 || item > 255) {
				return false; /* an empty item, or a name longer than DNS allows */
			}
			item = 0;
		} else if (ch == ' ' || ch == '\t') {
			/* white space only around the commas */
			if (item != 0 && s[i + 1] != ',' && s[i + 1] != ' ' && s[i + 1] != '\t' && s[i + 1] != '\0') {
				return false;
			}
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.'
			|| ch == '-' || ch == '_' || ch == ':' || ch == '[' || ch == ']' || ch == '%') {
			item++;
		} else {
			return false;
		}
	}
	return true;
}

/* "addr" or "Name <addr>" (the name quoted or not): where the address is, without throwing. */
static bool split_mailbox(const char *s, size_t len, const char **addr, size_t *addr_len, const char **name,
	size_t *name_len)
{
	const char *lt = NULL, *gt = NULL;
	size_t i;
	bool quoted = false;
	for (i = 0; i < len; i++) {
		if (quoted) {
			if (s[i] == '\\' && i + 1 < len) {
				i++;
			} else if (s[i] == '"') {
				quoted = false;
			}
		} else if (s[i] == '"') {
			quoted = true;
		} else if (s[i] == '<' && !lt) {
			lt = s + i;
		} else if (s[i] == '>' && lt && !gt) {
			gt = s + i;
		}
	}
	if (quoted || (lt && !gt)) {
		return false;
	}
	if (lt) {
		const char *rest = gt + 1;
		while (rest < s + len && (*rest == ' ' || *rest == '\t')) {
			rest++;
		}
		if (rest != s + len) {
			return false;
		}
		*addr = lt + 1;
		*addr_len = (size_t)(gt - lt - 1);
		*name = s;
		*name_len = (size_t)(lt - s);
	} else {
		*addr = s;
		*addr_len = len;
		*name = s;
		*name_len = 0;
	}
	while (*addr_len && (**addr == ' ' || **addr == '\t')) {
		(*addr)++;
		(*addr_len)--;
	}
	while (*addr_len && ((*addr)[*addr_len - 1] == ' ' || (*addr)[*addr_len - 1] == '\t')) {
		(*addr_len)--;
	}
	while (*name_len && ((*name)[*name_len - 1] == ' ' || (*name)[*name_len - 1] == '\t')) {
		(*name_len)--;
	}
	return true;
}

static bool ini_from_valid(const char *s, size_t len)
{
	const char *addr, *name;
	size_t al, nl;
	return !smtp_has_line_break(s, len) && split_mailbox(s, len, &addr, &al, &name, &nl)
		&& smtp_address_valid(addr, al, 1, NULL);
}

/* A PHP name from s to end: identifiers, separated by backslashes when namespaced is true. */
static bool php_name_valid(const char *s, const char *end, bool namespaced)
{
	bool start = true;
	for (; s < end; s++) {
		unsigned char ch = (unsigned char)*s;
		if (namespaced && ch == '\\' && !start) {
			start = true;
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch >= 0x80
			|| (!start && ch >= '0' && ch <= '9')) {
			start = false;
		} else {
			return false;
		}
	}
	return !start;
}

/* "name", "Name\Space\name" or "Class::method" (a leading backslash allowed), as a string callable is
 * written. Whether it exists is not checked: it may be defined after the setting is made. */
static bool ini_callable_name_valid(const char *s)
{
	const char *method = strstr(s, "::"), *end = s + strlen(s);
	if (*s == '\\') {
		s++;
	}
	if (!method) {
		return php_name_valid(s, end, true);
	}
	return php_name_valid(s, method, true) && php_name_valid(method + 2, end, false);
}

void smtp_mail_server(const char **host, zend_long *port, int *tls_mode)
{
	*host = SMTP_G(host) && SMTP_G(host)[0] ? SMTP_G(host) : smtp_ini_php_setting("SMTP");
	if (!(*host)[0]) {
		*host = "localhost";
	}
	*tls_mode = ini_tls_mode(SMTP_G(tls) ? SMTP_G(tls) : "auto");
	*port = SMTP_G(port);
	if (*port == 0) {
		/* smtp_port = 25 is PHP's default (and php.ini-production's): not taken as a choice */
		zend_long php_port = php_setting_long("smtp_port");
		if (php_port > 0 && php_port <= 65535 && php_port != 25) {
			*port = php_port;
		}
	}
	smtp_resolve_port_tls(port, tls_mode, 587);
}

/* ---- the entries --------------------------------------------------------------------------------- */

/*
 * A php.ini value that cannot be used: at startup a warning naming the setting and the default kept (the
 * engine then applies the default); from ini_set() a warning naming the setting, and ini_set() fails.
 */
static zend_result ini_refuse(zend_ini_entry *entry, zend_string *value, int stage, const char *expected,
	const char *default_value)
{
	if (stage == ZEND_INI_STAGE_STARTUP) {
		php_error_docref(NULL, E_WARNING, "%s = \"%s\" in the configuration is invalid (it must be %s); "
			"the default \"%s\" is used", ZSTR_VAL(entry->name), value ? ZSTR_VAL(value) : "", expected,
			default_value);
	} else if (stage != ZEND_INI_STAGE_SHUTDOWN && stage != ZEND_INI_STAGE_DEACTIVATE) {
		php_error_docref(NULL, E_WARNING, "%s must be %s, \"%s\" given", ZSTR_VAL(entry->name), expected,
			value ? ZSTR_VAL(value) : "");
	}
	return FAILURE;
}

/*
 * smtp.tls: "auto" (implicit TLS on port 465, else STARTTLS), a mode name, or its number. php.ini's parser
 * turns unquoted none, off, no, false and null into the empty string, so empty means no TLS.
 */
static ZEND_INI_MH(OnUpdateSmtpTls)
{
	if (new_value && ini_tls_mode(ZSTR_VAL(new_value)) == -2) {
		return ini_refuse(entry, new_value, stage,
			"auto, starttls, implicit, opportunistic or none (also written off)", "auto");
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

static ZEND_INI_MH(OnUpdateSmtpPort)
{
	const char *s = new_value ? ZSTR_VAL(new_value) : "";
	char *end;
	zend_long port = ZEND_STRTOL(s, &end, 10);
	while (*end == ' ' || *end == '\t') {
		end++;
	}
	if (end == s || *end || !smtp_port_valid(port)) {
		return ini_refuse(entry, new_value, stage, "a port number from 0 (automatic) to 65535", "0");
	}
	return OnUpdateLong(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

static ZEND_INI_MH(OnUpdateSmtpTimeout)
{
	const char *s = new_value ? ZSTR_VAL(new_value) : "", *end;
	double t = zend_strtod(s, &end);
	if (end == s || *end || !smtp_seconds_valid(t)) {
		return ini_refuse(entry, new_value, stage, "a number of seconds greater than 0", "30");
	}
	return OnUpdateReal(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* smtp.host: empty (then PHP's SMTP setting), a host name or an IP address */
static ZEND_INI_MH(OnUpdateSmtpHost)
{
	if (new_value && ZSTR_LEN(new_value) && !ini_host_valid(ZSTR_VAL(new_value))) {
		return ini_refuse(entry, new_value, stage, "a host name or an IP address", "");
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* smtp.helo: empty (the machine's name) or a name for EHLO */
static ZEND_INI_MH(OnUpdateSmtpHelo)
{
	if (new_value && ZSTR_LEN(new_value) && !smtp_helo_valid(ZSTR_VAL(new_value), ZSTR_LEN(new_value))) {
		return ini_refuse(entry, new_value, stage, "empty or a name for EHLO (printable ASCII, no spaces)", "");
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* smtp.from: empty (then sendmail_from) or one mailbox, "user@example.com" or "Name <user@example.com>" */
static ZEND_INI_MH(OnUpdateSmtpFrom)
{
	if (new_value && ZSTR_LEN(new_value) && !ini_from_valid(ZSTR_VAL(new_value), ZSTR_LEN(new_value))) {
		return ini_refuse(entry, new_value, stage,
			"empty or one address, user@example.com or Name <user@example.com>", "");
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* smtp.username: empty (no AUTH) or a user name, as option "username" takes it */
static ZEND_INI_MH(OnUpdateSmtpUsername)
{
	if (new_value && ZSTR_LEN(new_value) && !smtp_username_valid(ZSTR_VAL(new_value), ZSTR_LEN(new_value))) {
		return ini_refuse(entry, new_value, stage, "empty or a user name without CR, LF or NUL", "");
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* smtp.password_provider: empty, or the name of a function or "Class::method" giving the password (checked
 * for its spelling only: the function may be defined later) */
static ZEND_INI_MH(OnUpdateSmtpPasswordProvider)
{
	if (new_value && ZSTR_LEN(new_value) && !ini_callable_name_valid(ZSTR_VAL(new_value))) {
		return ini_refuse(entry, new_value, stage, "empty, a function name or \"Class::method\"", "");
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* smtp.auth: empty (the best mechanism offered) or a mechanism name, as option "auth" takes it */
static ZEND_INI_MH(OnUpdateSmtpAuth)
{
	if (new_value && ZSTR_LEN(new_value) && smtp_parse_auth_mech(ZSTR_VAL(new_value), ZSTR_LEN(new_value)) < 0) {
		zend_string *choices = smtp_auth_mech_choices();
		char expected[256];
		snprintf(expected, sizeof(expected), "empty or one of %s", ZSTR_VAL(choices));
		zend_string_release(choices);
		return ini_refuse(entry, new_value, stage, expected, "");
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* phpinfo() shows whether a password is set, never the password */
static ZEND_INI_DISP(smtp_password_displayer)
{
	zend_string *value = type == ZEND_INI_DISPLAY_ORIG && ini_entry->modified ? ini_entry->orig_value
		: ini_entry->value;
	if (value && ZSTR_LEN(value)) {
		PUTS("********");
	} else if (sapi_module.phpinfo_as_text) {
		PUTS("no value");
	} else {
		PUTS("<i>no value</i>");
	}
}

PHP_INI_BEGIN()
	STD_PHP_INI_ENTRY("smtp.host", "", PHP_INI_ALL, OnUpdateSmtpHost, host, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.port", "0", PHP_INI_ALL, OnUpdateSmtpPort, port, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.tls", "auto", PHP_INI_ALL, OnUpdateSmtpTls, tls, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.username", "", PHP_INI_ALL, OnUpdateSmtpUsername, username, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY_EX("smtp.password", "", PHP_INI_ALL, OnUpdateString, password, zend_smtp_globals,
		smtp_globals, smtp_password_displayer)
	STD_PHP_INI_ENTRY("smtp.password_provider", "", PHP_INI_ALL, OnUpdateSmtpPasswordProvider, password_provider,
		zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.auth", "", PHP_INI_ALL, OnUpdateSmtpAuth, auth, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.helo", "", PHP_INI_ALL, OnUpdateSmtpHelo, helo, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.timeout", "30", PHP_INI_ALL, OnUpdateSmtpTimeout, timeout, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.from", "", PHP_INI_ALL, OnUpdateSmtpFrom, from, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_BOOLEAN("smtp.override_mail", "0", PHP_INI_SYSTEM, OnUpdateBool, override_mail, zend_smtp_globals,
		smtp_globals)
	STD_PHP_INI_BOOLEAN("smtp.persistent", "0", PHP_INI_ALL, OnUpdateBool, persistent, zend_smtp_globals, smtp_globals)
PHP_INI_END()

void smtp_ini_minit(int type, int module_number)
{
	REGISTER_INI_ENTRIES();
}

void smtp_ini_mshutdown(int type, int module_number)
{
	UNREGISTER_INI_ENTRIES();
}
