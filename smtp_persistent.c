/*
 * smtp_persistent.c - persistent connections (option "persistent"): a connection kept open across
 * requests by the PHP worker, like pfsockopen() or phpredis' pconnect().
 *
 * The socket is a persistent PHP stream (php_stream_xport_create() with a persistent id), so it lives in
 * EG(persistent_list) and survives the request. What the core learned on it (capabilities, TLS active,
 * AUTH done) lives in its smtp_session, kept beside it in a "smtp pconn" entry of the same list, under a
 * key derived from every setting that shapes the connection: host, port, TLS mode, the stream context
 * options, HELO name, credentials (hashed, never in clear), AUTH mechanism, allow_plaintext_auth and the
 * persistent id the user gave. Different settings give a different key, so a kept connection is never
 * used with other TLS settings or other credentials (security matrix case 25).
 *
 * An object takes the entry's session while it uses the connection (it owns it like any session) and
 * hands it back when it goes away with the connection still good. The session's transport forwards to
 * the object currently holding the entry, so the session outlives the objects. Entries are freed only at
 * shutdown; an entry with no session and no stream is simply empty. When the entry is held by another
 * live object, a second object with the same settings gets an ordinary connection of its own.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "ext/standard/file.h"
#include "ext/hash/php_hash.h"
#include "ext/hash/php_hash_sha.h"
#include "ext/random/php_random.h"

#include "php_smtp.h"

#define PCONN_RESOURCE_NAME "smtp persistent connection"

static int le_smtp_pconn = -1;

/* a random salt for the key digest, so the digest says nothing about the password outside this process */
static unsigned char key_salt[16];

struct smtp_pconn {
	smtp_transport transport;     /* the sessions' transport: forwards to the owner's */
	int64_t (*now_ms)(void *ctx); /* the clock, when nobody holds the entry */
	smtp_client_obj *owner;       /* the object using the connection now, or NULL */
	smtp_session *session;        /* while nobody holds the entry: the kept connection's session */
	php_stream *stream;           /* the kept stream: compared with what the persistent list holds */
	bool authenticated;
	unsigned char digest[32];
	char stream_id[1];            /* persistent id of the stream; the entry's own key is "state:" + it */
};

/* ---- the forwarding transport -------------------------------------------------------------------- */

static long pconn_read(void *ctx, char *buf, size_t cap, int timeout_ms)
{
	smtp_client_obj *c = ((smtp_pconn *)ctx)->owner;
	return c ? c->transport.read(c->transport.ctx, buf, cap, timeout_ms) : SMTP_IO_ERROR;
}

static int pconn_write(void *ctx, const char *buf, size_t len, int timeout_ms)
{
	smtp_client_obj *c = ((smtp_pconn *)ctx)->owner;
	return c ? c->transport.write(c->transport.ctx, buf, len, timeout_ms) : SMTP_IO_ERROR;
}

static int pconn_start_tls(void *ctx, int timeout_ms, char *err, size_t errlen)
{
	smtp_client_obj *c = ((smtp_pconn *)ctx)->owner;
	if (!c) {
		snprintf(err, errlen, "not connected");
		return -1;
	}
	return c->transport.start_tls(c->transport.ctx, timeout_ms, err, errlen);
}

static int64_t pconn_now_ms(void *ctx)
{
	smtp_pconn *p = ctx;
	return p->now_ms(p->owner ? p->owner->transport.ctx : NULL);
}

/* ---- the key ------------------------------------------------------------------------------------- */

static void feed(PHP_SHA256_CTX *h, const void *data, size_t len)
{
	uint64_t n = (uint64_t)len;
	PHP_SHA256Update(h, (const unsigned char *)&n, sizeof(n));
	PHP_SHA256Update(h, (const unsigned char *)data, len);
}

static void feed_str(PHP_SHA256_CTX *h, const char *tag, zend_string *s)
{
	feed(h, tag, strlen(tag));
	if (s) {
		feed(h, ZSTR_VAL(s), ZSTR_LEN(s));
	} else {
		feed(h, "\0null", 5);
	}
}

static void feed_long(PHP_SHA256_CTX *h, const char *tag, zend_long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), ZEND_LONG_FMT, v);
	feed(h, tag, strlen(tag));
	feed(h, buf, (size_t)n);
}

/* The context options, in their order. Only plain data is accepted: with an object or a resource among
 * them, the connection is not kept (false). */
static bool feed_zval(PHP_SHA256_CTX *h, zval *v, int depth)
{
	char tag;
	ZVAL_DEREF(v);
	if (depth > 8) {
		return false;
	}
	switch (Z_TYPE_P(v)) {
	case IS_NULL:
		feed(h, "n", 1);
		return true;
	case IS_FALSE:
		feed(h, "f", 1);
		return true;
	case IS_TRUE:
		feed(h, "t", 1);
		return true;
	case IS_LONG:
		feed_long(h, "l", Z_LVAL_P(v));
		return true;
	case IS_DOUBLE: {
		double d = Z_DVAL_P(v);
		feed(h, "d", 1);
		feed(h, &d, sizeof(d));
		return true;
	}
	case IS_STRING:
		feed_str(h, "s", Z_STR_P(v));
		return true;
	case IS_ARRAY: {
		zend_ulong idx;
		zend_string *key;
		zval *item;
		feed_long(h, "a", (zend_long)zend_hash_num_elements(Z_ARRVAL_P(v)));
		ZEND_HASH_FOREACH_KEY_VAL(Z_ARRVAL_P(v), idx, key, item) {
			if (key) {
				feed_str(h, "k", key);
			} else {
				feed_long(h, "i", (zend_long)idx);
			}
			if (!feed_zval(h, item, depth + 1)) {
				return false;
			}
		} ZEND_HASH_FOREACH_END();
		tag = 'e';
		feed(h, &tag, 1);
		return true;
	}
	default:
		return false;
	}
}

/* The digest of everything that shapes the connection; false when it cannot be kept. */
static bool key_digest(smtp_client_obj *c, unsigned char out[32])
{
	PHP_SHA256_CTX h;
	zend_string *helo = c->helo ? c->helo : smtp_default_helo();

	PHP_SHA256Init(&h);
	feed(&h, "smtp-persistent-v1", sizeof("smtp-persistent-v1") - 1);
	feed(&h, key_salt, sizeof(key_salt));
	feed_str(&h, "host", c->host);
	feed_long(&h, "port", c->port);
	feed_long(&h, "tls", c->tls_mode);
	feed_str(&h, "helo", helo);
	feed(&h, "context", 7);
	if (Z_TYPE(c->context) == IS_ARRAY && !feed_zval(&h, &c->context, 0)) {
		return false;
	}
	feed_str(&h, "username", c->username);
	feed_str(&h, "password", c->password);
	feed_long(&h, "auth", c->auth_mech);
	feed_long(&h, "plaintext", c->allow_plaintext_auth);
	feed_str(&h, "id", Z_TYPE(c->persistent) == IS_STRING ? Z_STR(c->persistent) : NULL);
	PHP_SHA256Final(out, &h);
	return true;
}

static bool wants_persistent(const smtp_client_obj *c)
{
	return Z_TYPE(c->persistent) == IS_TRUE || Z_TYPE(c->persistent) == IS_STRING;
}

/* ---- entries ------------------------------------------------------------------------------------- */

static ZEND_RSRC_DTOR_FUNC(pconn_dtor)
{
	smtp_pconn *p = res->ptr;
	if (p) {
		if (p->session) {
			smtp_session_free(p->session);
		}
		pefree(p, 1);
		res->ptr = NULL;
	}
}

void smtp_persistent_minit(int module_number)
{
	le_smtp_pconn = zend_register_list_destructors_ex(NULL, pconn_dtor, PCONN_RESOURCE_NAME, module_number);
	if (php_random_bytes_silent(key_salt, sizeof(key_salt)) != SUCCESS) {
		/* the digest stays a one-way function of the settings; the salt only hides it further */
		memset(key_salt, 0, sizeof(key_salt));
	}
}

static smtp_pconn *entry_for(smtp_client_obj *c, const unsigned char digest[32])
{
	static const char hex[] = "0123456789abcdef";
	char digest_hex[65];
	zend_string *id, *key;
	zend_resource *le;
	smtp_pconn *p;
	int i;

	for (i = 0; i < 32; i++) {
		digest_hex[2 * i] = hex[digest[i] >> 4];
		digest_hex[2 * i + 1] = hex[digest[i] & 15];
	}
	digest_hex[64] = '\0';
	id = zend_strpprintf(0, "smtp:%s:" ZEND_LONG_FMT ":%s", ZSTR_VAL(c->host), c->port, digest_hex);
	key = zend_strpprintf(0, "state:%s", ZSTR_VAL(id));

	le = zend_hash_find_ptr(&EG(persistent_list), key);
	if (le && le->type == le_smtp_pconn && le->ptr) {
		p = le->ptr;
	} else if (le) {
		p = NULL; /* the name is taken by something else: do not keep this connection */
	} else {
		p = pecalloc(1, sizeof(smtp_pconn) + ZSTR_LEN(id), 1);
		memcpy(p->stream_id, ZSTR_VAL(id), ZSTR_LEN(id) + 1);
		memcpy(p->digest, digest, 32);
		p->transport.ctx = p;
		p->transport.read = pconn_read;
		p->transport.write = pconn_write;
		p->transport.start_tls = pconn_start_tls;
		p->transport.now_ms = pconn_now_ms;
		p->now_ms = c->transport.now_ms;
		if (!zend_register_persistent_resource(ZSTR_VAL(key), ZSTR_LEN(key), p, le_smtp_pconn)) {
			pefree(p, 1);
			p = NULL;
		}
	}
	zend_string_release(key);
	zend_string_release(id);
	return p;
}

/* Close a stream left under the entry's id that the entry does not account for. */
static void close_orphan(smtp_pconn *p)
{
	php_stream *stream = NULL;
	if (php_stream_from_persistent_id(p->stream_id, &stream) == PHP_STREAM_PERSISTENT_SUCCESS && stream) {
		php_stream_pclose(stream);
	}
	p->stream = NULL;
}

/* ---- what the client calls ----------------------------------------------------------------------- */

bool smtp_persistent_attach(smtp_client_obj *c)
{
	unsigned char digest[32];
	smtp_pconn *p;
	smtp_session *session;
	php_stream *stream = NULL;

	c->pconn = NULL;
	if (!wants_persistent(c) || !key_digest(c, digest)) {
		return false;
	}
	p = entry_for(c, digest);
	if (!p || (p->owner && p->owner != c)) {
		return false; /* held by another object: this one gets a connection of its own */
	}
	p->owner = c;
	c->pconn = p;
	session = p->session;
	p->session = NULL;
	if (!session) {
		close_orphan(p);
		return false;
	}
	if (php_stream_from_persistent_id(p->stream_id, &stream) != PHP_STREAM_PERSISTENT_SUCCESS || !stream
		|| stream != p->stream || !smtp_session_usable(session)) {
		smtp_session_free(session);
		if (stream && stream == p->stream) {
			php_stream_pclose(stream);
		} else {
			close_orphan(p);
		}
		p->stream = NULL;
		return false;
	}
	/* our own reference, as for a stream we open (the one the lookup made stays with the request) */
	c->stream = stream;
	c->stream_res = stream->res;
	GC_ADDREF(c->stream_res);
	c->session = session;
	c->open = true;
	c->authenticated = p->authenticated;
	if (smtp_transport_idle_input(c)) {
		/* closed by the server while idle, or it said something (a 421) nobody asked for */
		c->session = NULL;
		smtp_transport_close(c); /* closes the persistent stream and leaves the entry */
		smtp_session_free(session);
		p->owner = c; /* still ours: the fresh connection goes under the same id */
		c->pconn = p;
		return false;
	}
	return true;
}

const char *smtp_persistent_stream_id(smtp_client_obj *c)
{
	return c->pconn ? c->pconn->stream_id : NULL;
}

const smtp_transport *smtp_persistent_transport(smtp_client_obj *c)
{
	return c->pconn ? &c->pconn->transport : &c->transport;
}

void smtp_persistent_closed(smtp_client_obj *c)
{
	smtp_pconn *p = c->pconn;
	if (p) {
		if (p->owner == c) {
			p->owner = NULL;
		}
		p->stream = NULL;
		c->pconn = NULL;
	}
}

bool smtp_persistent_release(smtp_client_obj *c)
{
	smtp_pconn *p = c->pconn;
	unsigned char digest[32];
	php_stream *stream;

	if (!p || p->owner != c) {
		return false;
	}
	if (c->busy) {
		/* freed in the middle of an operation (a fatal error or exit() in the logger): the server may be
		 * waiting for the rest of a message, a state no later request must inherit */
		return false;
	}
	stream = smtp_transport_stream(c);
	if (!stream || !stream->is_persistent || !c->open || !c->session || !smtp_session_usable(c->session)
		|| !key_digest(c, digest) || memcmp(digest, p->digest, sizeof(digest)) != 0) {
		/* gone, broken, or authenticated otherwise than the settings say (login()): not kept */
		return false;
	}
	smtp_session_set_logger(c->session, NULL, NULL);
	p->session = c->session;
	p->stream = stream;
	p->authenticated = c->authenticated;
	p->owner = NULL;
	c->session = NULL;
	c->stream = NULL;
	zend_list_delete(c->stream_res);
	c->stream_res = NULL;
	c->open = false;
	c->authenticated = false;
	c->pconn = NULL;
	return true;
}
