/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Encoder, decoder and stream splitter for the IPC text messages
 * (see sstp-ipc.h and docs/architecture.md).
 */
#include "sstp-ipc.h"

#include <string.h>

static const char hex_digits[] = "0123456789abcdef";

bool
sstp_ipc_name_valid(const char *name, size_t len)
{
	if (len == 0 || len > SSTP_IPC_MAX_NAME)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return true;
}

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF; and no control characters, so a value is always one line. */
bool
sstp_ipc_value_valid(const char *value, size_t len)
{
	const unsigned char *s = (const unsigned char *) value;
	size_t i = 0;

	if (len > SSTP_IPC_MAX_VALUE)
		return false;
	while (i < len) {
		unsigned char c = s[i];
		size_t need;
		uint32_t cp, min;

		if (c < 0x20 || c == 0x7f)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1; cp = c & 0x1f; min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2; cp = c & 0x0f; min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3; cp = c & 0x07; min = 0x10000;
		} else {
			return false;
		}
		if (len - i - 1 < need)
			return false;
		for (size_t k = 1; k <= need; k++) {
			unsigned char cc = s[i + k];
			if ((cc & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (cc & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		/* C1 control characters are controls too. */
		if (cp >= 0x80 && cp <= 0x9f)
			return false;
		i += need + 1;
	}
	return true;
}

/* ---- encoding ---------------------------------------------------------- */

static void
writer_put(struct sstp_ipc_writer *w, const char *s, size_t n)
{
	if (w->failed)
		return;
	if (w->cap - w->len < n) {
		w->failed = true;
		return;
	}
	memcpy(w->out + w->len, s, n);
	w->len += n;
}

void
sstp_ipc_writer_init(struct sstp_ipc_writer *w, char *out, size_t cap, const char *type)
{
	w->out = out;
	w->cap = cap;
	w->len = 0;
	w->failed = (out == NULL || type == NULL || !sstp_ipc_name_valid(type, strlen(type)));
	writer_put(w, type ? type : "", type ? strlen(type) : 0);
	writer_put(w, "\n", 1);
}

void
sstp_ipc_writer_add(struct sstp_ipc_writer *w, const char *key, const char *value)
{
	size_t klen, vlen;

	if (w->failed)
		return;
	if (key == NULL || value == NULL) {
		w->failed = true;
		return;
	}
	klen = strlen(key);
	vlen = strlen(value);
	if (!sstp_ipc_name_valid(key, klen) || !sstp_ipc_value_valid(value, vlen)) {
		w->failed = true;
		return;
	}
	writer_put(w, key, klen);
	writer_put(w, "=", 1);
	writer_put(w, value, vlen);
	writer_put(w, "\n", 1);
	/* Leave room for the closing empty line so finish() cannot overflow
	 * SSTP_IPC_MAX_MESSAGE on the reader's side. */
	if (w->len + 1 > SSTP_IPC_MAX_MESSAGE)
		w->failed = true;
}

void
sstp_ipc_writer_add_hex(struct sstp_ipc_writer *w, const char *key, const uint8_t *data, size_t len)
{
	char hex[SSTP_IPC_MAX_VALUE + 1];

	if (w->failed)
		return;
	if ((data == NULL && len > 0) || len * 2 > SSTP_IPC_MAX_VALUE) {
		w->failed = true;
		return;
	}
	for (size_t i = 0; i < len; i++) {
		hex[2 * i] = hex_digits[data[i] >> 4];
		hex[2 * i + 1] = hex_digits[data[i] & 0x0f];
	}
	hex[2 * len] = '\0';
	sstp_ipc_writer_add(w, key, hex);
	/* The hex of a key is as secret as the key. */
	explicit_bzero(hex, sizeof(hex));
}

size_t
sstp_ipc_writer_finish(struct sstp_ipc_writer *w)
{
	writer_put(w, "\n", 1);
	if (w->failed || w->len > SSTP_IPC_MAX_MESSAGE)
		return 0;
	return w->len;
}

/* ---- decoding ---------------------------------------------------------- */

static int
fail(const char **error, const char *why)
{
	if (error)
		*error = why;
	return -1;
}

int
sstp_ipc_parse(const char *data, size_t len, struct sstp_ipc_msg *msg, const char **error)
{
	char *p, *end;

	if (error)
		*error = NULL;
	msg->type = NULL;
	msg->n_fields = 0;
	if (data == NULL || len < 3)
		return fail(error, "message too short");
	if (len > SSTP_IPC_MAX_MESSAGE)
		return fail(error, "message too long");
	if (data[len - 1] != '\n' || data[len - 2] != '\n')
		return fail(error, "message does not end with an empty line");
	if (memchr(data, '\0', len) != NULL)
		return fail(error, "NUL byte in message");

	memcpy(msg->buf, data, len);
	msg->buf[len] = '\0';
	p = msg->buf;
	end = msg->buf + len - 1;          /* the final '\n' (the empty line) */

	/* type line */
	{
		char *nl = memchr(p, '\n', (size_t) (end - p));
		if (nl == NULL)
			return fail(error, "missing type line");
		if (!sstp_ipc_name_valid(p, (size_t) (nl - p)))
			return fail(error, "invalid message type");
		*nl = '\0';
		msg->type = p;
		p = nl + 1;
	}

	/* key=value lines, up to the empty line */
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t) (end - p));
		char *eq;

		if (nl == NULL)
			return fail(error, "truncated line");
		if (nl == p)
			return fail(error, "empty line inside message");
		eq = memchr(p, '=', (size_t) (nl - p));
		if (eq == NULL)
			return fail(error, "line without '='");
		if (!sstp_ipc_name_valid(p, (size_t) (eq - p)))
			return fail(error, "invalid key");
		if (!sstp_ipc_value_valid(eq + 1, (size_t) (nl - eq - 1)))
			return fail(error, "invalid value (control character or bad UTF-8)");
		if (msg->n_fields >= SSTP_IPC_MAX_FIELDS)
			return fail(error, "too many fields");
		*eq = '\0';
		*nl = '\0';
		msg->keys[msg->n_fields] = p;
		msg->values[msg->n_fields] = eq + 1;
		msg->n_fields++;
		p = nl + 1;
	}
	return 0;
}

const char *
sstp_ipc_get(const struct sstp_ipc_msg *msg, const char *key)
{
	for (size_t i = 0; i < msg->n_fields; i++)
		if (strcmp(msg->keys[i], key) == 0)
			return msg->values[i];
	return NULL;
}

size_t
sstp_ipc_get_all(const struct sstp_ipc_msg *msg, const char *key, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < msg->n_fields; i++) {
		if (strcmp(msg->keys[i], key) != 0)
			continue;
		if (n < max)
			out[n] = msg->values[i];
		n++;
	}
	return n;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
sstp_ipc_get_hex(const struct sstp_ipc_msg *msg, const char *key, uint8_t *out, size_t cap)
{
	const char *v = sstp_ipc_get(msg, key);
	size_t n;

	if (v == NULL)
		return -1;
	n = strlen(v);
	if (n % 2 != 0 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_value(v[2 * i]), lo = hex_value(v[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t) (hi << 4 | lo);
	}
	return (int) (n / 2);
}

/* ---- stream splitting -------------------------------------------------- */

void
sstp_ipc_splitter_init(struct sstp_ipc_splitter *s)
{
	s->len = 0;
	s->discarding = false;
	s->at_line_start = true;
	s->delivered = false;
}

enum sstp_ipc_split_result
sstp_ipc_splitter_feed(struct sstp_ipc_splitter *s, const char *in, size_t len, size_t *consumed,
                       const char **msg, size_t *msg_len)
{
	*msg = NULL;
	*msg_len = 0;
	/* A message returned by the previous call is gone now. */
	if (s->delivered) {
		s->len = 0;
		s->delivered = false;
	}

	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		bool was_line_start = s->at_line_start;

		s->at_line_start = (c == '\n');

		if (s->discarding) {
			if (c == '\n' && was_line_start) {
				s->discarding = false;
				s->at_line_start = true;
				*consumed = i + 1;
				return SSTP_IPC_SPLIT_OVERSIZED;
			}
			continue;
		}
		/* Stray empty lines between messages carry nothing: skip them. */
		if (s->len == 0 && c == '\n')
			continue;
		if (s->len >= sizeof(s->buf)) {
			/* Too long: drop what we have and skip to the end of it. */
			s->len = 0;
			s->discarding = true;
			if (c == '\n' && was_line_start) {
				s->discarding = false;
				*consumed = i + 1;
				return SSTP_IPC_SPLIT_OVERSIZED;
			}
			continue;
		}
		s->buf[s->len++] = c;
		if (c == '\n' && was_line_start) {
			*consumed = i + 1;
			s->delivered = true;
			*msg = s->buf;
			*msg_len = s->len;
			return SSTP_IPC_SPLIT_MESSAGE;
		}
	}
	*consumed = len;
	return SSTP_IPC_SPLIT_NEED_MORE;
}
