/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the worker's option stream (--options-fd: the service
 * writes NUL-terminated words into a pipe, src/tunnel/tunnel-options.h). The
 * input is the stream; whatever parses then goes through the final checks
 * and is cleared, as nm-sstp-tunnel does. The stream comes from the service
 * (root), so this guards against a service bug, not an attacker; still no
 * input may crash, leak or read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel-options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tunnel_options o;
	char err[256] = "";
	char *buf;

	if (size > TUNNEL_MAX_OPTIONS_STREAM)
		return 0;
	/* Exactly size bytes on the heap: a read past the stream is an ASan report. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	tunnel_options_init(&o);
	if (tunnel_options_parse_stream(&o, buf, size, err, sizeof(err)) == 0)
		(void) tunnel_options_finish(&o, "/usr/sbin/pppd", "/nonexistent/nm-sstp-pppd-plugin.so",
		                             err, sizeof(err));
	tunnel_options_clear(&o);
	free(buf);
	return 0;
}
