/*
 * smtp_hosts.h - the hosts a client connects to (smtp_hosts.c): the constructor's host argument checked
 * and stored, smtp.host's comma-separated list, and which host of a list (c->hosts, [host, port] pairs)
 * a connection tries first and next. c->host and c->port always name the current host.
 */
#ifndef SMTP_HOSTS_H
#define SMTP_HOSTS_H

#include "smtp_client.h"

/* The constructor's host argument as one name: a host name or address, never a URL or "host:port" (the
 * ValueError says what to write instead). */
bool smtp_hosts_arg_ok(zend_string *host);
/* The host argument as a list: host names and [host, port] pairs (ValueError naming argument 1). */
bool smtp_hosts_list_ok(HashTable *host_list);
/* c->hosts from a checked list; the hosts without a port get c->port. The first one becomes current. */
void smtp_hosts_from_list(smtp_client_obj *c, HashTable *host_list);
/* c->hosts from smtp.host when it lists several ("a, b, c"), each with c->port; one host: nothing. */
void smtp_hosts_from_csv(smtp_client_obj *c, const char *csv);
/* The index of the host to try first: 0, or the next one in turn with option round_robin. */
uint32_t smtp_hosts_first(smtp_client_obj *c);
/* Make host i (modulo the count) of c->hosts the current one. */
void smtp_hosts_select(smtp_client_obj *c, uint32_t i);

#endif /* SMTP_HOSTS_H */
