# shellcheck shell=bash
# Apache Kafka (KRaft, one node that is broker and controller), jars from Maven Central.
# Sourced by infra/local after common.sh.

KAFKA_VERSION="4.1.1"
KAFKA_HOME="$CACHE/kafka-$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_DIR="$DATA/kafka"
KAFKA_PROPS="$KAFKA_DIR/server.properties"
KAFKA_PIDFILE="$DATA/kafka.pid"
KAFKA_LOG="$LOGS/kafka.log"
KAFKA_TOOLS_LOG="$LOGS/kafka-tools.log"

kafka_java() {
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [[ "${major%%.*}" -ge 17 ]] 2>/dev/null || die "Kafka $KAFKA_VERSION needs Java 17 or newer; found java.specification.version=$major"
}

# Downloads Kafka's jars once per cache: a throwaway pom, `mvn dependency:copy-dependencies`
# into a temp folder, then one rename into place (a killed download leaves no half libs/).
kafka_fetch() {
  [[ -d "$KAFKA_LIBS" ]] && return
  command -v mvn >/dev/null || apt_install maven
  mkdir -p "$KAFKA_HOME"
  lock_file "$KAFKA_HOME/.lock" 9
  if [[ -d "$KAFKA_LIBS" ]]; then flock -u 9; return; fi
  local t0="$EPOCHREALTIME" tmp log="$LOGS/kafka-fetch.log"
  rm -rf "$KAFKA_HOME"/.tmp.*   # left by a killed fetch (we hold the lock)
  say "kafka: fetching Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_HOME"
  tmp="$(mktemp -d "$KAFKA_HOME/.tmp.XXXXXX")"
  cat >"$tmp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>lienthong.infra</groupId>
  <artifactId>kafka-libs</artifactId>
  <version>$KAFKA_VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
    <!-- SLF4J 1.7 binding to log4j2, the logging Kafka 4 itself uses -->
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>2.24.3</version></dependency>
  </dependencies>
</project>
POM
  if ! mvn -q -B -f "$tmp/pom.xml" \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
      -DoutputDirectory="$tmp/libs" -DincludeScope=runtime >"$log" 2>&1; then
    rm -rf "$tmp"
    flock -u 9
    die "kafka: Maven download failed; see $(rel "$log")"
  fi
  cp "$tmp/pom.xml" "$KAFKA_HOME/pom.xml"
  mv -T "$tmp/libs" "$KAFKA_LIBS"
  rm -rf "$tmp"
  flock -u 9
  say "kafka: $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars fetched ($(elapsed "$t0") s)"
}

# JVM flags for the short-lived tools (storage format, probe): quick start, quiet logs.
kafka_tool() {
  java -Xmx256m -XX:TieredStopAtLevel=1 -Xshare:auto \
    -Dlog4j2.configurationFile="$INFRA_DIR/kafka/log4j2.properties" -Dlienthong.log.level=warn \
    -cp "$KAFKA_LIBS/*" "$@"
}

kafka_write_props() {
  local port="$1" cport="$2"
  mkdir -p "$KAFKA_DIR/data"
  cat >"$KAFKA_PROPS.tmp" <<PROPS
# Written by infra/local on every start (ports may change); edits are lost.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=3
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
num.recovery.threads.per.data.dir=1
PROPS
  mv "$KAFKA_PROPS.tmp" "$KAFKA_PROPS"
}

# Formats the storage once. The controller's address is recorded at format time
# (--standalone), so a new controller port means a fresh format (test data is dropped).
kafka_format() {
  local cport="$1" stamp="$KAFKA_DIR/formatted-controller-port"
  if [[ -f "$KAFKA_DIR/data/meta.properties" && -f "$stamp" ]]; then
    [[ "$(cat "$stamp")" == "$cport" ]] && return
    say "kafka: controller port changed to $cport; formatting fresh storage (old topics dropped)"
  fi
  rm -rf "$KAFKA_DIR/data"
  mkdir -p "$KAFKA_DIR/data"
  # A cluster id as `StorageTool random-uuid` makes it (16 random bytes, base64url, not
  # starting with '-'), without a JVM start.
  local id="-"
  while [[ "$id" == -* ]]; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-22)"
  done
  if ! kafka_tool kafka.tools.StorageTool format --standalone -t "$id" -c "$KAFKA_PROPS" >>"$KAFKA_TOOLS_LOG" 2>&1; then
    die "kafka: storage format failed; see $(rel "$KAFKA_TOOLS_LOG")"
  fi
  echo "$cport" >"$stamp"
}

kafka_pid() { live_pid "$KAFKA_PIDFILE" "kafka.Kafka $KAFKA_PROPS"; }

# Launches the broker when it is not running (returns at once); kafka_wait checks readiness.
# Split so that Postgres and MinIO start while the JVM boots.
kafka_start() {
  local pid cport
  KAFKA_T0="$EPOCHREALTIME"
  kafka_java
  kafka_fetch
  if pid="$(kafka_pid)"; then
    KAFKA_RUN_PORT="$(recorded_port kafka "$KAFKA_PORT")"
    [[ "$KAFKA_RUN_PORT" == "$KAFKA_PORT" ]] || say "kafka already running on $KAFKA_RUN_PORT (pid $pid); 'infra/local down' to change the port"
    return
  fi
  KAFKA_RUN_PORT="$KAFKA_PORT"
  cport="$KAFKA_CONTROLLER_PORT"
  require_free_port "$KAFKA_RUN_PORT" kafka
  require_free_port "$cport" "kafka controller"
  : >"$KAFKA_TOOLS_LOG"
  kafka_write_props "$KAFKA_RUN_PORT" "$cport"
  kafka_format "$cport"
  echo "--- start $(date -u +%FT%TZ)" >>"$KAFKA_LOG"
  # setsid: own session, so a Ctrl-C in the caller's terminal does not reach the broker.
  setsid java -Xmx512m -Xms256m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$INFRA_DIR/kafka/log4j2.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_PROPS" >>"$KAFKA_LOG" 2>&1 </dev/null 8>&- 9>&- &
  echo $! >"$KAFKA_PIDFILE"
  echo "$KAFKA_RUN_PORT" >"$DATA/kafka.port"
}

kafka_wait() {
  local port="$KAFKA_RUN_PORT" i
  for ((i = 0; i < 900; i++)); do
    port_open "$port" && break
    kafka_pid >/dev/null || die "kafka exited during start; see $(rel "$KAFKA_LOG")"
    sleep 0.1
  done
  port_open "$port" || die "kafka did not open 127.0.0.1:$port within 90 s; see $(rel "$KAFKA_LOG")"
  if ! kafka_tool "$INFRA_DIR/kafka/KafkaProbe.java" "127.0.0.1:$port" 60 >>"$KAFKA_TOOLS_LOG" 2>&1; then
    die "kafka on 127.0.0.1:$port failed the produce/consume round trip within 60 s; see $(rel "$KAFKA_LOG") and $(rel "$KAFKA_TOOLS_LOG")"
  fi
  say "kafka ready on 127.0.0.1:$port ($(elapsed "$KAFKA_T0") s)"
}

kafka_down() {
  local pid
  if pid="$(kafka_pid)"; then
    stop_pid "$pid" 45 kafka
    say "kafka stopped"
  fi
  rm -f "$KAFKA_PIDFILE" "$DATA/kafka.port"
}

kafka_status() {
  local pid port state=stopped
  port="$(recorded_port kafka "$KAFKA_PORT")"
  if pid="$(kafka_pid)"; then state=running; else pid="-"; port="$KAFKA_PORT"; fi
  printf '%-9s %-8s 127.0.0.1:%-6s pid %-8s data %s  log %s\n' kafka "$state" "$port" "$pid" "$(rel "$KAFKA_DIR")" "$(rel "$KAFKA_LOG")"
}
