#!/bin/sh
# Creates the topics of topics.txt and their dead-letter topics (`<name>.dlq`) when missing,
# raises a topic's partitions to the plan when it has fewer (never lowers: that would move
# keys), and sets min.insync.replicas and retention.ms of topics that exist. Runs in the apache/kafka image (compose's kafka-init, the kafka-topics Job).
# Environment: KAFKA_BOOTSTRAP (host:port), REPLICATION_FACTOR (3), MIN_INSYNC_REPLICAS (2),
# DLQ_PARTITIONS (3), DLQ_RETENTION_MS (7776000000: 90 days to look at and replay letters),
# TOPIC_PLAN (the plan file), KAFKA_BIN (/opt/kafka/bin).
set -eu

bootstrap="${KAFKA_BOOTSTRAP:?KAFKA_BOOTSTRAP must name a broker (host:port)}"
replication="${REPLICATION_FACTOR:-3}"
min_isr="${MIN_INSYNC_REPLICAS:-2}"
dlq_partitions="${DLQ_PARTITIONS:-3}"
dlq_retention="${DLQ_RETENTION_MS:-7776000000}"
plan="${TOPIC_PLAN:-$(dirname "$0")/topics.txt}"
bin="${KAFKA_BIN:-/opt/kafka/bin}"

topics() { "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" "$@"; }

ensure() { # name partitions retention_ms
  name="$1" partitions="$2" retention="$3"
  if ! topics --describe --topic "$name" >/dev/null 2>&1; then
    retention_config=""
    [ "$retention" = "-1" ] || retention_config="--config retention.ms=$retention"
    # shellcheck disable=SC2086 # retention_config is zero or two words
    topics --create --if-not-exists --topic "$name" --partitions "$partitions" \
      --replication-factor "$replication" --config "min.insync.replicas=$min_isr" $retention_config
    echo "created $name ($partitions partitions, replication $replication)"
    return
  fi
  have="$(topics --describe --topic "$name" | sed -n 's/.*PartitionCount: *\([0-9]*\).*/\1/p' | head -n 1)"
  if [ -n "$have" ] && [ "$have" -lt "$partitions" ]; then
    topics --alter --topic "$name" --partitions "$partitions"
    echo "raised $name from $have to $partitions partitions"
  else
    echo "kept $name (${have:-?} partitions)"
  fi
  # A topic a service made first (ensureTopics, with the broker's defaults) gets the plan's settings.
  settings="min.insync.replicas=$min_isr"
  [ "$retention" = "-1" ] || settings="$settings,retention.ms=$retention"
  "$bin/kafka-configs.sh" --bootstrap-server "$bootstrap" --alter --entity-type topics --entity-name "$name" \
    --add-config "$settings" >/dev/null
}

grep -v '^[[:space:]]*#' "$plan" | while read -r name partitions retention _; do
  [ -n "$name" ] || continue
  ensure "$name" "$partitions" "$retention"
  ensure "$name.dlq" "$dlq_partitions" "$dlq_retention"
done
