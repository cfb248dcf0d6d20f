/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of the vpn.data key table (src/common/nm-sstp-settings.c). */
#include "config.h"

#include <string.h>

#include "nm-sstp-settings.h"

static void
test_lookup(void)
{
	g_assert_nonnull(nm_sstp_settings_lookup("gateway"));
	g_assert_true(nm_sstp_settings_lookup("tls-ext") == nm_sstp_settings_lookup("tls-sni"));
	g_assert_null(nm_sstp_settings_lookup("no-such-key"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/settings/lookup", test_lookup);
	return g_test_run();
}
