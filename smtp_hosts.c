/*
 * smtp_hosts.c - the hosts of class Smtp: the host argument (one name, or a list of names and [host, port]
 * pairs), smtp.host as a comma-separated list, and the host a connection goes to next (in order, or
 * round robin). See smtp_hosts.h.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"

#include "smtp_hosts.h"
#include "smtp_client.h"
#include "smtp_globals.h"

/* A host for "tcp://host:port": a name, an IPv4 address, or an IPv6 address with or without brackets. */
static bool host_ok(zend_string *h)
{
	size_t i;
	if (ZSTR_LEN(h) == 0 || ZSTR_LEN(h) > 255) {
		return false;
	}
	for (i = 0; i < ZSTR_LEN(h); i++) {
		unsigned char ch = (unsigned char)ZSTR_VAL(h)[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.'
			|| ch == '-' || ch == '_' || ch == ':' || ch == '[' || ch == ']' || ch == '%')) {
			return false;
		}
	}
	return true;
}

/* The host argument: a host name or address, never a URL or "host:port" (the port is its own argument);
 * the ValueError says what to write instead. */
bool smtp_hosts_arg_ok(zend_string *host)
{
	const char *h = ZSTR_VAL(host), *colon = strchr(h, ':'), *p;
	if (strstr(h, "://")) {
		zend_argument_value_error(1, "must be a host name or an IP address, not a URL (write new Smtp(\"host\", "
			"port, ['tls' => Smtp::TLS_IMPLICIT or Smtp::TLS_STARTTLS]))");
		return false;
	}
	/* "name:25", "1.2.3.4:25" (one colon) or "[v6]:25": a port in the host string */
	p = NULL;
	if (colon && !strchr(colon + 1, ':') && colon[1]) {
		p = colon + 1;
	} else if (h[0] == '[' && (p = strstr(h, "]:")) != NULL) {
		colon = p + 1;
		p += 2;
	}
	if (p && *p) {
		const char *d = p;
		while (*d >= '0' && *d <= '9') {
			d++;
		}
		if (!*d && d - p <= 5) {
			zend_argument_value_error(1, "must be a host name or an IP address without a port: write new "
				"Smtp(\"%.*s\", %s) instead of new Smtp(\"%s\")", (int)(colon - h), h, p, h);
			return false;
		}
	}
	if (!ZSTR_LEN(host) || !host_ok(host)) {
		zend_argument_value_error(1, "must be a host name or an IP address");
		return false;
	}
	return true;
}

/* The host argument as a list: host names and [host, port] pairs. */
bool smtp_hosts_list_ok(HashTable *host_list)
{
	zval *item;
	if (zend_hash_num_elements(host_list) == 0) {
		zend_argument_value_error(1, "must not be an empty list of hosts");
		return false;
	}
	ZEND_HASH_FOREACH_VAL(host_list, item) {
		zval *h = item, *p = NULL;
		ZVAL_DEREF(item);
		if (Z_TYPE_P(item) == IS_ARRAY) {
			h = zend_hash_index_find(Z_ARRVAL_P(item), 0);
			p = zend_hash_index_find(Z_ARRVAL_P(item), 1);
			if (zend_hash_num_elements(Z_ARRVAL_P(item)) != 2 || !h || !p || Z_TYPE_P(p) != IS_LONG
				|| Z_LVAL_P(p) < 1 || Z_LVAL_P(p) > 65535) {
				zend_argument_value_error(1, "must list host names or [host, port] pairs (port 1 to 65535)");
				return false;
			}
		}
		if (Z_TYPE_P(h) != IS_STRING || !host_ok(Z_STR_P(h))) {
			zend_argument_value_error(1, "must list host names or IP addresses, or [host, port] pairs");
			return false;
		}
	} ZEND_HASH_FOREACH_END();
	return true;
}

static void hosts_add(smtp_client_obj *c, const char *host, size_t len, zend_long port)
{
	zval pair;
	array_init_size(&pair, 2);
	add_next_index_stringl(&pair, host, len);
	add_next_index_long(&pair, port);
	zend_hash_next_index_insert_new(c->hosts, &pair);
}

/* The first host of the list is the current one. */
static void hosts_start(smtp_client_obj *c)
{
	zval *first = zend_hash_index_find(c->hosts, 0);
	if (c->host) {
		zend_string_release(c->host);
	}
	c->host = zend_string_copy(Z_STR_P(zend_hash_index_find(Z_ARRVAL_P(first), 0)));
	c->port = Z_LVAL_P(zend_hash_index_find(Z_ARRVAL_P(first), 1));
}

/* A checked host list: each host with its own port, else the port argument. */
void smtp_hosts_from_list(smtp_client_obj *c, HashTable *host_list)
{
	zval *item;
	c->hosts = zend_new_array(zend_hash_num_elements(host_list));
	ZEND_HASH_FOREACH_VAL(host_list, item) {
		ZVAL_DEREF(item);
		if (Z_TYPE_P(item) == IS_ARRAY) {
			zend_string *h = Z_STR_P(zend_hash_index_find(Z_ARRVAL_P(item), 0));
			hosts_add(c, ZSTR_VAL(h), ZSTR_LEN(h), Z_LVAL_P(zend_hash_index_find(Z_ARRVAL_P(item), 1)));
		} else {
			hosts_add(c, Z_STRVAL_P(item), Z_STRLEN_P(item), c->port);
		}
	} ZEND_HASH_FOREACH_END();
	hosts_start(c);
}

/* smtp.host as a comma-separated list: each host with c->port (one host: no list). */
void smtp_hosts_from_csv(smtp_client_obj *c, const char *csv)
{
	const char *p = csv;
	if (!strchr(csv, ',')) {
		return;
	}
	c->hosts = zend_new_array(4);
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t')) {
			len--;
		}
		if (len) {
			hosts_add(c, p, len, c->port);
		}
		if (!end) {
			break;
		}
		p = end + 1;
	}
	if (zend_hash_num_elements(c->hosts) == 0) {
		zend_array_destroy(c->hosts);
		c->hosts = NULL;
		return;
	}
	hosts_start(c);
}

/* Round robin over the host list, kept across the requests of a worker (each process, or each thread of
 * a thread-safe build, spreads its own connections): a module global, so per thread under ZTS. */
uint32_t smtp_hosts_first(smtp_client_obj *c)
{
	return c->round_robin ? SMTP_G(round_robin_next)++ % zend_hash_num_elements(c->hosts) : 0;
}

void smtp_hosts_select(smtp_client_obj *c, uint32_t i)
{
	zval *pair = zend_hash_index_find(c->hosts, i % zend_hash_num_elements(c->hosts));
	zend_string_release(c->host);
	c->host = zend_string_copy(Z_STR_P(zend_hash_index_find(Z_ARRVAL_P(pair), 0)));
	c->port = Z_LVAL_P(zend_hash_index_find(Z_ARRVAL_P(pair), 1));
}
