/*
 * smtp_values.c - what each setting accepts, checked by one function whether it comes from Smtp's $options
 * (smtp_options.c, which throws) or from php.ini (smtp_ini.c, which warns): TLS mode names, AUTH
 * mechanism names, the EHLO name, seconds, ports, user names; the port and TLS mode each implies; and the
 * machine's name, the default EHLO name.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_network.h"
#ifdef PHP_WIN32
# include <winsock2.h>
# include <ws2tcpip.h>
#endif
#include "zend_smart_str.h"

#include "protocol/smtp_core.h"
#include "smtp_values.h"
#include "smtp_globals.h"

/* ---- what a setting accepts ------------------------------------------------------------------------------------ */

int smtp_parse_tls_mode(const char *s)
{
	static const char *const names[] = {"none", "starttls", "implicit", "opportunistic"};
	int i;
	if (s[0] >= '0' && s[0] <= '3' && s[1] == '\0') {
		return s[0] - '0';
	}
	for (i = 0; i < 4; i++) {
		if (zend_binary_strcasecmp(s, strlen(s), names[i], strlen(names[i])) == 0) {
			return i;
		}
	}
	return -1;
}

int smtp_parse_auth_mech(const char *s, size_t len)
{
	const smtp_auth_mechanism *m = smtp_auth_mechanism_find(s, len); /* the core's table */
	return m ? (int)m->mech : -1;
}

/* "\"SCRAM-SHA-256\", ... or \"OAUTHBEARER\"": every name of the core's mechanism table, for messages. */
zend_string *smtp_auth_mech_choices(void)
{
	smart_str out = {0};
	size_t i, n;
	const smtp_auth_mechanism *m = smtp_auth_mechanisms(&n);
	for (i = 0; i < n; i++) {
		smart_str_appends(&out, i == 0 ? "\"" : i + 1 == n ? " or \"" : ", \"");
		smart_str_appends(&out, m[i].name);
		smart_str_appendc(&out, '"');
	}
	smart_str_0(&out);
	return out.s;
}

bool smtp_helo_valid(const char *s, size_t len)
{
	size_t i;
	if (len == 0 || len > 255) {
		return false;
	}
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126) {
			return false;
		}
	}
	return true;
}

bool smtp_seconds_valid(double seconds)
{
	return seconds > 0 && zend_finite(seconds);
}

bool smtp_port_valid(zend_long port)
{
	return port >= 0 && port <= 65535;
}

bool smtp_username_valid(const char *s, size_t len)
{
	return !smtp_has_line_break(s, len);
}

void smtp_resolve_port_tls(zend_long *port, int *tls_mode, zend_long opportunistic_port)
{
	if (*tls_mode < 0) {
		*tls_mode = *port == 465 ? SMTP_TLS_IMPLICIT : SMTP_TLS_STARTTLS;
	}
	if (*port == 0) {
		*port = *tls_mode == SMTP_TLS_IMPLICIT ? 465 : *tls_mode == SMTP_TLS_STARTTLS ? 587
			: *tls_mode == SMTP_TLS_NONE ? 25 : opportunistic_port;
	}
}

/* ---- the name we give in EHLO ------------------------------------------------------------------- */

static bool helo_name_ok(const char *s, size_t len)
{
	size_t i;
	if (len == 0 || len > 255) {
		return false;
	}
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-'
			|| ch == '.')) {
			return false;
		}
	}
	return s[0] != '.' && s[0] != '-' && s[len - 1] != '.';
}

zend_string *smtp_default_helo(void)
{
	char name[256];
	const char *best = NULL;
	struct addrinfo hints, *res = NULL;

	if (SMTP_G(default_helo)) {
		return SMTP_G(default_helo);
	}
	name[0] = '\0';
	if (gethostname(name, sizeof(name) - 1) == 0) {
		name[sizeof(name) - 1] = '\0';
		if (strchr(name, '.') && helo_name_ok(name, strlen(name))) {
			best = name;
		} else if (name[0]) {
			/* a short name: ask the resolver for the canonical one */
			memset(&hints, 0, sizeof(hints));
			hints.ai_family = AF_UNSPEC;
			hints.ai_flags = AI_CANONNAME;
			hints.ai_socktype = SOCK_STREAM;
			if (getaddrinfo(name, NULL, &hints, &res) == 0 && res) {
				if (res->ai_canonname && strchr(res->ai_canonname, '.')
					&& helo_name_ok(res->ai_canonname, strlen(res->ai_canonname))) {
					best = res->ai_canonname;
				}
			}
		}
	}
	SMTP_G(default_helo) = zend_string_init(best ? best : "localhost", strlen(best ? best : "localhost"), 1);
	if (res) {
		freeaddrinfo(res);
	}
	return SMTP_G(default_helo);
}
