#!/usr/bin/env bash
# Builds the file tree that the container image is made of, besides the jar: no base image is pulled (the build
# reaches no registry), so this is the whole operating system of the image, distroless-like.
#
#   deploy/image/build-root.sh OUT [JDK]     (JDK: the one Maven runs on; by default JAVA_HOME's, or javac's)
#
# OUT/opt/java      a Java runtime cut from the building JDK by jlink (the modules the jar and Hazelcast's flags need)
# OUT/lib*, usr/lib the shared libraries that runtime loads (found with ldd), copied from the building machine
# OUT/etc           passwd and group with the user switchboard (65532), nsswitch.conf
# OUT/tmp           the JVM's temporary directory (Netty's native library is unpacked there)
#
# The image is therefore for the building machine's architecture (x86_64 on Debian 12 here); an aarch64 image needs
# an aarch64 build machine. Does nothing when OUT/opt/java is already there (mvn clean removes it).
set -euo pipefail
out="${1:?usage: build-root.sh OUT [JDK]}"
if [ -x "$out/opt/java/bin/java" ]; then
  exit 0
fi
jdk="${2:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}}"
rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp"

# java.se because Hazelcast's flags name it (--add-modules java.se); jdk.management and jdk.unsupported for Hazelcast
# and Netty; jdk.naming.dns for the Kubernetes DNS discovery; jdk.crypto.ec for TLS; jdk.jfr for diagnosis in place.
# (A JDK without jmods, as JDK 24 and later may be, links from its own run-time image.)
modules=()
[ -d "$jdk/jmods" ] && modules=(--module-path "$jdk/jmods")
"$jdk/bin/jlink" "${modules[@]}" \
  --add-modules java.se,jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.naming.dns,jdk.net,jdk.zipfs,jdk.jfr,jdk.management.jfr \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/opt/java"

# The libraries of the launcher, the VM and every native library of the runtime except the desktop ones (AWT, fonts,
# sound, images: java.desktop comes with java.se, but a server never loads them). ldd prints each one's path on this
# machine; it is copied to the same path in the image, symbolic links resolved.
libs=$(find "$out/opt/java" -name '*.so' ! -name 'libawt*' ! -name 'libfontmanager.so' ! -name 'libjawt.so' \
         ! -name 'libjsound.so' ! -name 'liblcms.so' ! -name 'libmlib_image.so' ! -name 'libsplashscreen.so' \
         ! -name 'libjavajpeg.so')
for dep in $(ldd "$out/opt/java/bin/java" $libs | awk '$1 ~ /^\// { print $1 } $2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u); do
  case "$dep" in "$out"/*) continue ;; esac
  mkdir -p "$out$(dirname "$dep")"
  cp -L "$dep" "$out$dep"
done

cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
switchboard:x:65532:65532:Switchboard:/tmp:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
switchboard:x:65532:
GROUP
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$out/etc/nsswitch.conf"
