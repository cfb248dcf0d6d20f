/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Text messages between our processes (docs/architecture.md, "Messages"):
 *
 *     TYPE\n
 *     key=value\n     (zero or more; a key may repeat)
 *     \n
 *
 * Used on the plugin <-> worker socketpair (one SEQPACKET datagram holds one
 * message) and on the worker -> service status pipe (messages follow each
 * other; the empty line delimits them).
 *
 * No GLib and no globals: the pppd plugin links this too. Every function
 * takes explicit buffer sizes. Validation is strict so that a value can never
 * smuggle a newline (a fake key or message) into the stream:
 *   type, key : 1..SSTP_IPC_MAX_NAME characters from [a-z0-9-]
 *   value     : valid UTF-8 without control characters (no byte < 0x20, no
 *               0x7f), at most SSTP_IPC_MAX_VALUE bytes; may be empty
 *   binary    : lower-case hex
 */
#ifndef SSTP_IPC_H
#define SSTP_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SSTP_IPC_MAX_MESSAGE 4096   /* whole message including the empty line */
#define SSTP_IPC_MAX_NAME    32     /* type and key length */
#define SSTP_IPC_MAX_VALUE   1024
#define SSTP_IPC_MAX_FIELDS  96     /* ip4 with up to 64 DHCP routes, domain, search list */

/* ---- validation -------------------------------------------------------- */

bool sstp_ipc_name_valid(const char *name, size_t len);
bool sstp_ipc_value_valid(const char *value, size_t len);

/* ---- encoding ---------------------------------------------------------- */

/* Builds one message into a caller buffer. Any invalid type, key or value,
 * or running out of room, marks the writer failed; sstp_ipc_writer_finish()
 * then returns 0. The output is never NUL-terminated by the API. */
struct sstp_ipc_writer {
	char  *out;
	size_t cap;
	size_t len;
	bool   failed;
};

void sstp_ipc_writer_init(struct sstp_ipc_writer *w, char *out, size_t cap, const char *type);
void sstp_ipc_writer_add(struct sstp_ipc_writer *w, const char *key, const char *value);
void sstp_ipc_writer_add_hex(struct sstp_ipc_writer *w, const char *key,
                             const uint8_t *data, size_t len);
/* Appends the empty line; returns the message length, or 0 if anything failed. */
size_t sstp_ipc_writer_finish(struct sstp_ipc_writer *w);

/* ---- decoding ---------------------------------------------------------- */

/* A parsed message. The text is copied into buf and split in place, so the
 * message does not point into the caller's input. */
struct sstp_ipc_msg {
	char        buf[SSTP_IPC_MAX_MESSAGE + 1];
	const char *type;
	size_t      n_fields;
	const char *keys[SSTP_IPC_MAX_FIELDS];
	const char *values[SSTP_IPC_MAX_FIELDS];
};

/* Parse exactly one message of len bytes, which must end with the empty line
 * ("...\n\n"; a message with no fields is "TYPE\n\n"). Returns 0, or -1 with
 * *error (may be NULL) set to a static English reason. */
int sstp_ipc_parse(const char *data, size_t len, struct sstp_ipc_msg *msg, const char **error);

/* First value of key, or NULL. */
const char *sstp_ipc_get(const struct sstp_ipc_msg *msg, const char *key);
/* All values of a repeated key, in order; returns how many were found
 * (may exceed max: only max are stored). */
size_t sstp_ipc_get_all(const struct sstp_ipc_msg *msg, const char *key,
                        const char **out, size_t max);
/* Decode a lower-case hex value into out. Returns the number of bytes, or
 * -1 if the key is absent, the value is not even-length lower-case hex, or
 * it does not fit in cap. */
int sstp_ipc_get_hex(const struct sstp_ipc_msg *msg, const char *key, uint8_t *out, size_t cap);

/* ---- stream splitting (status pipe) ------------------------------------ */

enum sstp_ipc_split_result {
	SSTP_IPC_SPLIT_NEED_MORE = 0,  /* all input consumed, no message complete */
	SSTP_IPC_SPLIT_MESSAGE,        /* msg and msg_len hold one complete message */
	SSTP_IPC_SPLIT_OVERSIZED,      /* a message longer than the limit was skipped */
};

struct sstp_ipc_splitter {
	char   buf[SSTP_IPC_MAX_MESSAGE];
	size_t len;
	bool   discarding;   /* inside an oversized message: skip to its end */
	bool   at_line_start;
	bool   delivered;    /* buf holds a message returned by the last call */
};

void sstp_ipc_splitter_init(struct sstp_ipc_splitter *s);

/* Feed bytes from a stream. Consumes input up to and including the end of
 * the first complete message and stops there (*consumed says how far), so
 * call it again with the rest. On SSTP_IPC_SPLIT_MESSAGE, *msg points into
 * the splitter and stays valid until the next call; pass it to
 * sstp_ipc_parse(). */
enum sstp_ipc_split_result sstp_ipc_splitter_feed(struct sstp_ipc_splitter *s,
                                                  const char *in, size_t len, size_t *consumed,
                                                  const char **msg, size_t *msg_len);

#endif
