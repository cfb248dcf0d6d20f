/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the IPC text messages (src/common/sstp-ipc.[ch]). */
#include <glib.h>
#include <string.h>

#include "sstp-ipc.h"

static void
test_encode_decode_roundtrip(void)
{
	char out[SSTP_IPC_MAX_MESSAGE];
	struct sstp_ipc_writer w;
	struct sstp_ipc_msg *m = g_new0(struct sstp_ipc_msg, 1);
	const char *dns[4];
	const char *err = NULL;
	size_t n;

	sstp_ipc_writer_init(&w, out, sizeof(out), "ip4");
	sstp_ipc_writer_add(&w, "ifname", "ppp0");
	sstp_ipc_writer_add(&w, "address", "10.77.0.2");
	sstp_ipc_writer_add(&w, "dns", "10.77.0.1");
	sstp_ipc_writer_add(&w, "dns", "10.77.0.9");
	sstp_ipc_writer_add(&w, "mtu", "1400");
	n = sstp_ipc_writer_finish(&w);
	g_assert_cmpuint(n, >, 0);
	g_assert_cmpmem(out, n, "ip4\nifname=ppp0\naddress=10.77.0.2\ndns=10.77.0.1\n"
	                "dns=10.77.0.9\nmtu=1400\n\n", strlen("ip4\nifname=ppp0\naddress=10.77.0.2\n"
	                "dns=10.77.0.1\ndns=10.77.0.9\nmtu=1400\n\n"));

	g_assert_cmpint(sstp_ipc_parse(out, n, m, &err), ==, 0);
	g_assert_null(err);
	g_assert_cmpstr(m->type, ==, "ip4");
	g_assert_cmpuint(m->n_fields, ==, 5);
	g_assert_cmpstr(sstp_ipc_get(m, "ifname"), ==, "ppp0");
	g_assert_cmpstr(sstp_ipc_get(m, "mtu"), ==, "1400");
	g_assert_null(sstp_ipc_get(m, "peer"));
	g_assert_cmpuint(sstp_ipc_get_all(m, "dns", dns, G_N_ELEMENTS(dns)), ==, 2);
	g_assert_cmpstr(dns[0], ==, "10.77.0.1");
	g_assert_cmpstr(dns[1], ==, "10.77.0.9");
	/* get_all counts past max but stores only max */
	g_assert_cmpuint(sstp_ipc_get_all(m, "dns", dns, 1), ==, 2);
	g_free(m);
}

static void
test_empty_message_and_empty_value(void)
{
	char out[64];
	struct sstp_ipc_writer w;
	struct sstp_ipc_msg *m = g_new0(struct sstp_ipc_msg, 1);
	size_t n;

	sstp_ipc_writer_init(&w, out, sizeof(out), "credentials");
	n = sstp_ipc_writer_finish(&w);
	g_assert_cmpuint(n, ==, strlen("credentials\n\n"));
	g_assert_cmpint(sstp_ipc_parse(out, n, m, NULL), ==, 0);
	g_assert_cmpstr(m->type, ==, "credentials");
	g_assert_cmpuint(m->n_fields, ==, 0);

	sstp_ipc_writer_init(&w, out, sizeof(out), "x");
	sstp_ipc_writer_add(&w, "user", "");
	n = sstp_ipc_writer_finish(&w);
	g_assert_cmpuint(n, >, 0);
	g_assert_cmpint(sstp_ipc_parse(out, n, m, NULL), ==, 0);
	g_assert_cmpstr(sstp_ipc_get(m, "user"), ==, "");
	g_free(m);
}

static void
test_hex(void)
{
	static const uint8_t key[16] = { 0x2a, 0x1b, 0xb4, 0x0d, 0x55, 0xab, 0x0f, 0x5e,
	                                 0xf3, 0x2f, 0x06, 0xf2, 0xb3, 0xcc, 0x73, 0xc4 };
	char out[256];
	uint8_t back[32];
	struct sstp_ipc_writer w;
	struct sstp_ipc_msg *m = g_new0(struct sstp_ipc_msg, 1);
	size_t n;

	sstp_ipc_writer_init(&w, out, sizeof(out), "auth-up");
	sstp_ipc_writer_add(&w, "method", "mschapv2");
	sstp_ipc_writer_add_hex(&w, "send-key", key, sizeof(key));
	n = sstp_ipc_writer_finish(&w);
	g_assert_cmpuint(n, >, 0);
	g_assert_nonnull(g_strstr_len(out, (gssize) n, "send-key=2a1bb40d55ab0f5ef32f06f2b3cc73c4\n"));
	g_assert_cmpint(sstp_ipc_parse(out, n, m, NULL), ==, 0);
	g_assert_cmpint(sstp_ipc_get_hex(m, "send-key", back, sizeof(back)), ==, 16);
	g_assert_cmpmem(back, 16, key, 16);
	/* too small a buffer, absent key */
	g_assert_cmpint(sstp_ipc_get_hex(m, "send-key", back, 15), ==, -1);
	g_assert_cmpint(sstp_ipc_get_hex(m, "recv-key", back, sizeof(back)), ==, -1);
	/* upper case, odd length, non-hex are refused */
	{
		const char *bad[] = { "k\nv=2A\n\n", "k\nv=abc\n\n", "k\nv=zz\n\n" };
		for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
			g_assert_cmpint(sstp_ipc_parse(bad[i], strlen(bad[i]), m, NULL), ==, 0);
			g_assert_cmpint(sstp_ipc_get_hex(m, "v", back, sizeof(back)), ==, -1);
		}
	}
	g_free(m);
}

static void
test_writer_refuses_bad_input(void)
{
	char out[SSTP_IPC_MAX_MESSAGE + 100];
	struct sstp_ipc_writer w;
	const char *bad_values[] = { "a\nb", "a\rb", "tab\there", "\x7f", "\xc3\x28", "\xc0\xaf",
	                             "\xed\xa0\x80", "\xc2\x85" /* NEL, a C1 control */ };
	const char *bad_names[] = { "", "Ip4", "a b", "a=b", "a\n", "x_y",
	                            "abcdefghijklmnopqrstuvwxyz0123456" /* 33 */ };
	char big[SSTP_IPC_MAX_VALUE + 2];

	for (size_t i = 0; i < G_N_ELEMENTS(bad_values); i++) {
		sstp_ipc_writer_init(&w, out, sizeof(out), "t");
		sstp_ipc_writer_add(&w, "k", bad_values[i]);
		g_assert_cmpuint(sstp_ipc_writer_finish(&w), ==, 0);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(bad_names); i++) {
		sstp_ipc_writer_init(&w, out, sizeof(out), "t");
		sstp_ipc_writer_add(&w, bad_names[i], "v");
		g_assert_cmpuint(sstp_ipc_writer_finish(&w), ==, 0);
		sstp_ipc_writer_init(&w, out, sizeof(out), bad_names[i]);
		g_assert_cmpuint(sstp_ipc_writer_finish(&w), ==, 0);
	}
	/* valid UTF-8 passes */
	sstp_ipc_writer_init(&w, out, sizeof(out), "t");
	sstp_ipc_writer_add(&w, "user", "DOM\\j\xc3\xb6rg \xe2\x82\xac \xf0\x9f\x98\x80");
	g_assert_cmpuint(sstp_ipc_writer_finish(&w), >, 0);

	/* value too long */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sstp_ipc_writer_init(&w, out, sizeof(out), "t");
	sstp_ipc_writer_add(&w, "k", big);
	g_assert_cmpuint(sstp_ipc_writer_finish(&w), ==, 0);

	/* output buffer too small */
	sstp_ipc_writer_init(&w, out, 8, "type");
	sstp_ipc_writer_add(&w, "key", "value");
	g_assert_cmpuint(sstp_ipc_writer_finish(&w), ==, 0);

	/* whole message over the limit even with valid fields */
	sstp_ipc_writer_init(&w, out, sizeof(out), "t");
	big[SSTP_IPC_MAX_VALUE] = '\0';
	for (int i = 0; i < 5; i++)
		sstp_ipc_writer_add(&w, "k", big);
	g_assert_cmpuint(sstp_ipc_writer_finish(&w), ==, 0);
}

static void
test_parse_rejects(void)
{
	struct sstp_ipc_msg *m = g_new0(struct sstp_ipc_msg, 1);
	const char *bad[] = {
		"",                       /* empty */
		"\n\n",                   /* no type */
		"ip4\n",                  /* no empty line */
		"ip4\nk=v\n",             /* no empty line */
		"ip4\nk=v",               /* truncated */
		"IP4\n\n",                /* bad type */
		"ip4\nkv\n\n",            /* no '=' */
		"ip4\n=v\n\n",            /* empty key */
		"ip4\nK=v\n\n",           /* bad key */
		"ip4\nk=v\n\nextra\n\n",  /* two messages in one datagram */
		"ip4\nk=a\rb\n\n",        /* CR in value */
		"ip4\nk=\xff\n\n",        /* bad UTF-8 */
	};
	const char *err;

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		err = NULL;
		g_assert_cmpint(sstp_ipc_parse(bad[i], strlen(bad[i]), m, &err), ==, -1);
		g_assert_nonnull(err);
	}
	/* embedded NUL */
	g_assert_cmpint(sstp_ipc_parse("ip4\nk=a\0b\n\n", 11, m, &err), ==, -1);

	/* too many fields */
	{
		GString *s = g_string_new("t\n");
		for (int i = 0; i < SSTP_IPC_MAX_FIELDS + 1; i++)
			g_string_append(s, "k=v\n");
		g_string_append(s, "\n");
		g_assert_cmpint(sstp_ipc_parse(s->str, s->len, m, &err), ==, -1);
		g_string_free(s, TRUE);
	}
	/* too long */
	{
		char *s = g_malloc(SSTP_IPC_MAX_MESSAGE + 10);
		memset(s, 'a', SSTP_IPC_MAX_MESSAGE + 10);
		s[SSTP_IPC_MAX_MESSAGE + 8] = '\n';
		s[SSTP_IPC_MAX_MESSAGE + 9] = '\n';
		g_assert_cmpint(sstp_ipc_parse(s, SSTP_IPC_MAX_MESSAGE + 10, m, &err), ==, -1);
		g_free(s);
	}
	g_free(m);
}

/* Feed a stream byte by byte and in one go; both must give the same messages. */
static GPtrArray *
split_all(const char *stream, size_t len, size_t chunk, unsigned *oversized)
{
	struct sstp_ipc_splitter *s = g_new0(struct sstp_ipc_splitter, 1);
	GPtrArray *msgs = g_ptr_array_new_with_free_func(g_free);
	size_t off = 0;

	sstp_ipc_splitter_init(s);
	*oversized = 0;
	while (off < len) {
		size_t n = MIN(chunk, len - off);
		size_t pos = 0;
		while (pos < n) {
			size_t used = 0, mlen = 0;
			const char *msg = NULL;
			enum sstp_ipc_split_result r =
				sstp_ipc_splitter_feed(s, stream + off + pos, n - pos, &used, &msg, &mlen);
			g_assert_cmpuint(used, <=, n - pos);
			if (r == SSTP_IPC_SPLIT_MESSAGE)
				g_ptr_array_add(msgs, g_strndup(msg, mlen));
			else if (r == SSTP_IPC_SPLIT_OVERSIZED)
				(*oversized)++;
			else
				g_assert_cmpuint(used, ==, n - pos);
			pos += used;
		}
		off += n;
	}
	g_free(s);
	return msgs;
}

static void
test_splitter(void)
{
	const char *stream = "state\nphase=tls\n\n\nstate\nphase=http\n\nip4\naddress=10.0.0.2\n"
	                     "dns=1.1.1.1\n\nerror\ncode=3\n\npartial\nk=v\n";
	size_t chunks[] = { 1, 2, 3, 7, 1000 };

	for (size_t c = 0; c < G_N_ELEMENTS(chunks); c++) {
		unsigned over;
		GPtrArray *m = split_all(stream, strlen(stream), chunks[c], &over);
		g_assert_cmpuint(over, ==, 0);
		g_assert_cmpuint(m->len, ==, 4);
		g_assert_cmpstr(m->pdata[0], ==, "state\nphase=tls\n\n");
		g_assert_cmpstr(m->pdata[1], ==, "state\nphase=http\n\n");
		g_assert_cmpstr(m->pdata[2], ==, "ip4\naddress=10.0.0.2\ndns=1.1.1.1\n\n");
		g_assert_cmpstr(m->pdata[3], ==, "error\ncode=3\n\n");
		g_ptr_array_unref(m);
	}
}

static void
test_splitter_oversized(void)
{
	GString *s = g_string_new("a\nk=v\n\nhuge\n");
	unsigned over;
	GPtrArray *m;

	for (int i = 0; i < SSTP_IPC_MAX_MESSAGE; i++)
		g_string_append(s, "x=y\n");
	g_string_append(s, "\nb\nk=w\n\n");
	m = split_all(s->str, s->len, 100, &over);
	g_assert_cmpuint(over, ==, 1);
	g_assert_cmpuint(m->len, ==, 2);
	g_assert_cmpstr(m->pdata[0], ==, "a\nk=v\n\n");
	g_assert_cmpstr(m->pdata[1], ==, "b\nk=w\n\n");
	g_ptr_array_unref(m);
	g_string_free(s, TRUE);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ipc/roundtrip", test_encode_decode_roundtrip);
	g_test_add_func("/ipc/empty", test_empty_message_and_empty_value);
	g_test_add_func("/ipc/hex", test_hex);
	g_test_add_func("/ipc/writer-refuses", test_writer_refuses_bad_input);
	g_test_add_func("/ipc/parse-rejects", test_parse_rejects);
	g_test_add_func("/ipc/splitter", test_splitter);
	g_test_add_func("/ipc/splitter-oversized", test_splitter_oversized);
	return g_test_run();
}
