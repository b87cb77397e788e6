/**
 * A Kafka broker of the test's own, for tests that stop and start the broker (the shared
 * one of infra/local must never be restarted: other test files use it at the same time).
 * One KRaft node (broker and controller) from the jars infra/local fetched
 * (`LIENTHONG_TEST_KAFKA_LIBS`), configured as infra/lib/kafka.sh configures the shared
 * one, on free loopback ports, with its data in a temporary folder and a 256 MB heap.
 * `stop()` and `start()` again keep the ports and the data: a broker restart.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEnvelope, createKafkaBus } from '@lienthong/bus';
import { freePort } from './transports.ts';

/** A broker the test owns: its address, and its life. */
export interface ScratchKafka {
  /** `host:port` of the broker, the same across restarts. */
  brokers: string[];
  /** Where its data, configuration and log are (removed by `destroy`). */
  dir: string;
  /** The broker's process id while it runs. */
  pid(): number | undefined;
  /** Starts it again on the same ports and data; resolves once a round trip works. */
  start(): Promise<void>;
  /**
   * SIGTERM (a clean shutdown), then SIGKILL after `stopTimeoutMs`; or SIGKILL at once (a
   * crash) when asked. Resolves once the process has exited.
   */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Kills the broker (if running) and removes its folder. Idempotent. */
  destroy(): Promise<void>;
}

/** Options of `startScratchKafka`. */
export interface ScratchKafkaOptions {
  /** Folder of Kafka's jars (default `LIENTHONG_TEST_KAFKA_LIBS`). */
  libs?: string;
  /** How long `start` waits for a round trip (default 120000 ms). */
  readyTimeoutMs?: number;
  /** How long `stop` waits after SIGTERM before SIGKILL (default 30000 ms). */
  stopTimeoutMs?: number;
}

const repoRoot = join(import.meta.dirname, '..', '..');

/** Where the jars are, or an error that says how to get them. */
function kafkaLibs(libs: string | undefined): string {
  if (!libs) {
    throw new Error(
      'LIENTHONG_TEST_KAFKA_LIBS is not set: run `infra/local up kafka` and source .data/infra/env (it names the folder of Kafka 4.1.1 jars)',
    );
  }
  if (!existsSync(join(libs, '.'))) throw new Error(`LIENTHONG_TEST_KAFKA_LIBS=${libs} is not a folder`);
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (java.error || java.status !== 0) {
    throw new Error('java is not on PATH: Kafka needs Java 17 or newer (infra/local up installs it)');
  }
  return libs;
}

/** server.properties of one KRaft node, as infra/lib/kafka.sh writes it for the shared broker. */
function properties(dir: string, port: number, controllerPort: number): string {
  return `process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${join(dir, 'data')}
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
`;
}

/** JVM flags of the broker and of its storage tool: a small heap, logs through infra's log4j2. */
const javaFlags = (libs: string): string[] => [
  '-Xmx256m',
  '-XX:+UseG1GC',
  '-Djava.awt.headless=true',
  `-Dlog4j2.configurationFile=${join(repoRoot, 'infra', 'kafka', 'log4j2.properties')}`,
  '-Dlienthong.log.level=warn',
  '-cp',
  join(libs, '*'),
];

/** Runs java to the end, its output appended to the broker's log; rejects on a non-zero exit. */
async function runJava(what: string, args: string[], log: string): Promise<void> {
  const out = await open(log, 'a');
  try {
    const child = spawn('java', args, { stdio: ['ignore', out.fd, out.fd] });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c) => resolve(c));
    });
    if (code !== 0) throw new Error(`${what} exited with ${code}; see ${log}`);
  } finally {
    await out.close();
  }
}

/**
 * One round trip with the client the services use: the probe topic made (waiting for its
 * leader), an event published by an idempotent producer with acks from all, and read back
 * by a new consumer group (group coordinator, join, fetch, commit).
 */
async function roundTrip(brokers: string[], timeoutMs: number): Promise<void> {
  const bus = createKafkaBus({
    brokers,
    clientId: 'scratch-kafka-probe',
    joinTimeoutMs: timeoutMs,
    connectionTimeoutMs: 1_000,
  });
  const topic = 'lienthong.scratch-probe.v1';
  try {
    await bus.ensureTopics([topic]);
    const envelope = createEnvelope({ type: 'scratch.probe', source: 'test', subject: randomUUID(), data: {} });
    let seen!: () => void;
    const arrived = new Promise<void>((resolve) => (seen = resolve));
    const subscription = await bus.subscribe({
      group: `scratch-probe-${randomUUID()}`,
      topics: [topic],
      handler: async (event) => {
        if (event.id === envelope.id) seen();
      },
    });
    try {
      await bus.publish([{ topic, key: envelope.subject, envelope }]);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the probe event did not come back within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      await Promise.race([arrived, late]).finally(() => clearTimeout(timer));
    } finally {
      await subscription.stop();
    }
  } finally {
    await bus.close();
  }
}

/**
 * Formats a fresh KRaft storage in a temporary folder and starts a broker on it, on two free
 * loopback ports (broker, controller); resolves once a produce/consume round trip works.
 * Fails with a clear message when `LIENTHONG_TEST_KAFKA_LIBS` or java is missing.
 */
export async function startScratchKafka(options: ScratchKafkaOptions = {}): Promise<ScratchKafka> {
  const libs = kafkaLibs(options.libs ?? process.env.LIENTHONG_TEST_KAFKA_LIBS);
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-scratch-kafka-'));
  const port = await freePort();
  const controllerPort = await freePort();
  const brokers = [`127.0.0.1:${port}`];
  const props = join(dir, 'server.properties');
  const log = join(dir, 'kafka.log');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let destroyed = false;

  const launch = async (): Promise<void> => {
    if (destroyed) throw new Error('scratch Kafka destroyed');
    if (child) return;
    const out = await open(log, 'a');
    try {
      const proc = spawn('java', [...javaFlags(libs), 'kafka.Kafka', props], { stdio: ['ignore', out.fd, out.fd] });
      child = proc;
      exited = new Promise((resolve) =>
        proc.once('exit', () => {
          if (child === proc) child = undefined;
          resolve();
        }),
      );
    } finally {
      await out.close();
    }
    const deadline = Date.now() + readyTimeoutMs;
    let last: unknown;
    for (;;) {
      if (!child) throw new Error(`scratch Kafka exited during its start; see ${log}`);
      try {
        await roundTrip(brokers, Math.max(5_000, Math.min(30_000, deadline - Date.now())));
        return;
      } catch (err) {
        last = err;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `scratch Kafka on ${brokers[0]} failed its round trip within ${readyTimeoutMs} ms; see ${log}`,
          {
            cause: last,
          },
        );
      }
      await sleep(250);
    }
  };

  const kill = async (signal: NodeJS.Signals, waitMs: number): Promise<boolean> => {
    const proc = child;
    if (!proc) return true;
    proc.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const gone = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs))),
    ]);
    clearTimeout(timer);
    return gone;
  };

  const scratch: ScratchKafka = {
    brokers,
    dir,
    pid: () => child?.pid,
    start: launch,
    async stop(signal = 'SIGTERM') {
      if (signal === 'SIGTERM' && (await kill('SIGTERM', stopTimeoutMs))) return;
      await kill('SIGKILL', 60_000);
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await kill('SIGKILL', 60_000);
      await rm(dir, { recursive: true, force: true });
    },
  };

  try {
    await writeFile(props, properties(dir, port, controllerPort));
    // A cluster id as `StorageTool random-uuid` makes it: 16 random bytes, base64url, not starting with '-'.
    let clusterId = '-';
    while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url').slice(0, 22);
    await runJava(
      'Kafka StorageTool format',
      [
        ...javaFlags(libs),
        '-XX:TieredStopAtLevel=1',
        'kafka.tools.StorageTool',
        'format',
        '--standalone',
        '-t',
        clusterId,
        '-c',
        props,
      ],
      log,
    );
    await launch();
  } catch (err) {
    await scratch.destroy();
    throw err;
  }
  return scratch;
}
