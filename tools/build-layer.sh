#!/usr/bin/env bash
# Builds the Lambda layer: artifacts/layer/loki-lambda-extension-<arch>.zip holding extensions/loki-lambda-extension.
# Usage: tools/build-layer.sh [x86_64|arm64|all]     (RELEASE=1 puts the version in the zip's name)
# Each binary is checked to need no glibc newer than 2.34 (Amazon Linux 2023, every current Lambda runtime) and to stay
# within 8 MB (arm64's is the larger: 7.91 MB with the runtime's data stored ready to use, see src/Shell/Shell.csproj).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
target=${1:-x86_64}
max_glibc=2.34
max_bytes=8000000
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/src/Shell/Shell.csproj")

build() {
  local arch=$1 rid objdump extra=()
  case $arch in
    x86_64) rid=linux-x64; objdump=objdump ;;
    arm64)
      rid=linux-arm64; objdump=aarch64-linux-gnu-objdump
      # Cross-linking uses clang with the aarch64 sysroot from Debian's cross packages (build-notes.md).
      local clang_dir; clang_dir=$(mktemp -d)
      ln -s "$(command -v clang || command -v clang-14)" "$clang_dir/clang"
      export PATH="$clang_dir:$PATH"
      extra=(-p:ObjCopyName=aarch64-linux-gnu-objcopy)
      ;;
    *) echo "unknown architecture '$arch': use x86_64, arm64 or all" >&2; exit 2 ;;
  esac

  local out="$root/artifacts/publish/$rid"
  echo "== publishing $rid (Native AOT)"
  dotnet publish "$root/src/Shell/Shell.csproj" -c Release -r "$rid" -o "$out" --nologo "${extra[@]}" | grep -vE '^\s*$' | tail -n 3

  local binary="$out/loki-lambda-extension"
  local glibc; glibc=$("$objdump" -T "$binary" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1)
  if [ "$(printf '%s\n%s\n' "$glibc" "$max_glibc" | sort -V | tail -n 1)" != "$max_glibc" ]; then
    echo "FAIL: $binary needs glibc $glibc; Lambda's Amazon Linux 2023 has $max_glibc" >&2
    exit 1
  fi

  local size; size=$(stat -c %s "$binary")
  if [ "$size" -gt "$max_bytes" ]; then
    echo "FAIL: $binary is $size bytes; the layer's bound is $max_bytes (issue: cold start and layer size)" >&2
    exit 1
  fi

  local name="loki-lambda-extension-$arch.zip"
  [ "${RELEASE:-0}" = 1 ] && name="loki-lambda-extension-$version-$arch.zip"
  mkdir -p "$root/artifacts/layer"
  python3 - "$binary" "$root/artifacts/layer/$name" <<'PY'
import sys, zipfile
binary, zip_path = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as z:
    info = zipfile.ZipInfo("extensions/loki-lambda-extension", date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = (0o100755 << 16)   # a regular file, executable: Lambda starts it from /opt/extensions
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(binary, "rb") as f:
        z.writestr(info, f.read())
PY
  printf '%s: binary %s bytes, needs glibc %s (<= %s), zip %s bytes\n' "$name" "$(stat -c %s "$binary")" "$glibc" "$max_glibc" \
    "$(stat -c %s "$root/artifacts/layer/$name")"
}

case $target in
  all) build x86_64; build arm64 ;;
  *) build "$target" ;;
esac
