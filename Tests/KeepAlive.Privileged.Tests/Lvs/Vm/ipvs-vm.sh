#!/usr/bin/env bash
# A real IPVS kernel for tests: Debian's own kernel (the package linux-image-amd64 depends on) booted under qemu
# with software emulation, a busybox initramfs holding the ip_vs modules and ipvsadm, and a host directory shared
# over 9p. The VM has no network card: it never touches the host's network or its namespaces.
#
#   ipvs-vm.sh prepare                  install what is missing (root: apt-get), build the kernel + initramfs cache
#   ipvs-vm.sh run DIR [--timeout S] [--app APPDIR] [--dotnet DOTNETDIR]
#                        boot, run DIR/run.sh inside the VM (cwd DIR, mounted read-write at /mnt/share; APPDIR, e.g. a
#                        self-contained .NET build, read-only at /mnt/app; DOTNETDIR, a .NET install such as
#                        /usr/share/dotnet for framework-dependent builds, read-only at /mnt/dotnet), print the serial
#                        log, exit with run.sh's exit code; 124 when S seconds (default 120) passed (qemu is killed by
#                        its PID), 125 when the VM stopped before run.sh ended
#
# The cache (KA_IPVS_VM_CACHE, default /var/tmp/keepalive-ipvs-vm) is keyed by the kernel package's name and version
# and by this script and init, so a second run only boots. Lines "ipvs-vm: ..." on stderr say what happened.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="${KA_IPVS_VM_CACHE:-/var/tmp/keepalive-ipvs-vm}"
packages=(qemu-system-x86 busybox-static cpio kmod ipvsadm xz-utils)
# ip_vs with every scheduler of 6.1, the 9p share over virtio, dummy links for backends; dependencies are added.
modules=(ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_dh ip_vs_sh ip_vs_sed ip_vs_nq
         ip_vs_fo ip_vs_ovf ip_vs_mh 9p 9pnet_virtio virtio_pci dummy)
# Besides ipvsadm's own libraries: what a self-contained .NET runtime loads (InvariantGlobalization: no ICU; the
# daemon aborts at start without libssl: "No usable version of libssl was found").
dotnet_libs=(libstdc++.so.6 libgcc_s.so.1 libm.so.6 libdl.so.2 librt.so.1 libpthread.so.0 libz.so.1 libssl.so.3 libcrypto.so.3)

say() { echo "ipvs-vm: $*" >&2; }
die() { say "$*"; exit 2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

apt_updated=0
apt_update() {
  [ "$apt_updated" = 1 ] && return 0
  apt_updated=1
  timeout 300 apt-get update -qq >/dev/null 2>&1 || say "apt-get update failed (offline?)"
}

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]; }

ensure_packages() {
  local missing=() p
  for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
  [ "${#missing[@]}" = 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing packages ${missing[*]} (as root: apt-get install ${missing[*]})"
  say "installing ${missing[*]}"
  apt_update
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

# "PACKAGE VERSION" of the kernel linux-image-amd64 depends on now ("" when apt does not know it): one apt-cache call.
kernel_package() {
  apt-cache show --no-all-versions linux-image-amd64 2>/dev/null \
    | sed -n 's/^Depends:.*\(linux-image-[0-9][^ ,]*\) (= \([^)]*\)).*/\1 \2/p'
}

resolve_kernel() {
  local found
  found="$(kernel_package)"
  if [ -z "$found" ]; then apt_update; found="$(kernel_package)"; fi
  if [ -z "$found" ]; then
    # Offline: the newest kernel already in the cache still serves.
    kdir="$(ls -d "$cache"/kernel-* 2>/dev/null | sort -V | tail -1 || true)"
    [ -n "$kdir" ] || die "apt knows no linux-image-amd64 and the cache is empty: run apt-get update (network needed once)"
    read -r kpkg kver < "$kdir/ready"
    say "apt knows no linux-image-amd64: using the cached $kpkg $kver"
    return 0
  fi
  read -r kpkg kver <<< "$found"
  kdir="$cache/kernel-${kpkg}_${kver}"
}

# Downloads the kernel package, keeps vmlinuz and the modules we load (flat) with their load order.
build_kernel() {
  [ -f "$kdir/ready" ] && return 0
  local t0 work release
  t0="$(now)"
  work="$(mktemp -d "$cache/tmp.XXXXXX")"
  release="${kpkg#linux-image-}"
  say "downloading $kpkg $kver"
  (cd "$work" && timeout 600 apt-get download -o APT::Sandbox::User=root "$kpkg=$kver" >/dev/null 2>&1) \
    || die "apt-get download $kpkg=$kver failed"
  mkdir -p "$work/root"
  dpkg-deb --fsys-tarfile "$work"/*.deb | tar -x -C "$work/root" --wildcards "./boot/vmlinuz-*" "./lib/modules/*" \
    || die "cannot unpack $(basename "$work"/*.deb)"
  # The .deb ships no modules.dep (its postinst makes it): make one to resolve dependencies and soft dependencies.
  depmod -b "$work/root" "$release" || die "depmod failed on $kpkg"
  mkdir -p "$work/out/modules"
  local m line
  : > "$work/out/modules.order"
  for m in "${modules[@]}"; do
    modprobe -d "$work/root" -S "$release" --show-depends "$m" > "$work/deps" || die "module $m is not in $kpkg"
    while read -r line; do
      case "$line" in
        insmod\ *)
          local ko name
          ko="$(echo "$line" | awk '{ print $2 }')"
          name="$(basename "$ko" .ko)"
          grep -qx "$name" "$work/out/modules.order" && continue
          cp "$ko" "$work/out/modules/$name.ko"
          echo "$name" >> "$work/out/modules.order" ;;
      esac
    done < "$work/deps"
  done
  cp "$work/root/boot/vmlinuz-$release" "$work/out/vmlinuz"
  unpack_vmlinux "$work/out"
  echo "$kpkg $kver" > "$work/out/ready"
  rm -rf "$cache"/kernel-*   # the previous kernel package: superseded
  mv "$work/out" "$kdir"
  rm -rf "$work"
  say "kernel $release: $(wc -l < "$kdir/modules.order") modules, ready in $(since "$t0") s"
}

# qemu boots an uncompressed ELF kernel through its PVH entry (Debian: CONFIG_PVH=y): under TCG that skips ~10 s of
# the bzImage decompressor. Kept only when the payload unpacks to an ELF file; otherwise the bzImage boots.
unpack_vmlinux() {
  local dir="$1" offset
  offset="$(LC_ALL=C grep -obUaP -m1 '\xfd7zXZ\x00' "$dir/vmlinuz" | cut -d: -f1 | sed -n 1p || true)"
  [ -n "$offset" ] || return 0
  tail -c +$((offset + 1)) "$dir/vmlinuz" | xz -dc > "$dir/vmlinux" 2>/dev/null || true   # trailing data: xz complains
  if [ "$(head -c 4 "$dir/vmlinux" | od -An -c | tr -d ' ')" != '177ELF' ]; then rm -f "$dir/vmlinux"; fi
}

kernel_image() { if [ -f "$kdir/vmlinux" ]; then echo "$kdir/vmlinux"; else echo "$kdir/vmlinuz"; fi; }

copy_with_libs() { # FILE ROOT: the file at the same path in ROOT, with the libraries ldd lists
  local file="$1" root="$2" lib
  mkdir -p "$root$(dirname "$file")"
  cp -L "$file" "$root$file"
  for lib in $(ldd "$file" 2>/dev/null | grep -o '/[^ ]*' || true); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

build_initrd() {
  local key
  key="$(cat "$here/init" "$0" "$kdir/ready" | sha256sum | cut -c1-16)"
  initrd="$cache/initrd-$key.cpio.gz"
  # Checkouts with another harness share the cache: an initramfs unused for a day (each use touches it) is removed.
  find "$cache" -maxdepth 1 -name 'initrd-*.cpio.gz' ! -name "$(basename "$initrd")" -mtime +0 -delete
  if [ -f "$initrd" ]; then touch "$initrd"; return 0; fi
  local t0 root lib path
  t0="$(now)"
  root="$(mktemp -d "$cache/tmp.XXXXXX")"
  mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,mnt,etc,lib/modules}
  cp /bin/busybox "$root/bin/busybox"
  install -m 0755 "$here/init" "$root/init"
  copy_with_libs "$(command -v ipvsadm || echo /usr/sbin/ipvsadm)" "$root"
  ln -s /usr/sbin/ipvsadm "$root/bin/ipvsadm" 2>/dev/null || true
  for lib in "${dotnet_libs[@]}"; do
    path="$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ && !found { print $NF; found = 1 }')"   # reads it all: no SIGPIPE under pipefail
    [ -n "$path" ] || die "the host has no $lib (needed by .NET in the VM)"
    copy_with_libs "$path" "$root"
  done
  cp "$kdir"/modules/*.ko "$root/lib/modules/"
  cp "$kdir/modules.order" "$root/etc/ka-modules"
  echo "root:x:0:0:root:/tmp:/bin/sh" > "$root/etc/passwd"
  echo "root:x:0:" > "$root/etc/group"
  for f in protocols services; do [ -f "/etc/$f" ] && cp "/etc/$f" "$root/etc/"; done
  (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$initrd.tmp"
  mv "$initrd.tmp" "$initrd"
  rm -rf "$root"
  say "initramfs $(basename "$initrd"): $(du -h "$initrd" | cut -f1), built in $(since "$t0") s"
}

prepare() {
  mkdir -p "$cache"
  exec 9> "$cache/.lock"
  timeout 900 flock 9 || die "the cache $cache stayed locked for 15 minutes"
  rm -rf "$cache"/tmp.*   # left by a build that failed (we hold the lock: nobody else is building)
  ensure_packages
  resolve_kernel
  build_kernel
  build_initrd
  exec 9>&-
}

qemu_pid=""
log=""
stop_qemu() { if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then kill -KILL "$qemu_pid"; wait "$qemu_pid" 2>/dev/null || true; fi; }

run() {
  local share="${1:?usage: ipvs-vm.sh run DIR [--timeout S] [--app APPDIR] [--dotnet DOTNETDIR]}" limit=120 app="" dotnet=""
  shift
  while [ $# -gt 0 ]; do
    case "$1" in
      --timeout) limit="${2:?--timeout needs seconds}"; shift 2 ;;
      --app) app="$(cd "${2:?--app needs a directory}" && pwd)" || die "no directory $2"; shift 2 ;;
      --dotnet) dotnet="$(cd "${2:?--dotnet needs a directory}" && pwd)" || die "no directory $2"; shift 2 ;;
      *) die "unknown option $1" ;;
    esac
  done
  [ -f "$share/run.sh" ] || die "$share/run.sh does not exist"
  share="$(cd "$share" && pwd)"
  local extra=()
  [ -n "$app" ] && extra+=(-virtfs "local,path=$app,mount_tag=app,security_model=none,readonly=on,id=app")
  [ -n "$dotnet" ] && extra+=(-virtfs "local,path=$dotnet,mount_tag=dotnet,security_model=none,readonly=on,id=dotnet")
  local t0
  t0="$(now)"
  prepare
  say "prepared in $(since "$t0") s"
  log="$(mktemp)"
  rm -f "$share/.exit-code"
  trap 'stop_qemu; rm -f "$log" "$log.qemu"' EXIT
  trap 'exit 130' INT TERM
  local t1 deadline timed_out=0 boot=""
  t1="$(now)"
  deadline=$(( $(date +%s) + limit ))
  qemu-system-x86_64 -accel tcg -cpu max -smp 1 -m 512 -nodefaults -no-user-config -display none -monitor none \
    -nic none -no-reboot -serial "file:$log" -kernel "$(kernel_image)" -initrd "$initrd" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1${app:+ ka_app}${dotnet:+ ka_dotnet}" \
    -virtfs "local,path=$share,mount_tag=share,security_model=none,id=share" "${extra[@]}" </dev/null >"$log.qemu" 2>&1 &
  qemu_pid=$!
  while kill -0 "$qemu_pid" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then timed_out=1; stop_qemu; break; fi
    if [ -z "$boot" ] && grep -q "^ka-vm: run " "$log" 2>/dev/null; then boot="$(since "$t1")"; fi
    sleep 0.2
  done
  wait "$qemu_pid" 2>/dev/null || true
  qemu_pid=""
  cat "$log"
  if [ -s "$log.qemu" ]; then say "qemu said: $(cat "$log.qemu")"; fi
  rm -f "$log.qemu"
  say "VM ran $(since "$t1") s; run.sh started ${boot:-never} ${boot:+s }after qemu did"
  if [ "$timed_out" = 1 ]; then say "timeout: the VM ran past ${limit} s; qemu was killed"; return 124; fi
  [ -f "$share/.exit-code" ] || { say "the VM stopped before run.sh finished (serial log above)"; return 125; }
  return "$(cat "$share/.exit-code")"
}

case "${1:-}" in
  prepare) t0="$(now)"; prepare; say "kernel $(kernel_image)"; say "initramfs $initrd"; say "prepared in $(since "$t0") s" ;;
  run) shift; run "$@" ;;
  *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
