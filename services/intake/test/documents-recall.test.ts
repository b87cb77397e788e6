/**
 * Recall and replacement of issued documents against the real PostgreSQL: the state, the
 * life record and `document.recalled` / `document.replaced` in the outbox in one
 * transaction; every refusal (another office's, not issued, recalled already, no reason,
 * hostile bodies, wrong roles) a problem+json 4xx with nothing changed.
 */
import t from 'tap';
import { withTransaction } from '@lienthong/db';
import { validateEventData } from '@lienthong/records';
import { authHeader } from '../../../test/support/auth.ts';
import { appendTransition, setDocumentState } from '../src/documents/document-repository.ts';
import { confirmIssued, reserveNumber } from '../src/registers/numbering.ts';
import { metadataOf, plainPdf, seedDirectory, submissionParts, submit, systemA, systemB } from './documents-support.ts';
import { intakeForFile } from './support.ts';

const intake = await intakeForFile(t);
const { app, pool } = intake;
await seedDirectory(intake);

const registryA = authHeader({ subject: 'person:van-thu-a', office: 'VPTU-A', roles: ['registry'] });
const signerA = authHeader({ subject: 'person:nhung', office: 'VPTU-A', roles: ['signer'] });

/** A submitted document of VPTU-A. */
async function submitted(): Promise<string> {
  const res = await submit(intake, submissionParts(metadataOf(), await plainPdf()));
  if (res.statusCode !== 201) throw new Error(res.body);
  return (JSON.parse(res.body) as { id: string }).id;
}

/** A document of VPTU-A as the issue route leaves it (numbered, issued), without signing. */
async function issued(): Promise<string> {
  const id = await submitted();
  await withTransaction(pool, async (c) => {
    const by = 'person:van-thu-a';
    await reserveNumber(c, { office: 'VPTU-A', documentId: id, type: 'CT', date: new Date(), subject: 'Chỉ thị', by });
    await confirmIssued(c, { office: 'VPTU-A', documentId: id, by });
    await setDocumentState(c, id, 'issued');
    await appendTransition(c, id, { from: 'awaiting-signature', to: 'issued', action: 'issue', by });
  });
  return id;
}

const post = (url: string, headers: Record<string, string>, body: unknown) =>
  app.inject({
    method: 'POST',
    url,
    headers: { ...headers, 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** What a refusal must leave as it was: documents, transitions and the outbox. */
async function snapshot(): Promise<string> {
  const d = await pool.query('SELECT id, state FROM document ORDER BY id');
  const tr = await pool.query('SELECT count(*)::int AS n FROM document_transition');
  const o = await pool.query('SELECT count(*)::int AS n FROM outbox');
  return JSON.stringify([d.rows, tr.rows, o.rows]);
}

async function eventsOf(type: string, id: string) {
  const { rows } = await pool.query<{ key: string; envelope: { type: string; data: Record<string, unknown> } }>(
    `SELECT key, envelope FROM outbox WHERE envelope->>'type' = $1 AND envelope->>'subject' = $2`,
    [type, id],
  );
  return rows;
}

await t.test('a recall: recalled, in the life record with its reason, document.recalled once', async (t) => {
  const id = await issued();
  const res = await post(`/v1/documents/${id}/recall`, registryA, { reason: 'Ban hành nhầm nơi nhận' });
  t.equal(res.statusCode, 200, res.body);
  t.equal(JSON.parse(res.body).state, 'recalled');
  const life = await app.inject({ method: 'GET', url: `/v1/documents/${id}/transitions`, headers: systemA });
  t.match((JSON.parse(life.body) as { transitions: unknown[] }).transitions.at(-1), {
    from: 'issued',
    to: 'recalled',
    action: 'recall',
    by: 'person:van-thu-a',
    reason: 'Ban hành nhầm nơi nhận',
  });
  const events = await eventsOf('document.recalled', id);
  t.equal(events.length, 1);
  t.equal(events[0]!.key, 'VPTU-A', 'keyed by the issuing office');
  t.match(events[0]!.envelope.data, { documentId: id, office: 'VPTU-A', reason: 'Ban hành nhầm nơi nhận' });
  t.match(events[0]!.envelope.data.symbol, /^\d+-CT\/VPTU$/);
  t.ok(validateEventData('document.recalled', 1, events[0]!.envelope.data).ok);

  const before = await snapshot();
  const again = await post(`/v1/documents/${id}/recall`, registryA, { reason: 'lần nữa' });
  t.equal(again.statusCode, 409, 'recalled already');
  t.equal(JSON.parse(again.body).code, 'DOCUMENT_TRANSITION_NOT_ALLOWED');
  t.equal(JSON.parse(again.body).state, 'recalled');
  t.equal(again.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.equal(await snapshot(), before, 'nothing changed');
});

await t.test('a replacement: the old one replaced, document.replaced names the new one', async (t) => {
  const old = await issued();
  const fresh = await issued();
  const res = await post(`/v1/documents/${old}/replacement`, systemA, {
    replacedBy: fresh,
    reason: 'Thay thế do sai sót về ngày',
  });
  t.equal(res.statusCode, 200, res.body);
  t.equal(JSON.parse(res.body).state, 'replaced');
  const events = await eventsOf('document.replaced', old);
  t.equal(events.length, 1);
  t.match(events[0]!.envelope.data, { documentId: old, replacedBy: fresh, reason: 'Thay thế do sai sót về ngày' });
  const recallReplaced = await post(`/v1/documents/${old}/recall`, registryA, { reason: 'x' });
  t.equal(recallReplaced.statusCode, 409, 'a replaced document cannot be recalled');
});

await t.test('refusals: problem+json 4xx, nothing changed', async (t) => {
  const id = await issued();
  const draft = await submitted();
  const unissued = await issued();
  const cases: Array<[string, string, Record<string, string>, unknown, number, string?]> = [
    ['another office', `/v1/documents/${id}/recall`, systemB, { reason: 'x' }, 404, 'DOCUMENT_NOT_FOUND'],
    ['not issued', `/v1/documents/${draft}/recall`, registryA, { reason: 'x' }, 409, 'DOCUMENT_TRANSITION_NOT_ALLOWED'],
    ['no reason', `/v1/documents/${id}/recall`, registryA, {}, 400, 'VALIDATION_FAILED'],
    ['empty reason', `/v1/documents/${id}/recall`, registryA, { reason: '' }, 400, 'VALIDATION_FAILED'],
    ['a control character', `/v1/documents/${id}/recall`, registryA, { reason: 'a\u0000b' }, 400, 'BAD_REQUEST'],
    ['not NFC', `/v1/documents/${id}/recall`, registryA, { reason: 'Sai so\u0302́' }, 400, 'BAD_REQUEST'],
    ['too long', `/v1/documents/${id}/recall`, registryA, { reason: 'x'.repeat(1001) }, 400, 'VALIDATION_FAILED'],
    ['an extra field', `/v1/documents/${id}/recall`, registryA, { reason: 'x', office: 'VPTU-B' }, 400],
    ['not JSON', `/v1/documents/${id}/recall`, registryA, '{"reason":', 400],
    ['a signer', `/v1/documents/${id}/recall`, signerA, { reason: 'x' }, 403, 'FORBIDDEN'],
    ['not a uuid', '/v1/documents/x%27%20OR%201=1/recall', registryA, { reason: 'x' }, 400],
    ['unknown id', `/v1/documents/00000000-0000-4000-8000-000000000000/recall`, registryA, { reason: 'x' }, 404],
    ['replaced by itself', `/v1/documents/${id}/replacement`, registryA, { replacedBy: id, reason: 'x' }, 400],
    [
      'replaced by a draft',
      `/v1/documents/${id}/replacement`,
      registryA,
      { replacedBy: draft, reason: 'x' },
      409,
      'DOCUMENT_TRANSITION_NOT_ALLOWED',
    ],
    [
      'replaced by an unknown one',
      `/v1/documents/${id}/replacement`,
      registryA,
      { replacedBy: '00000000-0000-4000-8000-000000000000', reason: 'x' },
      404,
      'DOCUMENT_NOT_FOUND',
    ],
    ['replacement without reason', `/v1/documents/${id}/replacement`, registryA, { replacedBy: unissued }, 400],
    [
      'replacing another office’s',
      `/v1/documents/${id}/replacement`,
      systemB,
      { replacedBy: unissued, reason: 'x' },
      404,
    ],
  ];
  const before = await snapshot();
  for (const [name, url, headers, body, status, code] of cases) {
    const res = await post(url, headers, body);
    t.equal(res.statusCode, status, `${name}: ${res.body}`);
    t.match(res.headers['content-type'], /^application\/problem\+json/, name);
    if (code !== undefined) t.equal(JSON.parse(res.body).code, code, name);
  }
  const anonymous = await app.inject({ method: 'POST', url: `/v1/documents/${id}/recall`, payload: { reason: 'x' } });
  t.equal(anonymous.statusCode, 401);
  t.equal(await snapshot(), before, 'nothing changed');
});
