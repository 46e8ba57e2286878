/*
 * smtp_message_parts.c - the parts of a Smtp\Message besides its text: attach(), attachData() and embed().
 * A part's MIME type is checked and normalised when it is given (parameters quoted or RFC 2231-encoded as
 * needed), or guessed from the file name when the message is built.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"
#include "ext/standard/php_string.h"

#include "protocol/smtp_core.h"
#include "protocol/smtp_mime.h"
#include "smtp_message.h"

#define THIS_MESSAGE() smtp_message_from_obj(Z_OBJ_P(ZEND_THIS))

/* ---- content types ------------------------------------------------------------------------------ */

static const char *const content_types[][2] = {
	{"txt", "text/plain"}, {"htm", "text/html"}, {"html", "text/html"}, {"csv", "text/csv"},
	{"ics", "text/calendar"}, {"vcf", "text/vcard"}, {"xml", "application/xml"}, {"json", "application/json"},
	{"pdf", "application/pdf"}, {"zip", "application/zip"}, {"gz", "application/gzip"},
	{"tar", "application/x-tar"}, {"7z", "application/x-7z-compressed"}, {"rtf", "application/rtf"},
	{"eml", "message/rfc822"}, {"png", "image/png"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"},
	{"gif", "image/gif"}, {"webp", "image/webp"}, {"svg", "image/svg+xml"}, {"bmp", "image/bmp"},
	{"ico", "image/x-icon"}, {"tif", "image/tiff"}, {"tiff", "image/tiff"}, {"avif", "image/avif"},
	{"mp3", "audio/mpeg"}, {"wav", "audio/wav"}, {"ogg", "audio/ogg"}, {"mp4", "video/mp4"},
	{"webm", "video/webm"}, {"doc", "application/msword"},
	{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{"xls", "application/vnd.ms-excel"},
	{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"ppt", "application/vnd.ms-powerpoint"},
	{"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
	{"odt", "application/vnd.oasis.opendocument.text"},
	{"ods", "application/vnd.oasis.opendocument.spreadsheet"},
};

const char *smtp_guess_content_type(zend_string *filename)
{
	const char *dot = filename ? zend_memrchr(ZSTR_VAL(filename), '.', ZSTR_LEN(filename)) : NULL;
	size_t i, len;
	if (!dot) {
		return "application/octet-stream";
	}
	dot++;
	len = ZSTR_LEN(filename) - (size_t)(dot - ZSTR_VAL(filename));
	for (i = 0; i < sizeof(content_types) / sizeof(content_types[0]); i++) {
		if (smtp_ascii_ieq(dot, len, content_types[i][0])) {
			return content_types[i][1];
		}
	}
	return "application/octet-stream";
}

/* type "/" subtype, RFC 6838 restricted names */
static bool content_type_ok(zend_string *t)
{
	const char *s = ZSTR_VAL(t);
	size_t len = ZSTR_LEN(t), i, slash = 0;
	if (len == 0 || len > 255) {
		return false;
	}
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '/') {
			if (slash || i == 0) {
				return false;
			}
			slash = i;
			continue;
		}
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '!'
			|| ch == '#' || ch == '$' || ch == '&' || ch == '^' || ch == '_' || ch == '.' || ch == '+'
			|| ch == '-')) {
			return false;
		}
	}
	return slash && slash + 1 < len;
}

/* Content-ID: printable ASCII without space, brackets or quotes */
static bool cid_ok(zend_string *cid)
{
	size_t i;
	if (ZSTR_LEN(cid) == 0 || ZSTR_LEN(cid) > 200) {
		return false;
	}
	for (i = 0; i < ZSTR_LEN(cid); i++) {
		unsigned char ch = (unsigned char)ZSTR_VAL(cid)[i];
		if (ch < 33 || ch > 126 || ch == '<' || ch == '>' || ch == '"' || ch == '(' || ch == ')' || ch == ','
			|| ch == ';' || ch == '\\' || ch == '[' || ch == ']') {
			return false;
		}
	}
	return true;
}

static smtp_php_part *add_part(smtp_message_obj *m)
{
	smtp_php_part *p;
	if (m->part_count == m->part_cap) {
		m->part_cap = m->part_cap ? m->part_cap * 2 : 4;
		m->parts = safe_erealloc(m->parts, m->part_cap, sizeof(*m->parts), 0);
	}
	p = &m->parts[m->part_count++];
	memset(p, 0, sizeof(*p));
	return p;
}

static bool check_filename(const smtp_message_obj *m, zend_string *name, uint32_t arg_num)
{
	(void)m;
	if (ZSTR_LEN(name) == 0) {
		zend_argument_value_error(arg_num, "must not be empty");
		return false;
	}
	if (memchr(ZSTR_VAL(name), '\0', ZSTR_LEN(name))) {
		zend_argument_value_error(arg_num, "must not contain NUL bytes");
		return false;
	}
	if (!smtp_utf8_valid(ZSTR_VAL(name), ZSTR_LEN(name))) {
		zend_argument_value_error(arg_num, "must be valid UTF-8");
		return false;
	}
	return true;
}

static bool mime_token_char(unsigned char c)
{
	return c > 32 && c < 127 && !strchr("()<>@,;:\\\"/[]?=", c);
}

/* "; name=value" as the header needs it: a token as it is, other ASCII quoted, non-ASCII in RFC 2231 form. */
static void append_param(smart_str *out, const char *n, size_t nl, const zend_string *value)
{
	static const char hex[] = "0123456789ABCDEF";
	bool token = true, ascii = true;
	size_t i;

	for (i = 0; i < ZSTR_LEN(value); i++) {
		unsigned char c = (unsigned char)ZSTR_VAL(value)[i];
		ascii = ascii && c < 128;
		token = token && mime_token_char(c);
	}
	smart_str_appends(out, "; ");
	smart_str_appendl(out, n, nl);
	if (token) {
		smart_str_appendc(out, '=');
		smart_str_append(out, value);
	} else if (ascii) {
		smart_str_appends(out, "=\"");
		for (i = 0; i < ZSTR_LEN(value); i++) {
			char c = ZSTR_VAL(value)[i];
			if (c == '"' || c == '\\') {
				smart_str_appendc(out, '\\');
			}
			smart_str_appendc(out, c);
		}
		smart_str_appendc(out, '"');
	} else {
		/* RFC 2231 4: charset'language'percent-encoded octets */
		smart_str_appends(out, "*=UTF-8''");
		for (i = 0; i < ZSTR_LEN(value); i++) {
			unsigned char c = (unsigned char)ZSTR_VAL(value)[i];
			if (mime_token_char(c) && c != '*' && c != '\'' && c != '%') {
				smart_str_appendc(out, (char)c);
			} else {
				smart_str_appendc(out, '%');
				smart_str_appendc(out, hex[c >> 4]);
				smart_str_appendc(out, hex[c & 15]);
			}
		}
	}
}

/* The value of a parameter at *p (quoted or not) into value, *p moved past it; the reason it is not a value,
 * or NULL. */
static const char *read_param_value(const char **p, const char *end, smart_str *value)
{
	const char *s = *p;
	if (s < end && *s == '"') {
		for (s++; s < end && *s != '"'; s++) {
			if (*s == '\\' && s + 1 < end) {
				s++;
			}
			smart_str_appendc(value, *s);
		}
		if (s == end) {
			return "a quoted parameter value is not closed";
		}
		s++;
		while (s < end && (*s == ' ' || *s == '\t')) {
			s++;
		}
		if (s < end && *s != ';') {
			return "its parameters must be name=value pairs separated by ';'";
		}
	} else {
		const char *v = s, *ve;
		while (s < end && *s != ';') {
			s++;
		}
		for (ve = s; ve > v && (ve[-1] == ' ' || ve[-1] == '\t'); ve--) {
		}
		smart_str_appendl(value, v, (size_t)(ve - v));
	}
	*p = s;
	return NULL;
}

/* Why a parameter (its name lower-cased, its value) cannot be written, or NULL. */
static const char *param_why(zend_string *lname, const char *ne, const zend_string *value, HashTable *seen)
{
	size_t i;
	if (!value || ZSTR_LEN(value) == 0) {
		return "a parameter has no value";
	}
	if (zend_string_equals_literal(lname, "name") || zend_string_equals_literal(lname, "filename")) {
		return "the file name is the $name argument, not a parameter of the type";
	}
	if (ne[-1] == '*') {
		return "parameter values are given as plain text (they are RFC 2231-encoded when needed)";
	}
	if (!zend_hash_add_empty_element(seen, lname)) {
		return "a parameter is given twice";
	}
	if (!smtp_utf8_valid(ZSTR_VAL(value), ZSTR_LEN(value))) {
		return "parameter values must be valid UTF-8";
	}
	for (i = 0; i < ZSTR_LEN(value); i++) {
		unsigned char c = (unsigned char)ZSTR_VAL(value)[i];
		if (c < 32 || c == 127) {
			return "parameter values must not contain control characters (CR, LF, NUL, ...)";
		}
	}
	return NULL;
}

/*
 * A part's type as given ("text/calendar; method=REQUEST; charset=UTF-8"), checked and written the way
 * the header needs it (append_param()). The file name parameters come from the $name argument, not from
 * here. Returns a new string, or NULL with a ValueError thrown.
 */
static zend_string *normalize_type(zend_string *type, uint32_t arg_num)
{
	const char *s = ZSTR_VAL(type), *end = s + ZSTR_LEN(type), *semi = memchr(s, ';', ZSTR_LEN(type));
	const char *be = semi ? semi : end;
	smart_str out = {0};
	HashTable seen;
	zend_string *base;
	const char *why = NULL;

	while (be > s && (be[-1] == ' ' || be[-1] == '\t')) {
		be--;
	}
	while (s < be && (*s == ' ' || *s == '\t')) {
		s++;
	}
	base = zend_string_init(s, (size_t)(be - s), 0);
	if (!content_type_ok(base)) {
		zend_string_release(base);
		zend_argument_value_error(arg_num, "must be a MIME type such as \"application/pdf\" or \"text/calendar; "
			"method=REQUEST\"");
		return NULL;
	}
	smart_str_append(&out, base);
	zend_string_release(base);
	zend_hash_init(&seen, 4, NULL, NULL, 0);
	s = semi;
	while (s && s < end && !why) {
		const char *n, *ne;
		smart_str value = {0};
		zend_string *name, *lname;

		s++; /* the ';' */
		while (s < end && (*s == ' ' || *s == '\t')) {
			s++;
		}
		if (s == end) {
			break; /* a trailing ';' */
		}
		for (n = s; s < end && mime_token_char((unsigned char)*s); s++) {
		}
		ne = s;
		if (ne == n || s == end || *s != '=') {
			why = "its parameters must be name=value pairs separated by ';'";
			break;
		}
		s++;
		if ((why = read_param_value(&s, end, &value)) != NULL) {
			smart_str_free(&value);
			break;
		}
		smart_str_0(&value);
		name = zend_string_init(n, (size_t)(ne - n), 0);
		lname = zend_string_tolower(name);
		zend_string_release(name);
		why = param_why(lname, ne, value.s, &seen);
		zend_string_release(lname);
		if (!why) {
			append_param(&out, n, (size_t)(ne - n), value.s);
		}
		smart_str_free(&value);
	}
	zend_hash_destroy(&seen);
	smart_str_0(&out);
	if (!why && ZSTR_LEN(out.s) > 200) {
		why = "it is too long (at most 200 octets once encoded)";
	}
	if (why) {
		smart_str_free(&out);
		zend_argument_value_error(arg_num, "must be a MIME type with valid parameters: %s", why);
		return NULL;
	}
	return out.s;
}

/* type, checked and normalised into *out (NULL when not given); false with a ValueError thrown. */
static bool check_type(zend_string *type, uint32_t arg_num, zend_string **out)
{
	*out = NULL;
	if (type && !(*out = normalize_type(type, arg_num))) {
		return false;
	}
	return true;
}

ZEND_METHOD(Smtp_Message, attach)
{
	zend_string *path, *name = NULL, *type = NULL, *ntype;
	smtp_message_obj *m = THIS_MESSAGE();
	smtp_php_part *p;

	ZEND_PARSE_PARAMETERS_START(1, 3)
		Z_PARAM_PATH_STR(path)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(name)
		Z_PARAM_STR_OR_NULL(type)
	ZEND_PARSE_PARAMETERS_END();

	if (ZSTR_LEN(path) == 0) {
		zend_argument_value_error(1, "must not be empty");
		RETURN_THROWS();
	}
	if ((name && !check_filename(m, name, 2)) || !check_type(type, 3, &ntype)) {
		RETURN_THROWS();
	}
	p = add_part(m);
	p->disposition = SMTP_PART_ATTACHMENT;
	p->path = zend_string_copy(path);
	if (name) {
		p->filename = zend_string_copy(name);
	} else {
		zend_string *base = php_basename(ZSTR_VAL(path), ZSTR_LEN(path), NULL, 0);
		p->filename = zend_string_copy(base);
		zend_string_release(base);
	}
	p->type = ntype;
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

ZEND_METHOD(Smtp_Message, attachData)
{
	zend_string *data, *name, *type = NULL, *ntype;
	smtp_message_obj *m = THIS_MESSAGE();
	smtp_php_part *p;

	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_STR(data)
		Z_PARAM_STR(name)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(type)
	ZEND_PARSE_PARAMETERS_END();

	if (!check_filename(m, name, 2) || !check_type(type, 3, &ntype)) {
		RETURN_THROWS();
	}
	p = add_part(m);
	p->disposition = SMTP_PART_ATTACHMENT;
	p->data = zend_string_copy(data);
	p->filename = zend_string_copy(name);
	p->type = ntype;
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

ZEND_METHOD(Smtp_Message, embed)
{
	zend_string *path, *cid, *type = NULL, *ntype;
	smtp_message_obj *m = THIS_MESSAGE();
	smtp_php_part *p;

	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_PATH_STR(path)
		Z_PARAM_STR(cid)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(type)
	ZEND_PARSE_PARAMETERS_END();

	if (ZSTR_LEN(path) == 0) {
		zend_argument_value_error(1, "must not be empty");
		RETURN_THROWS();
	}
	if (!cid_ok(cid)) {
		zend_argument_value_error(2, "must be a Content-ID without brackets, spaces or quotes");
		RETURN_THROWS();
	}
	if (!check_type(type, 3, &ntype)) {
		RETURN_THROWS();
	}
	p = add_part(m);
	p->disposition = SMTP_PART_INLINE;
	p->path = zend_string_copy(path);
	{
		zend_string *base = php_basename(ZSTR_VAL(path), ZSTR_LEN(path), NULL, 0);
		p->filename = zend_string_copy(base);
		zend_string_release(base);
	}
	p->cid = zend_string_copy(cid);
	p->type = ntype;
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}
