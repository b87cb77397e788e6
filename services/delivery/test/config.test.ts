/** The delivery configuration: intake's URL and the topic namespace, their defaults and refusals. */
import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { testAuthEnv } from '../../../test/support/auth.ts';
import { loadDeliveryConfig } from '../src/config.ts';
import { deliveryTopics } from '../src/topics.ts';

const base = {
  ...testAuthEnv,
  LIENTHONG_MODE: 'embedded',
  LIENTHONG_DATABASE_URL: 'postgres://x@127.0.0.1/db',
  LIENTHONG_STORAGE_DIR: '/tmp/x',
};

void t.test('defaults: no intake (acceptance answers 503), no namespace, port 8084', async (t) => {
  const config = loadDeliveryConfig(base);
  t.equal(config.intakeUrl, undefined);
  t.equal(config.topicNamespace, '');
  t.equal(config.port, 8084);
  t.match(deliveryTopics(''), {
    issued: 'lienthong.document.issued.v1',
    sent: 'lienthong.delivery.sent.v1',
    sentUrgent: 'lienthong.delivery.sent-urgent.v1',
    statusChanged: 'lienthong.delivery.status-changed.v1',
    groups: { fanOut: 'delivery-fan-out', inbox: 'delivery-inbox', inboxUrgent: 'delivery-inbox-urgent' },
  });
});

void t.test(
  'set from the environment: trailing slashes trimmed, the namespace before every topic and group',
  async (t) => {
    const config = loadDeliveryConfig({
      ...base,
      LIENTHONG_DELIVERY_INTAKE_URL: 'http://intake.local:8081/',
      LIENTHONG_DELIVERY_TOPIC_NAMESPACE: 'tinh-a',
    });
    t.equal(config.intakeUrl, 'http://intake.local:8081');
    t.equal(config.topicNamespace, 'tinh-a');
    const topics = deliveryTopics(config.topicNamespace);
    t.equal(topics.issued, 'tinh-a.lienthong.document.issued.v1');
    t.equal(topics.groups.inboxUrgent, 'tinh-a.delivery-inbox-urgent');
  },
);

void t.test('refused: a URL with credentials or a query, a namespace Kafka would refuse', async (t) => {
  for (const value of ['ftp://intake', 'http://user:pw@intake', 'http://intake/?x=1', 'intake:8081'])
    t.throws(() => loadDeliveryConfig({ ...base, LIENTHONG_DELIVERY_INTAKE_URL: value }), {
      name: 'ConfigError',
      message: /LIENTHONG_DELIVERY_INTAKE_URL/,
    });
  for (const value of ['Upper', 'has.dot', '-start', 'x'.repeat(64), 'sp ace'])
    t.throws(() => loadDeliveryConfig({ ...base, LIENTHONG_DELIVERY_TOPIC_NAMESPACE: value }), {
      name: 'ConfigError',
      message: /LIENTHONG_DELIVERY_TOPIC_NAMESPACE/,
    });
});

void t.test('evidence: off by default; the key a secret; the TSA under signing by default', async (t) => {
  t.match(loadDeliveryConfig(base).evidence, { signingUrl: undefined, key: undefined, tsaUrl: undefined });
  t.equal(loadDeliveryConfig(base).evidence.bucket, 'lienthong-delivery-evidence', 'the evidence bucket by default');
  t.equal(deliveryTopics('').evidenceStamped, 'lienthong.delivery.evidence-stamped.v1');
  t.equal(
    loadDeliveryConfig({ ...base, LIENTHONG_DELIVERY_EVIDENCE_BUCKET: 'tinh-a-evidence' }).evidence.bucket,
    'tinh-a-evidence',
  );
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const config = loadDeliveryConfig({
    ...base,
    LIENTHONG_DELIVERY_SIGNING_URL: 'http://signing.local:8082/',
    LIENTHONG_DELIVERY_EVIDENCE_KEY: pem,
    LIENTHONG_DELIVERY_EVIDENCE_KEY_ID: 'delivery-1',
  });
  t.match(config.evidence, {
    signingUrl: 'http://signing.local:8082',
    tsaUrl: 'http://signing.local:8082/v1/tsa',
    keyId: 'delivery-1',
    retryMinMs: 5000,
    retryMaxMs: 300_000,
    tsaRetryMinMs: 5000,
    tsaRetryMaxMs: 300_000,
  });
  t.equal(config.evidence.key?.trim(), pem.trim());
  t.notOk(JSON.stringify(config).includes('PRIVATE KEY'), 'the key is not serialised');
  t.notOk(Object.keys(config.evidence).includes('key'));
  t.equal(
    loadDeliveryConfig({
      ...base,
      LIENTHONG_DELIVERY_SIGNING_URL: 'http://s',
      LIENTHONG_DELIVERY_TSA_URL: 'https://tsa.example/tsr',
    }).evidence.tsaUrl,
    'https://tsa.example/tsr',
  );
  for (const [name, value] of [
    ['LIENTHONG_DELIVERY_EVIDENCE_KEY', 'not a key'],
    ['LIENTHONG_DELIVERY_EVIDENCE_KEY', '-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----'],
    ['LIENTHONG_DELIVERY_SIGNING_URL', 'ftp://signing'],
    ['LIENTHONG_DELIVERY_SIGNING_URL', 'http://user:pw@signing'],
    ['LIENTHONG_DELIVERY_TSA_URL', 'http://tsa?x=1'],
    ['LIENTHONG_DELIVERY_EVIDENCE_KEY_ID', 'a b'],
    ['LIENTHONG_DELIVERY_TSA_RETRY_MIN_MS', '0'],
    ['LIENTHONG_DELIVERY_EVIDENCE_BUCKET', '../evidence'],
    ['LIENTHONG_DELIVERY_EVIDENCE_BUCKET', 'Evidence'],
  ] as const) {
    const error = (() => {
      try {
        loadDeliveryConfig({ ...base, [name]: value });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    t.match(error?.message, new RegExp(name), `${name}=${value.slice(0, 20)} refused`);
    if (name === 'LIENTHONG_DELIVERY_EVIDENCE_KEY') t.notOk(error?.message.includes(value), 'the value is not echoed');
  }
});
