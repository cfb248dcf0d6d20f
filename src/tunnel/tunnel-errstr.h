/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OpenSSL's error strings on demand. Loaded at start (OpenSSL's default),
 * their hash table is some 60 KiB of heap and their text some 370 KiB of
 * libcrypto's pages, resident for the whole session to print at most one
 * error. So the worker tells OpenSSL not to load them and loads them just
 * before it formats an OpenSSL error (ERR_error_string_n(),
 * ERR_reason_error_string()). Where OpenSSL is built without its deprecated
 * API (the loaders are deprecated), the strings are loaded at start as before.
 */
#ifndef TUNNEL_ERRSTR_H
#define TUNNEL_ERRSTR_H

/* First thing in main(), before any other OpenSSL call. */
void tunnel_errstr_init(void);
/* Before formatting an OpenSSL error; cheap after the first call. */
void tunnel_errstr_load(void);

#endif
