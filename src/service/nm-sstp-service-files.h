/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The files a profile names (every vpn.data key of type NM_SSTP_KEY_PATH:
 * ca-cert, tls-ca-cert, tls-user-cert, tls-user-key, crl-file) are read by
 * the service as the profile's users and handed on as private copies:
 * the worker and pppd, both root, never open a path a user chose.
 *
 * Who reads (connection.permissions):
 *   - a profile restricted to users ("user:NAME:" entries): the file is
 *     read once as each listed user, by a forked child that has taken that
 *     user's uid, gid and groups; every one of them must be able to read it
 *     and all must read the same bytes. So no listed user can make root
 *     use a file that user could not read, whichever of them activates it.
 *     Any failure to open it gives one message ("user NAME cannot read
 *     it"): a file root alone can read looks exactly like a missing one.
 *   - a profile without permissions (system-wide, an administrator's): the
 *     child stays root, as the old plugin read such files.
 * Either way only a regular file is read (a FIFO, device, socket or
 * directory is refused before it is opened for reading), at most
 * SSTP_FILES_MAX_SIZE bytes, and the service waits at most
 * SSTP_FILES_READ_SECONDS for the child.
 *
 * Where the copies go: one 0700 folder per activation, under
 * $NM_SSTP_RUNTIME_DIR if set (tests), else /run/nm-sstp when root, else
 * $XDG_RUNTIME_DIR/nm-sstp; each copy is 0600 and keeps the original's
 * extension (.p12 selects pppd's pkcs12 option). sstp_files_free() removes
 * them; a service that crashes leaves them in that root-only folder (tmpfs,
 * gone at reboot).
 */
#ifndef NM_SSTP_SERVICE_FILES_H
#define NM_SSTP_SERVICE_FILES_H

#include <sys/types.h>

#include <glib.h>
#include <NetworkManager.h>

#include "nm-sstp-settings.h"

#define SSTP_FILES_MAX_SIZE NM_SSTP_FILE_MAX_SIZE

/* A file on a hung network or FUSE file system must not stall the service. */
#define SSTP_FILES_READ_SECONDS 5

typedef struct SstpFiles SstpFiles;
typedef struct SstpFilesUser SstpFilesUser;

/* A user of connection.permissions, looked up before any fork. */
struct SstpFilesUser {
	char *name;
	char *home;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int n_groups;
	gboolean switch_ids; /* FALSE when the service already is this user */
};
typedef struct SstpPkcs11 SstpPkcs11;

/* Who reads the files of `connection`, and where the copies go (the folder
 * is made on the first copy). NULL + error if connection.permissions names
 * a user that does not exist or an entry that is not a user. */
SstpFiles *sstp_files_new(NMConnection *connection, GError **error);

/* Reads the file `path` of setting `key` (for messages) as described above
 * and stores a private copy. Returns the copy's path (owned by files), or
 * NULL + a message that names key, path and what to do. */
const char *sstp_files_copy(SstpFiles *files, const char *key, const char *path, GError **error);

/* The private folder (made now if needed), owned by files; NULL + error. */
const char *sstp_files_dir(SstpFiles *files, GError **error);

/* For a PKCS#11 token, used as one user: *user is the profile's only
 * user, or NULL for a profile without permissions (root's). FALSE + error
 * when several users are listed. */
gboolean sstp_files_one_user(const SstpFiles *files, const SstpFilesUser **user, GError **error);

/* In a child after fork() (async-signal-safe): takes the user's groups,
 * gid and uid; not dumpable until exec. TRUE if done (or nothing to do). */
gboolean sstp_files_child_become(const SstpFilesUser *user);

/* Removes the copies and their folder. NULL is allowed. */
void sstp_files_free(SstpFiles *files);

/* The worker's options words (nm_sstp_settings_worker_args() with
 * secrets) for `connection`, each file name that reaches the worker or pppd
 * replaced by a private copy. *files (freed first if set) receives the
 * copies: keep it until the worker has ended. A profile whose user
 * certificate or key is a PKCS#11 URI also gets the token relay
 * (nm-sstp-service-pkcs11.h), kept in *files, and the words start with
 * "--pkcs11-dir" DIR. NULL + error on a bad setting
 * or a file that cannot be copied (*files is NULL then). */
GPtrArray *sstp_files_worker_args(NMConnection *connection, SstpFiles **files, GError **error);

#endif
