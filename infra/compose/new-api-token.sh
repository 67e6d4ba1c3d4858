#!/usr/bin/env bash
# Creates an API token for the compose stack: prints the token once (give it to the caller) and
# appends name:scopes:sha256:<hash> to infra/compose/api-tokens (or to the file
# LETHE_API_TOKEN_HASHES names, as docker-compose.yml reads it). The file never holds the token.
#   infra/compose/new-api-token.sh ops-alice admin
#   infra/compose/new-api-token.sh erasure-portal submit
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 <name> <scope[,scope...]>   (scopes: submit, read, admin)" >&2
  exit 2
fi
name=$1
scopes=$2
file=${LETHE_API_TOKEN_HASHES:-"$(cd "$(dirname "$0")" && pwd)/api-tokens"}
token=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
printf '%s:%s:sha256:%s\n' "$name" "$scopes" "$hash" >> "$file"
echo "token for $name ($scopes), shown once: $token" >&2
echo "its hash was added to $file; restart the intake and the registry to load it" >&2
