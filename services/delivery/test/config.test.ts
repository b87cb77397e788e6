/** The delivery configuration: intake's URL and the topic namespace, their defaults and refusals. */
import t from 'tap';
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
