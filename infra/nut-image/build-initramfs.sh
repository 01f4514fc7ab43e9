#!/usr/bin/env bash
# Builds the base initramfs of a QEMU NUT (node under test) from this machine's Debian packages.
#
#   infra/nut-image/build-initramfs.sh [OUTPUT]     (default: <repo>/var/nut-image/initramfs.gz)
#
# Contents: busybox-static (applet links), dropbear (SSH server), radvd and iproute2's `ip` (router and
# IPsec modes), socat (the UDP echo service of IPsec end-node NUTs), their shared libraries and the
# dynamic loader, an /init, /etc/passwd with root.
# No keys: the lab appends a per-VM overlay archive holding authorized_keys and the host key at boot.
#
# Idempotent: a hash of this script, the package versions and the copied files is stored beside the
# output (OUTPUT.inputs); when it matches, nothing is rebuilt and the run is instant.
set -euo pipefail

script_path=$(readlink -f "${BASH_SOURCE[0]}")
repo_root=$(cd "$(dirname "$script_path")/../.." && pwd)
out=${1:-$repo_root/var/nut-image/initramfs.gz}
case $out in /*) ;; *) out=$PWD/$out ;; esac
stamp=$out.inputs

packages=(busybox-static dropbear-bin radvd iproute2 socat)
busybox=/bin/busybox
# Dynamic programs copied with their libraries. /usr/sbin/ip is iproute2's: busybox's `ip` has no `xfrm`.
programs=(/usr/sbin/dropbear /usr/sbin/radvd /usr/sbin/ip /usr/bin/socat)

for tool in dpkg-query ldd cpio gzip sha256sum; do
  command -v "$tool" >/dev/null || { echo "build-initramfs: missing tool: $tool" >&2; exit 1; }
done
for file in "$busybox" "${programs[@]}"; do
  [[ -x $file ]] || { echo "build-initramfs: missing $file (apt-get install ${packages[*]})" >&2; exit 1; }
done

# The shared objects a program needs, as the absolute paths ldd resolves (the loader included).
libraries_of() {
  ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
}
mapfile -t libraries < <(for p in "${programs[@]}"; do libraries_of "$p"; done | sort -u)

# Inputs: this script, the package versions, and the exact bytes of everything copied (a library
# upgrade from another package, e.g. libc6, changes the image too).
inputs_hash=$(
  {
    sha256sum "$script_path"
    dpkg-query -W -f '${Package} ${Version}\n' "${packages[@]}"
    sha256sum "$busybox" "${programs[@]}" "${libraries[@]}"
  } | sha256sum | cut -d' ' -f1
)

print_size() {
  local bytes
  bytes=$(stat -c %s "$out")
  echo "initramfs: $out ($bytes bytes, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MiB) $1"
}

if [[ -f $out && -f $stamp && $(cat "$stamp") == "$inputs_hash" ]]; then
  print_size "up to date"
  exit 0
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cd "$stage"

mkdir -p bin sbin usr/bin usr/sbin lib lib64 etc root dev proc sys run tmp var/log
chmod 0700 root
chmod 1777 tmp
ln -s ../run var/run

# busybox: the binary itself, then one symlink per applet. Never a link named `busybox` over the binary:
# /init would then resolve to a symlink loop and the kernel fails it with -40 (ELOOP).
cp "$busybox" bin/busybox
while read -r applet; do
  [[ $applet == bin/busybox || -e $applet || -L $applet ]] && continue
  ln -s /bin/busybox "$applet"
done < <("$busybox" --list-full)

# Dynamic programs (overwriting busybox's links of the same name) and their libraries, at the paths ldd
# names, so the loader finds them without an ld.so.cache. cp -L: the real file, not a symlink to nowhere.
for file in "${programs[@]}" "${libraries[@]}"; do
  mkdir -p "./$(dirname "$file")"
  rm -f "./$file"
  cp -L "$file" "./$file"
done
mkdir -p etc/iproute2
cp -r /etc/iproute2/. etc/iproute2/ 2>/dev/null || true

cat > etc/passwd <<'EOF'
root:x:0:0:root:/root:/bin/sh
EOF
cat > etc/group <<'EOF'
root:x:0:
EOF
# nss `files` is built into glibc >= 2.34; say so explicitly so no other NSS module is looked for.
cat > etc/nsswitch.conf <<'EOF'
passwd: files
group: files
shadow: files
hosts: files
EOF
echo /bin/sh > etc/shells
printf '127.0.0.1 localhost\n::1 localhost\n' > etc/hosts

cat > init <<'EOF'
#!/bin/sh
# PID 1 of a testlab NUT. Writes its progress to the console (captured by the lab as the console log),
# ends with the marker TESTLAB-NUT-READY, or with a line starting TESTLAB-NUT-ERROR: naming what failed.
# Never exits: PID 1 exiting panics the kernel.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
MGMT_MAC=52:54:00:ff:00:00

fail() {
  echo "TESTLAB-NUT-ERROR: $*"
  while :; do sleep 3600; done
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
# /dev/console is in the archive itself (the kernel opens it for PID 1); the rest comes from devtmpfs.
grep -q '^devtmpfs /dev ' /proc/mounts || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=0755 tmpfs /run

# The command line is split into words unquoted: `set -f` around those loops, so that no word is
# expanded as a file name pattern.
cmdline=$(cat /proc/cmdline)

host=nut
set -f
for word in $cmdline; do
  case $word in
    testlab.hostname=*)
      value=${word#testlab.hostname=}
      case $value in ''|*[!A-Za-z0-9-]*) echo "testlab: ignoring bad hostname '$value'" ;; *) host=$value ;; esac
      ;;
  esac
done
set +f
hostname "$host"

ip link set lo up

# Management NIC: QEMU user-mode network, found by the MAC the lab gives it. IPv6 off before it comes up,
# so the test links carry the only IPv6 traffic of this NUT.
mgmt=
for dir in /sys/class/net/*; do
  [ "$(cat "$dir/address")" = "$MGMT_MAC" ] && mgmt=${dir##*/}
done
[ -n "$mgmt" ] || fail "no management NIC with MAC $MGMT_MAC"
echo 1 > "/proc/sys/net/ipv6/conf/$mgmt/disable_ipv6" || fail "cannot disable IPv6 on $mgmt"
/bin/busybox ip addr add 10.0.2.15/24 dev "$mgmt" || fail "cannot address $mgmt"
/bin/busybox ip link set "$mgmt" up || fail "cannot bring up $mgmt"

# Sysctls from testlab.sysctl=key=value,key=value (the parameter may repeat). Applied before the test
# links come up, so settings such as forwarding or accept_dad hold from their first frame.
# Keys: [a-z0-9_./-], dots separate unless the key contains a slash (then slashes do, like sysctl(8)).
apply_sysctl() {
  key=${1%%=*}
  value=${1#*=}
  case $1 in *=*) ;; *) fail "sysctl without '=': $1" ;; esac
  case $key in ''|*[!a-z0-9_./-]*|/*|*/|*//*|.*|*.|*..*) fail "bad sysctl key: $key" ;; esac
  case $value in ''|*[!A-Za-z0-9_.:-]*) fail "bad sysctl value for $key: $value" ;; esac
  case $key in
    */*) path=/proc/sys/$key ;;
    *) path=/proc/sys/$(echo "$key" | tr . /) ;;
  esac
  [ -f "$path" ] || fail "sysctl $key does not exist"
  echo "$value" > "$path" || fail "sysctl $key=$value could not be applied"
  echo "testlab: sysctl $key=$(cat "$path")"
}
set -f
for word in $cmdline; do
  case $word in
    testlab.sysctl=*)
      list=${word#testlab.sysctl=}
      old_ifs=$IFS
      IFS=,
      for item in $list; do
        IFS=$old_ifs
        apply_sysctl "$item"
      done
      IFS=$old_ifs
      ;;
  esac
done
set +f

# Test links: every other NIC with a device behind it (not lo, not virtual ones such as sit0), up under
# the names the kernel gave them.
for dir in /sys/class/net/*; do
  ifname=${dir##*/}
  [ "$ifname" = "$mgmt" ] || [ ! -e "$dir/device" ] && continue
  /bin/busybox ip link set "$ifname" up || fail "cannot bring up $ifname"
done

# SSH on the management address only (no TCP port on the test links). The host key comes from the
# overlay the lab appends at boot; -s: no password logins.
[ -f /etc/dropbear/dropbear_ed25519_host_key ] || fail "no SSH host key (the lab's overlay archive is missing)"
/usr/sbin/dropbear -E -p 10.0.2.15:22 -r /etc/dropbear/dropbear_ed25519_host_key -s || fail "dropbear did not start"

echo "testlab: hostname $(hostname), kernel $(uname -r)"
echo "testlab: management $mgmt"
/bin/busybox ip -o link show | while read -r line; do echo "testlab: link $line"; done
echo TESTLAB-NUT-READY

while :; do sleep 3600; done
EOF
chmod 0755 init

# One newc entry, written by hand: GNU cpio can only archive nodes that exist, and creating /dev/console
# needs root. The kernel opens /dev/console for /init before anything is mounted, so it must be in the
# archive. Arguments: name mode(octal) rdevmajor rdevminor.
newc_entry() {
  local name=$1 namesize=$((${#1} + 1)) pad
  printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
    0 "$((8#$2))" 0 0 1 0 0 0 0 "$3" "$4" "$namesize" 0
  printf '%s\0' "$name"
  pad=$(( (4 - (110 + namesize) % 4) % 4 ))
  head -c "$pad" /dev/zero
}

mkdir -p "$(dirname "$out")"
tmp_out=$out.tmp.$$
# Main archive (listable with cpio -t), then a second archive with the console node; Linux unpacks
# concatenated archives in order. -R 0:0: everything owned by root whoever builds it (dropbear refuses an
# authorized_keys whose directories belong to someone else).
{
  find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet
  newc_entry dev 040755 0 0
  newc_entry dev/console 020600 5 1
  newc_entry TRAILER!!! 0 0 0
} | gzip -1 -n > "$tmp_out"
mv -f "$tmp_out" "$out"
echo "$inputs_hash" > "$stamp"
print_size "built"
