/*
 * smtp.c - the smtp extension's module: class registration, INI, phpinfo().
 *
 * The binding is split by concept, one header each (see smtp_private.h for the list). The protocol is in
 * protocol/.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_ini.h"
#include "SAPI.h"
#include "zend_attributes.h"
#include "ext/standard/info.h"
#include "ext/spl/spl_exceptions.h"

#include "smtp_client.h"
#include "smtp_persistent.h"
#include "smtp_transport.h"
#include "smtp_dkim_binding.h"
#include "smtp_arginfo.h"

ZEND_DECLARE_MODULE_GLOBALS(smtp)

zend_class_entry *smtp_ce_Smtp;
zend_class_entry *smtp_ce_Message;
zend_class_entry *smtp_ce_Result;
zend_class_entry *smtp_ce_Exception;
zend_class_entry *smtp_ce_ConnectionException;
zend_class_entry *smtp_ce_TlsException;
zend_class_entry *smtp_ce_AuthenticationException;
zend_class_entry *smtp_ce_ResponseException;
zend_class_entry *smtp_ce_RecipientException;

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
	if (new_value && smtp_ini_tls_mode(ZSTR_VAL(new_value)) == -2) {
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
	if (end == s || *end || port < 0 || port > 65535) {
		return ini_refuse(entry, new_value, stage, "a port number from 0 (automatic) to 65535", "0");
	}
	return OnUpdateLong(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

static ZEND_INI_MH(OnUpdateSmtpTimeout)
{
	const char *s = new_value ? ZSTR_VAL(new_value) : "", *end;
	double t = zend_strtod(s, &end);
	if (end == s || *end || !(t > 0) || !zend_finite(t) || t > 86400) {
		return ini_refuse(entry, new_value, stage, "a number of seconds greater than 0", "30");
	}
	return OnUpdateReal(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* smtp.host: empty (then PHP's SMTP setting), a host name or an IP address */
static ZEND_INI_MH(OnUpdateSmtpHost)
{
	if (new_value && ZSTR_LEN(new_value) && !smtp_ini_host_valid(ZSTR_VAL(new_value))) {
		return ini_refuse(entry, new_value, stage, "a host name or an IP address", "");
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* smtp.helo: empty (the machine's name) or a name for EHLO */
static ZEND_INI_MH(OnUpdateSmtpHelo)
{
	if (new_value && ZSTR_LEN(new_value) && !smtp_ini_helo_valid(ZSTR_VAL(new_value))) {
		return ini_refuse(entry, new_value, stage, "empty or a name for EHLO (printable ASCII, no spaces)", "");
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* smtp.from: empty (then sendmail_from) or one mailbox, "user@example.com" or "Name <user@example.com>" */
static ZEND_INI_MH(OnUpdateSmtpFrom)
{
	if (new_value && ZSTR_LEN(new_value) && !smtp_ini_from_valid(ZSTR_VAL(new_value), ZSTR_LEN(new_value))) {
		return ini_refuse(entry, new_value, stage,
			"empty or one address, user@example.com or Name <user@example.com>", "");
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* smtp.password_provider: empty, or the name of a function or "Class::method" giving the password (checked
 * for its spelling only: the function may be defined later) */
static ZEND_INI_MH(OnUpdateSmtpPasswordProvider)
{
	if (new_value && ZSTR_LEN(new_value) && !smtp_ini_callable_name_valid(ZSTR_VAL(new_value))) {
		return ini_refuse(entry, new_value, stage, "empty, a function name or \"Class::method\"", "");
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* smtp.auth: empty (the best mechanism offered) or a mechanism name, as option "auth" takes it */
static ZEND_INI_MH(OnUpdateSmtpAuth)
{
	if (new_value && ZSTR_LEN(new_value) && smtp_parse_auth_mech(ZSTR_VAL(new_value), ZSTR_LEN(new_value)) < 0) {
		return ini_refuse(entry, new_value, stage, "empty or one of PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, "
			"SCRAM-SHA-256, XOAUTH2, OAUTHBEARER", "");
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
	STD_PHP_INI_ENTRY("smtp.username", "", PHP_INI_ALL, OnUpdateString, username, zend_smtp_globals, smtp_globals)
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
PHP_INI_END()

static PHP_GINIT_FUNCTION(smtp)
{
#if defined(COMPILE_DL_SMTP) && defined(ZTS)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	memset(smtp_globals, 0, sizeof(*smtp_globals));
}

static PHP_GSHUTDOWN_FUNCTION(smtp)
{
	if (smtp_globals->default_helo) {
		zend_string_release_ex(smtp_globals->default_helo, 1);
		smtp_globals->default_helo = NULL;
	}
}

static PHP_MINIT_FUNCTION(smtp)
{
	REGISTER_INI_ENTRIES();

	smtp_ce_Smtp = register_class_Smtp();
	smtp_ce_Smtp->create_object = smtp_client_create;
	smtp_ce_Message = register_class_Smtp_Message();
	smtp_ce_Message->create_object = smtp_message_create;
	smtp_ce_Result = register_class_Smtp_Result();

	smtp_ce_Exception = register_class_Smtp_Exception(spl_ce_RuntimeException);
	smtp_ce_ConnectionException = register_class_Smtp_ConnectionException(smtp_ce_Exception);
	smtp_ce_TlsException = register_class_Smtp_TlsException(smtp_ce_ConnectionException);
	smtp_ce_AuthenticationException = register_class_Smtp_AuthenticationException(smtp_ce_Exception);
	smtp_ce_ResponseException = register_class_Smtp_ResponseException(smtp_ce_Exception);
	smtp_ce_RecipientException = register_class_Smtp_RecipientException(smtp_ce_Exception);

	smtp_client_register_handlers();
	smtp_message_register_handlers();
	smtp_persistent_minit(module_number);
	smtp_dkim_minit(module_number);

	if (SMTP_G(override_mail)) {
		smtp_mail_override_install();
	}
	return SUCCESS;
}

static PHP_MSHUTDOWN_FUNCTION(smtp)
{
	UNREGISTER_INI_ENTRIES();
	return SUCCESS;
}

static PHP_RINIT_FUNCTION(smtp)
{
	(void)type;
	(void)module_number;
#if defined(COMPILE_DL_SMTP) && defined(ZTS)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	return SUCCESS;
}

static PHP_MINFO_FUNCTION(smtp)
{
	php_info_print_table_start();
	php_info_print_table_row(2, "SMTP client", "enabled");
	php_info_print_table_row(2, "Version", PHP_SMTP_VERSION);
	php_info_print_table_row(2, "TLS (through ext/openssl streams)", smtp_tls_available() ? "available" : "unavailable");
	php_info_print_table_row(2, "AUTH mechanisms", "SCRAM-SHA-256, SCRAM-SHA-1, PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER");
	php_info_print_table_row(2, "Extensions used", "PIPELINING, CHUNKING, 8BITMIME, SMTPUTF8, SIZE, DSN, "
		"ENHANCEDSTATUSCODES, STARTTLS");
	php_info_print_table_row(2, "mail() override", SMTP_G(override_mail) ? "active" : "off");
	{
		/* where smtp_mail() (and mail() with the override) sends, after the fallback to SMTP/smtp_port */
		static const char *const modes[] = {"none", "STARTTLS", "implicit TLS", "opportunistic STARTTLS"};
		const char *host;
		zend_long port;
		int tls;
		char server[320];
		smtp_mail_server(&host, &port, &tls);
		snprintf(server, sizeof(server), "%s:" ZEND_LONG_FMT ", TLS: %s", host, port,
			tls >= 0 && tls <= 3 ? modes[tls] : "?");
		php_info_print_table_row(2, "smtp_mail() server", server);
	}
	php_info_print_table_end();

	DISPLAY_INI_ENTRIES();
}

static const zend_module_dep smtp_deps[] = {
	ZEND_MOD_REQUIRED("spl")
	ZEND_MOD_REQUIRED("date")
	ZEND_MOD_REQUIRED("standard")
	ZEND_MOD_OPTIONAL("openssl")
	ZEND_MOD_END
};

zend_module_entry smtp_module_entry = {
	STANDARD_MODULE_HEADER_EX,
	NULL,
	smtp_deps,
	"smtp",
	ext_functions,
	PHP_MINIT(smtp),
	PHP_MSHUTDOWN(smtp),
	PHP_RINIT(smtp),
	NULL,
	PHP_MINFO(smtp),
	PHP_SMTP_VERSION,
	PHP_MODULE_GLOBALS(smtp),
	PHP_GINIT(smtp),
	PHP_GSHUTDOWN(smtp),
	NULL,
	STANDARD_MODULE_PROPERTIES_EX
};

#ifdef COMPILE_DL_SMTP
# ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
# endif
ZEND_GET_MODULE(smtp)
#endif
