#!/bin/bash
# tests/uml/lib/guest-init.sh - PID 1 of the User-Mode-Linux guest started by uml-run.sh.
#
# The guest's root is the host's / over hostfs, mounted read-only so that nothing in the
# guest (pppd, NetworkManager, dbus) can rewrite a host file. This script:
#   1. mounts proc/sys/devtmpfs and a tmpfs on /run of that read-only root,
#   2. builds a writable root: overlayfs with lower = / (hostfs), upper = tmpfs,
#   3. mounts proc, sys, devtmpfs, devpts, a tmpfs /run, a private tmpfs /etc/ppp and the
#      UML kernel's modules inside it, and the host output folder read-write over hostfs at
#      the same path it has on the host. /tmp is left as the overlay shows it: the host's
#      /tmp as it was at boot, copy-on-write, so a source or build tree under /tmp (a CI
#      clone) is still readable; nothing the guest writes there reaches the host,
#   4. chroots into it and runs "guest-init.sh --stage2", which runs the test's guest script,
#   5. writes the script's exit status to $UML_OUT/status and powers the guest off.
#
# Environment (from the kernel command line, see uml-run.sh): UML_OUT (host output folder),
# UML_LIB_DIR (this folder), UML_HOST_DIRS (only when the root is not the host's /: host
# folders, separated by ':', mounted copy-on-write at the same paths before the output folder);
# everything else comes from $UML_OUT/guest.env.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LANG=C.UTF-8 LC_ALL=C.UTF-8
umask 022

guest_init_log() {
	printf 'guest-init: %s\n' "$*" >&2
}

# Never return from PID 1: a dying init panics the UML kernel. poweroff -f is the
# systemctl compatibility mode that calls reboot(2) at once.
guest_init_poweroff() {
	sync
	poweroff -f
	sleep 5
	echo o >/proc/sysrq-trigger
	sleep 3600
}

guest_init_stage1() {
	local root=/run/uml/root kver
	kver=$(uname -r)

	mount -t proc proc /proc || return 1
	mount -t sysfs sysfs /sys || return 1
	# The kernel mounts devtmpfs on /dev itself (CONFIG_DEVTMPFS_MOUNT).
	mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev || return 1
	exec </dev/null >/dev/console 2>&1
	mount -t tmpfs -o mode=0755 tmpfs /run || return 1

	# modprobe looks in DIR/lib/modules/$(uname -r): point a tmpfs DIR at the UML modules.
	mkdir -p /run/uml/mods/lib || return 1
	ln -s /usr/lib/uml/modules /run/uml/mods/lib/modules || return 1
	modprobe -d /run/uml/mods overlay || { guest_init_log "modprobe overlay failed"; return 1; }

	mkdir -p /run/uml/upper /run/uml/work "$root" || return 1
	mount -t overlay overlay -o lowerdir=/,upperdir=/run/uml/upper,workdir=/run/uml/work "$root" ||
		{ guest_init_log "overlay mount failed"; return 1; }

	mount -t proc proc "$root/proc" || return 1
	mount -t sysfs sysfs "$root/sys" || return 1
	mount -t devtmpfs devtmpfs "$root/dev" || return 1
	mkdir -p "$root/dev/pts" || return 1
	mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts "$root/dev/pts" || return 1
	ln -sf pts/ptmx "$root/dev/ptmx" 2>/dev/null
	mount -t tmpfs -o mode=0755 tmpfs "$root/run" || return 1
	# A private /etc/ppp: Debian's /etc/ppp/options (auth, lock, crtscts, lcp-echo-*) and its
	# ip-up scripts must not apply to the pppd instances of our tests.
	mkdir -p "$root/etc/ppp" || return 1
	mount -t tmpfs -o mode=0755 tmpfs "$root/etc/ppp" || return 1
	mkdir -p "$root/etc/ppp/peers" || return 1
	# modprobe inside the chroot finds the UML kernel's modules at the usual path.
	mkdir -p "$root/usr/lib/modules/$kver" || return 1
	mount --bind "/usr/lib/uml/modules/$kver" "$root/usr/lib/modules/$kver" || return 1
	# Another root (UML_ROOT): the source and build trees at their host paths, copy-on-write
	# as everything is with the host's / as the root (read-only hostfs + tmpfs overlay).
	local dir n=0
	local IFS=:
	for dir in ${UML_HOST_DIRS:-}; do
		n=$((n + 1))
		mkdir -p "/run/uml/host$n/lower" "/run/uml/host$n/upper" "/run/uml/host$n/work" \
			"$root$dir" || return 1
		mount -t hostfs -o "ro,$dir" hostfs "/run/uml/host$n/lower" &&
			mount -t overlay overlay -o "lowerdir=/run/uml/host$n/lower,upperdir=/run/uml/host$n/upper,workdir=/run/uml/host$n/work" "$root$dir" ||
			{ guest_init_log "cannot mount host folder $dir"; return 1; }
	done
	unset IFS
	# The output folder, read-write, at the same path as on the host.
	mkdir -p "$root$UML_OUT" || return 1
	mount -t hostfs -o "$UML_OUT" hostfs "$root$UML_OUT" ||
		{ guest_init_log "cannot mount output folder $UML_OUT"; return 1; }
	return 0
}

guest_init_stage2() {
	local script rc
	hostname uml-guest
	ip link set lo up
	# Files the guest script may need at the usual places (all inside the overlay).
	mkdir -p /run/lock /var/run 2>/dev/null
	[ -s /etc/machine-id ] || echo 0123456789abcdef0123456789abcdef >/etc/machine-id

	set -a
	# shellcheck disable=SC1091
	. "$UML_OUT/guest.env" || { echo 125 >"$UML_OUT/status"; return 1; }
	set +a

	if [ -n "${UML_GUEST_ADDR:-}" ]; then
		ip link set vec0 up && ip addr add "$UML_GUEST_ADDR" dev vec0 ||
			guest_init_log "cannot configure vec0 with $UML_GUEST_ADDR"
	fi

	script=$UML_SCRIPT
	cd "$UML_OUT" || return 1
	bash "$script" >"$UML_OUT/guest.log" 2>&1 </dev/null
	rc=$?
	echo "$rc" >"$UML_OUT/status.tmp" && mv "$UML_OUT/status.tmp" "$UML_OUT/status"
	sync
	return 0
}

if [ "${1:-}" = "--stage2" ]; then
	guest_init_stage2
	exit 0
fi

if ! guest_init_stage1; then
	guest_init_log "guest setup failed"
	guest_init_poweroff
fi
chroot /run/uml/root /bin/bash "$UML_LIB_DIR/guest-init.sh" --stage2
umount "/run/uml/root$UML_OUT" 2>/dev/null
guest_init_poweroff
