#!/usr/bin/env bash
# Installs what is missing, builds (Release), creates ./var/gadehold.db on the first run,
# and serves on 127.0.0.1:8080 in the foreground. Extra arguments go to `gadehold serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/install-deps.sh
./deploy/build.sh
DB="${GADEHOLD_DB:-./var/gadehold.db}"
if [ ! -f "$DB" ]; then
  echo "run.sh: creating $DB" >&2
  code="$(./build/gadehold init --db "$DB" | tail -n 1)"
  cat <<BANNER

  ================================================================
   First run: invite code for the first coordinator (valid 72 h)

       $code

   Redeem it from the app (RedeemInvite) to become coordinator.
   It is shown only now; \`gadehold invite\` makes new codes.
  ================================================================

BANNER
fi
exec ./build/gadehold serve --db "$DB" "$@"
