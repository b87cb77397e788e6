/**
 * `LIENTHONG_INTAKE_TOPIC_NAMESPACE`: intake's events go to the topics under the namespace
 * that delivery, the archive and signing read under theirs (`ns.lienthong.….v1`), so two
 * installations (or test runs) on one Kafka never read each other's; without it, the topics
 * are the definitions' own.
 */
import t from 'tap';
import { withTransaction } from '@lienthong/db';
import { authHeader, testAuthEnv } from '../../../test/support/auth.ts';
import { appendTransition, setDocumentState } from '../src/documents/document-repository.ts';
import { confirmIssued, reserveNumber } from '../src/registers/numbering.ts';
import { loadIntakeConfig } from '../src/config.ts';
import { metadataOf, plainPdf, seedDirectory, submissionParts, submit } from './documents-support.ts';
import { intakeForFile } from './support.ts';

const intake = await intakeForFile(t, 'folder', { LIENTHONG_INTAKE_TOPIC_NAMESPACE: 'tinh-a' });
const { app, pool } = intake;
await seedDirectory(intake);
const registryA = authHeader({ subject: 'person:van-thu-a', office: 'VPTU-A', roles: ['registry'] });

/** A document of VPTU-A as the issue route leaves it (numbered, issued), without signing. */
async function issued(): Promise<string> {
  const res = await submit(intake, submissionParts(metadataOf(), await plainPdf()));
  if (res.statusCode !== 201) throw new Error(res.body);
  const id = (JSON.parse(res.body) as { id: string }).id;
  await withTransaction(pool, async (c) => {
    const by = 'person:van-thu-a';
    await reserveNumber(c, { office: 'VPTU-A', documentId: id, type: 'CT', date: new Date(), subject: 'Chỉ thị', by });
    await confirmIssued(c, { office: 'VPTU-A', documentId: id, by });
    await setDocumentState(c, id, 'issued');
    await appendTransition(c, id, { from: 'awaiting-signature', to: 'issued', action: 'issue', by });
  });
  return id;
}

const post = (url: string, body: unknown) =>
  app.inject({
    method: 'POST',
    url,
    headers: { ...registryA, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });

void t.test('every event of intake goes to its topic under the namespace', async (t) => {
  const recalled = await issued();
  t.equal((await post(`/v1/documents/${recalled}/recall`, { reason: 'Ban hành nhầm' })).statusCode, 200);
  const cancelled = await issued();
  t.equal((await post(`/v1/documents/${cancelled}/cancellation`, { reason: 'Sai thể thức' })).statusCode, 200);
  const { rows } = await pool.query<{ topic: string }>('SELECT DISTINCT topic FROM outbox ORDER BY topic');
  t.same(
    rows.map((r) => r.topic),
    [
      'tinh-a.lienthong.directory.changed.v1',
      'tinh-a.lienthong.document.cancelled.v1',
      'tinh-a.lienthong.document.recalled.v1',
    ],
  );
});

void t.test('the namespace: none by default, and one Kafka would refuse is refused', async (t) => {
  const base = {
    ...testAuthEnv,
    LIENTHONG_MODE: 'embedded',
    LIENTHONG_DATABASE_URL: 'postgres://x@127.0.0.1/db',
    LIENTHONG_STORAGE_DIR: '/tmp/x',
  };
  t.equal(loadIntakeConfig(base).topicNamespace, '');
  t.equal(loadIntakeConfig({ ...base, LIENTHONG_INTAKE_TOPIC_NAMESPACE: 'e2e_0a1b-2c' }).topicNamespace, 'e2e_0a1b-2c');
  for (const value of ['Upper', 'has.dot', '-start', 'a'.repeat(64), 'space d'])
    t.throws(() => loadIntakeConfig({ ...base, LIENTHONG_INTAKE_TOPIC_NAMESPACE: value }), {
      name: 'ConfigError',
      message: /LIENTHONG_INTAKE_TOPIC_NAMESPACE/,
    });
});
