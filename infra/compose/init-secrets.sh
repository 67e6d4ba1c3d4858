#!/usr/bin/env bash
# Writes the compose stack's secret files with random values, once (existing files are kept):
#   infra/compose/secrets/s3-access-key, s3-secret-key, grafana-admin-password
# The folder is git-ignored and only its owner may enter it; the files themselves are 0644 because
# Compose bind-mounts file secrets with their host mode and the services run as uid 10001 (Kafka
# and s3proxy as their own users): a 0600 file owned by you would be unreadable in the container. LETHE_SECRETS_DIR (see .env.example)
# puts them elsewhere. Rotation: docs/operations.md, "Rotate secrets".
set -euo pipefail
dir=${LETHE_SECRETS_DIR:-"$(cd "$(dirname "$0")" && pwd)/secrets"}
mkdir -p "$dir"
chmod 700 "$dir"
random() { head -c "$1" /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
write() { # file value
  if [ -s "$dir/$1" ]; then
    echo "kept $dir/$1" >&2
  else
    (umask 022 && printf '%s' "$2" > "$dir/$1")
    echo "wrote $dir/$1" >&2
  fi
}
write s3-access-key "lethe-$(random 9)"
write s3-secret-key "$(random 30)"
write grafana-admin-password "$(random 18)"
