/*
 * smtp_persistent.h - connections kept across requests (smtp_persistent.c), option "persistent".
 *
 * A kept connection is a persistent PHP stream plus the core session that knows what was learnt on it
 * (capabilities, TLS, AUTH), filed in EG(persistent_list) under a key: the host, the port and a digest of
 * every option that shapes the connection (smtp_options_key()). The pool knows nothing of the client or
 * the connection type: it hands a stream and a session over to whoever claims the entry, and takes them
 * back. While an entry is claimed, the sessions' transport forwards to the claimant's transport, so a
 * session outlives the objects that use it.
 */
#ifndef SMTP_PERSISTENT_H
#define SMTP_PERSISTENT_H

#include "php.h"
#include "protocol/smtp_core.h"

typedef struct smtp_pconn smtp_pconn;

/* What a kept connection is filed under. */
typedef struct smtp_pconn_key {
	zend_string *host;
	zend_long port;
	unsigned char digest[32];
} smtp_pconn_key;

void smtp_persistent_minit(int module_number);
/* The per-process random salt that the key digest starts with (it hides the credentials' digest). */
const unsigned char *smtp_persistent_salt(size_t *len);

/* The entry for key, claimed for the holder of transport (used by the entry's sessions while claimed);
 * NULL when another holder has it or it cannot be made (then the connection is an ordinary one). */
smtp_pconn *smtp_persistent_claim(const smtp_pconn_key *key, const smtp_transport *transport);
/* Take the kept stream and session out of a claimed entry when they are still there and usable: true.
 * Otherwise false, and what was left is closed (a new connection goes under the entry's id). */
bool smtp_persistent_take(smtp_pconn *p, php_stream **stream, smtp_session **session, bool *authenticated);
/* Give a claimed entry back with the connection in it, when the settings still give its digest (login()
 * may have changed the credentials): true; false and nothing kept otherwise. */
bool smtp_persistent_keep(smtp_pconn *p, const unsigned char digest[32], php_stream *stream, smtp_session *session,
	bool authenticated);
/* The connection of a claimed entry was closed, or its holder goes away: the entry is free and empty. */
void smtp_persistent_leave(smtp_pconn *p, const smtp_transport *transport);
/* Whether the holder of transport has claimed p. */
bool smtp_persistent_claimed_by(const smtp_pconn *p, const smtp_transport *transport);
/* The persistent stream id to open a new connection of the entry with. */
const char *smtp_persistent_stream_id(const smtp_pconn *p);
/* The transport the entry's sessions use (forwarding to the holder's). */
const smtp_transport *smtp_persistent_transport(smtp_pconn *p);

#endif /* SMTP_PERSISTENT_H */
