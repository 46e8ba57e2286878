/*
 * envelope.c - the MAIL FROM and RCPT TO lines: addresses, and the parameters the server advertised
 * (SIZE, BODY, SMTPUTF8, REQUIRETLS, DSN's RET, ENVID, NOTIFY and ORCPT in xtext).
 */
#include "session_internal.h"

/* ---- mail transaction ---------------------------------------------------------------------------- */

/* RFC 3461 4: xtext, for ENVID and ORCPT values. */
static void append_xtext(smtp_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 33 || c > 126 || c == '+' || c == '=') {
			char e[3];
			e[0] = '+';
			e[1] = hex[c >> 4];
			e[2] = hex[c & 15];
			smtp_buf_append(b, e, 3);
		} else {
			smtp_buf_append(b, (const char *)&c, 1);
		}
	}
}

/*
 * RFC 6533 3: utf-8-addr-xtext, for an ORCPT of type "utf-8": printable ASCII stays except plus, equals
 * and backslash; those, controls and every non-ASCII character become \x{HEX} (upper case, two digits
 * at least), so the value is ASCII whether or not SMTPUTF8 is in use.
 * Returns 0 when s is not valid UTF-8.
 */
static int append_utf8_addr_xtext(smtp_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	if (!smtp_utf8_valid(s, len)) {
		return 0;
	}
	while (*p) {
		unsigned long cp;
		int extra;
		if (*p < 0x80) {
			cp = *p;
			extra = 0;
		} else if (*p < 0xE0) {
			cp = *p & 0x1Fu;
			extra = 1;
		} else if (*p < 0xF0) {
			cp = *p & 0x0Fu;
			extra = 2;
		} else {
			cp = *p & 0x07u;
			extra = 3;
		}
		p++;
		while (extra-- > 0) {
			cp = (cp << 6) | (*p++ & 0x3Fu);
		}
		if (cp > 32 && cp < 127 && cp != '+' && cp != '=' && cp != '\\') {
			char c = (char)cp;
			smtp_buf_append(b, &c, 1);
		} else {
			char e[16];
			snprintf(e, sizeof e, "\\x{%02lX}", cp);
			smtp_buf_append_str(b, e);
		}
	}
	return 1;
}

/* A parameter value from the caller: printable ASCII without space or '=', so it cannot add parameters. */
static int param_value_ok(const char *v)
{
	if (!*v) {
		return 0;
	}
	for (; *v; v++) {
		if ((unsigned char)*v <= 32 || (unsigned char)*v >= 127 || *v == '=') {
			return 0;
		}
	}
	return 1;
}

smtp_status smtp_orcpt_append(smtp_buf *out, const char *orcpt)
{
	/* "addr-type;address": the type is an atom, the address goes in xtext (utf-8-addr-xtext for utf-8) */
	const char *semi = strchr(orcpt, ';');
	size_t tl = semi ? (size_t)(semi - orcpt) : 0, i;
	if (tl == 0 || semi[1] == '\0') {
		return SMTP_ERR_INPUT;
	}
	for (i = 0; i < tl; i++) {
		char c = orcpt[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
			return SMTP_ERR_INPUT;
		}
	}
	smtp_buf_append(out, orcpt, tl + 1);
	if (tl == 5 && (orcpt[0] | 0x20) == 'u' && (orcpt[1] | 0x20) == 't' && (orcpt[2] | 0x20) == 'f'
		&& orcpt[3] == '-' && orcpt[4] == '8') {
		if (!append_utf8_addr_xtext(out, semi + 1)) {
			return SMTP_ERR_INPUT;
		}
	} else {
		append_xtext(out, semi + 1);
	}
	return out->failed ? SMTP_ERR_NOMEM : SMTP_OK;
}

smtp_status envelope_mail_line(smtp_session *s, const smtp_envelope *env, smtp_buf *line)
{
	const char *why = NULL;
	size_t fl = strlen(env->from);
	if (fl && !smtp_address_valid(env->from, fl, env->smtputf8, &why)) {
		return session_fail(s, SMTP_ERR_INPUT, 0, "invalid sender address", why);
	}
	smtp_buf_append_str(line, "MAIL FROM:<");
	smtp_buf_append(line, env->from, fl);
	smtp_buf_append_str(line, ">");
	if (s->caps.size_advertised && env->size) {
		char num[32];
		snprintf(num, sizeof(num), " SIZE=%llu", (unsigned long long)env->size);
		smtp_buf_append_str(line, num);
	}
	if (env->body_8bit && s->caps.eightbitmime) {
		smtp_buf_append_str(line, " BODY=8BITMIME");
	}
	if (env->smtputf8) {
		smtp_buf_append_str(line, " SMTPUTF8");
	}
	if (s->caps.dsn && env->dsn_ret) {
		if (strcmp(env->dsn_ret, "FULL") && strcmp(env->dsn_ret, "HDRS")) {
			return session_fail(s, SMTP_ERR_INPUT, 0, "DSN RET must be FULL or HDRS", NULL);
		}
		smtp_buf_append_str(line, " RET=");
		smtp_buf_append_str(line, env->dsn_ret);
	}
	if (s->caps.dsn && env->dsn_envid) {
		smtp_buf_append_str(line, " ENVID=");
		append_xtext(line, env->dsn_envid);
	}
	if (env->requiretls) {
		smtp_buf_append_str(line, " REQUIRETLS");
	}
	return line->failed ? session_fail(s, SMTP_ERR_NOMEM, 1, "out of memory", NULL) : SMTP_OK;
}

smtp_status envelope_rcpt_line(smtp_session *s, const smtp_envelope *env, const smtp_recipient *r,
	smtp_buf *line)
{
	const char *why = NULL;
	size_t al = strlen(r->address);
	if (!smtp_address_valid(r->address, al, env->smtputf8, &why)) {
		return session_fail(s, SMTP_ERR_INPUT, 0, "invalid recipient address", why);
	}
	smtp_buf_append_str(line, "RCPT TO:<");
	smtp_buf_append(line, r->address, al);
	smtp_buf_append_str(line, ">");
	if (s->caps.dsn && r->notify) {
		if (!param_value_ok(r->notify)) {
			return session_fail(s, SMTP_ERR_INPUT, 0, "invalid DSN NOTIFY value", NULL);
		}
		smtp_buf_append_str(line, " NOTIFY=");
		smtp_buf_append_str(line, r->notify);
	}
	if (s->caps.dsn && r->orcpt) {
		smtp_buf_append_str(line, " ORCPT=");
		if (smtp_orcpt_append(line, r->orcpt) != SMTP_OK) {
			return session_fail(s, SMTP_ERR_INPUT, 0, "invalid DSN ORCPT: not \"type;address\" (an atom, a ';', an address)",
				NULL);
		}
	}
	return line->failed ? session_fail(s, SMTP_ERR_NOMEM, 1, "out of memory", NULL) : SMTP_OK;
}
