#!/usr/bin/env bash
# Creates every Lethe topic with its partitions and retention; run by the compose service
# topics-init (apache/kafka image) and usable against any cluster:
#   infra/compose/create-topics.sh <bootstrap> [extra kafka-topics.sh args, e.g. --command-config f]
# --if-not-exists: re-running changes nothing (partitions are never shrunk; to grow
# lethe.forget-requests use kafka-topics.sh --alter --partitions N, see docs/operations.md).
#
# Retention mirrors tools/embedded PipelineTopics.RETENTION; the ledger mirrors LedgerTopic
# (compacted and deleted after 30 days, min compaction lag 1 day, 8 MiB + 64 KiB messages).
# lethe.forget-requests is keyed by model id: its partition count caps the useful workers.
set -euo pipefail
bootstrap=${1:?usage: $0 <bootstrap-servers> [kafka-topics.sh options]}
shift
topics=/opt/kafka/bin/kafka-topics.sh
[ -x "$topics" ] || topics=kafka-topics.sh
forget_partitions=${LETHE_FORGET_REQUEST_PARTITIONS:-6}
partitions=${LETHE_TOPIC_PARTITIONS:-3}
replication=${LETHE_TOPIC_REPLICATION:-1}
day=86400000

create() { # name partitions config...
  local name=$1 count=$2
  shift 2
  local configs=()
  for c in "$@"; do configs+=(--config "$c"); done
  "$topics" --bootstrap-server "$bootstrap" "${EXTRA[@]}" --create --if-not-exists \
    --topic "$name" --partitions "$count" --replication-factor "$replication" "${configs[@]}"
}
EXTRA=("$@")

create lethe.deletion-events "$partitions" retention.ms=$((7 * day))
create lethe.forget-requests "$forget_partitions" retention.ms=$((7 * day))
create lethe.job-progress "$partitions" retention.ms=$((1 * day))
create lethe.unlearning-results "$partitions" retention.ms=$((7 * day))
create lethe.evaluations "$partitions" retention.ms=$((7 * day))
create lethe.dead-letters "$partitions" retention.ms=$((7 * day))
create lethe.intake-ledger 1 cleanup.policy=compact,delete retention.ms=$((30 * day)) \
  min.compaction.lag.ms=$((1 * day)) max.message.bytes=$((8 * 1024 * 1024 + 64 * 1024))

"$topics" --bootstrap-server "$bootstrap" "${EXTRA[@]}" --describe --topic 'lethe\..*' \
  | grep -E '^Topic:' || true
echo "lethe.forget-requests has $forget_partitions partitions: at most $forget_partitions workers get work" >&2
