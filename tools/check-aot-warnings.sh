#!/usr/bin/env bash
# Publishes with one line per trim/AOT warning and fails when any of them comes from project code.
# LanguageExt.Core's own warnings (its ClassInstances and IL reflection areas, rooted through record equality that
# the extension never calls) are listed and allowed; see build-notes.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
rm -rf "$root/src/Shell/obj/Release/net10.0/linux-x64/native"
dotnet publish "$root/src/Shell/Shell.csproj" -c Release -r linux-x64 -o "$(mktemp -d)" --nologo \
  -p:TrimmerSingleWarn=false -p:TreatWarningsAsErrors=false > "$log" 2>&1 || { cat "$log"; exit 1; }
warnings=$(grep -E '(warning|error) IL[0-9]+' "$log" | sed -E 's/ \[\/.*\]$//' | sort -u || true)
ours=$(printf '%s\n' "$warnings" | grep -vE '^ILC : (Trim|AOT) analysis (warning|error) IL[0-9]+: LanguageExt\.' | grep -E 'IL[0-9]+' || true)
echo "trim/AOT warnings: $(printf '%s\n' "$warnings" | grep -c 'IL[0-9]' || true) in LanguageExt.Core, $(printf '%s\n' "$ours" | grep -c 'IL[0-9]' || true) in project code"
rm -f "$log"
if [ -n "$ours" ]; then
  printf '%s\n' "$ours"
  exit 1
fi
