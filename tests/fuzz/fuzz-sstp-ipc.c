/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the IPC messages: the whole input as one datagram,
 * and the input as a status-pipe stream through the splitter. Every message
 * that parses must re-encode to the same bytes (the format has one spelling).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sstp-ipc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_roundtrip(const char *text, size_t len)
{
	static struct sstp_ipc_msg msg;
	static char out[SSTP_IPC_MAX_MESSAGE + 1];
	struct sstp_ipc_writer w;
	uint8_t bin[SSTP_IPC_MAX_VALUE];
	size_t n;

	if (sstp_ipc_parse(text, len, &msg, NULL) != 0)
		return;
	sstp_ipc_writer_init(&w, out, sizeof(out), msg.type);
	for (size_t i = 0; i < msg.n_fields; i++) {
		sstp_ipc_writer_add(&w, msg.keys[i], msg.values[i]);
		(void) sstp_ipc_get_hex(&msg, msg.keys[i], bin, sizeof(bin));
	}
	n = sstp_ipc_writer_finish(&w);
	if (n != len || memcmp(out, text, len) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sstp_ipc_splitter splitter;
	size_t off = 0;

	check_roundtrip((const char *) data, size);

	sstp_ipc_splitter_init(&splitter);
	while (off < size) {
		size_t used = 0, mlen = 0;
		const char *msg = NULL;
		enum sstp_ipc_split_result r = sstp_ipc_splitter_feed(&splitter, (const char *) data + off,
		                                                      size - off, &used, &msg, &mlen);
		if (used == 0 || used > size - off)
			abort();
		if (r == SSTP_IPC_SPLIT_MESSAGE) {
			if (mlen > SSTP_IPC_MAX_MESSAGE)
				abort();
			check_roundtrip(msg, mlen);
		}
		off += used;
	}
	return 0;
}
