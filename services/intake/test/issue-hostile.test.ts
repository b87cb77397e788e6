/**
 * Every refusal of signing and issuing leaves everything as it was — the document, its life
 * record, its files, the register (no number consumed), the outbox and the object store:
 * another office's token, a signer who is not the assigned one, a caller without the role,
 * a wrong PIN (signing's refusal relayed with its code), a locked key, no key, a block
 * signing cannot draw, no PIN, issuing an unsigned document, a registry of another office,
 * a version that does not exist yet; and an intake without a signing service answers 503
 * without reserving a number.
 */
import t from 'tap';
import { callers, issueAs, issueState, issueWorld, signAs, signedDocument, submitDocument } from './issue-support.ts';
import { intakeForFile } from './support.ts';
import { seedDirectory } from '../src/directory/directory-import.ts';
import { issueDirectory } from './issue-support.ts';
import { metadataOf, plainPdf, submissionParts, submit } from './documents-support.ts';

const world = await issueWorld(t);
const awaiting = await submitDocument(world);
const signed = await signedDocument(world);

const refusals: Array<{
  name: string;
  call: () => ReturnType<typeof signAs>;
  status: number;
  code: string;
}> = [
  {
    name: "another office's signer (same subject): not found",
    call: () => signAs(world, awaiting, callers.foreignSigner),
    status: 404,
    code: 'DOCUMENT_NOT_FOUND',
  },
  {
    name: 'a signer who is not the assigned one',
    call: () => signAs(world, awaiting, callers.otherSigner),
    status: 403,
    code: 'DOCUMENT_SIGNER_MISMATCH',
  },
  {
    name: 'an office system signing',
    call: () => signAs(world, awaiting, callers.system),
    status: 403,
    code: 'FORBIDDEN',
  },
  {
    name: 'a wrong PIN (signing refuses it; the code is relayed)',
    call: () => signAs(world, awaiting, callers.signer, 'not-the-pin-1'),
    status: 403,
    code: 'SIGNING_PIN_INCORRECT',
  },
  {
    name: 'no PIN',
    call: () => signAs(world, awaiting, callers.signer, null),
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'a block rectangle that is not one',
    call: () =>
      world.intake.app.inject({
        method: 'POST',
        url: `/v1/documents/${awaiting}/signature?rect=1,2,3`,
        headers: { ...callers.signer, 'lienthong-pin': 'ky-so-2468' },
      }),
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'an id that is not a UUID',
    call: () => signAs(world, 'not-a-uuid', callers.signer),
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'signing a signed document',
    call: () => signAs(world, signed, callers.signer),
    status: 409,
    code: 'DOCUMENT_TRANSITION_NOT_ALLOWED',
  },
  {
    name: 'issuing an unsigned document',
    call: () => issueAs(world, awaiting),
    status: 409,
    code: 'DOCUMENT_TRANSITION_NOT_ALLOWED',
  },
  {
    name: 'a registry of another office issuing',
    call: () => issueAs(world, signed, callers.foreignRegistry),
    status: 404,
    code: 'DOCUMENT_NOT_FOUND',
  },
  {
    name: 'the signer issuing (not the registry)',
    call: () => issueAs(world, signed, callers.signer),
    status: 403,
    code: 'FORBIDDEN',
  },
  {
    name: 'the issued version of a document not issued',
    call: () =>
      world.intake.app.inject({
        method: 'GET',
        url: `/v1/documents/${signed}/content?version=issued`,
        headers: callers.system,
      }),
    status: 404,
    code: 'DOCUMENT_VERSION_NOT_FOUND',
  },
  {
    name: 'a version that is not one',
    call: () =>
      world.intake.app.inject({
        method: 'GET',
        url: `/v1/documents/${signed}/content?version=draft`,
        headers: callers.system,
      }),
    status: 400,
    code: 'VALIDATION_FAILED',
  },
];

for (const r of refusals) {
  await t.test(r.name, async (t) => {
    const before = await issueState(world);
    const res = await r.call();
    t.equal(res.statusCode, r.status, res.body);
    t.equal(res.json<{ code: string }>().code, r.code);
    t.equal(await issueState(world), before, 'nothing changed, no number consumed');
  });
}

await t.test("the wrong PIN's problem carries signing's code and the attempts left", async (t) => {
  const res = await signAs(world, awaiting, callers.signer, 'not-the-pin-2');
  t.match(res.json(), { code: 'SIGNING_PIN_INCORRECT', signingCode: 'SIGNING_KEY_PIN_INCORRECT', attemptsLeft: 3 });
  t.notMatch(res.body, /not-the-pin/, 'the PIN is not echoed');
  const ok = await signAs(world, awaiting, callers.signer);
  t.equal(ok.statusCode, 200, 'the right PIN still signs');
});

await t.test('a signer without a key at signing: 409 SIGNING_KEY_MISSING, nothing changed', async (t) => {
  const id = await submitDocument(world, {
    signer: { person: 'pho-bi-thu-cm', authority: 'K/T', onBehalfOf: 'BÍ THƯ' },
  });
  const before = await issueState(world);
  const res = await signAs(world, id, callers.otherSigner);
  t.equal(res.statusCode, 409, res.body);
  t.equal(res.json<{ code: string }>().code, 'SIGNING_KEY_MISSING');
  t.equal(await issueState(world), before);
});

await t.test("a block signing cannot draw: 422 SIGNING_REFUSED with signing's code, nothing changed", async (t) => {
  const id = await submitDocument(world);
  const before = await issueState(world);
  const res = await world.intake.app.inject({
    method: 'POST',
    url: `/v1/documents/${id}/signature?rect=0,0,20,10`,
    headers: { ...callers.signer, 'lienthong-pin': 'ky-so-2468' },
  });
  t.equal(res.statusCode, 422, res.body);
  t.match(res.json(), { code: 'SIGNING_REFUSED', signingCode: 'VALIDATION_FAILED', signingStatus: 400 });
  t.equal(await issueState(world), before);
});

await t.test('without a signing service: 503, nothing reserved', async (t) => {
  const lone = await intakeForFile(t);
  await seedDirectory(lone.pool, issueDirectory);
  const res = await submit(
    lone,
    submissionParts(
      metadataOf({ recipients: { offices: ['HU-CM1'] }, signer: { person: 'bi-thu-cm' } }),
      await plainPdf(),
    ),
    callers.system,
  );
  const id = res.json<{ id: string }>().id;
  const sign = await lone.app.inject({
    method: 'POST',
    url: `/v1/documents/${id}/signature`,
    headers: { ...callers.signer, 'lienthong-pin': 'ky-so-2468' },
  });
  t.equal(sign.statusCode, 503);
  t.equal(sign.json<{ code: string }>().code, 'SIGNING_UNAVAILABLE');
  t.match(sign.json<{ detail: string }>().detail, /LIENTHONG_INTAKE_SIGNING_URL/);
  await lone.pool.query("UPDATE document SET state = 'signed' WHERE id = $1", [id]);
  const issue = await lone.app.inject({ method: 'POST', url: `/v1/documents/${id}/issue`, headers: callers.registry });
  t.equal(issue.statusCode, 503);
  const { rows } = await lone.pool.query('SELECT count(*)::int AS n FROM register_entry');
  t.equal(rows[0].n, 0, 'no number reserved for an issue that cannot run');
});

// Last: it locks the signer's key.
await t.test(
  'five wrong PINs in a row: 423 SIGNING_KEY_LOCKED, then even the right PIN; nothing changed',
  async (t) => {
    const id = await submitDocument(world);
    const before = await issueState(world);
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) answers.push((await signAs(world, id, callers.signer, `wrong-pin-${i}`)).statusCode);
    t.same(answers, [403, 403, 403, 403, 423], 'four refusals, then locked');
    const right = await signAs(world, id, callers.signer);
    t.equal(right.statusCode, 423);
    t.match(right.json(), { code: 'SIGNING_KEY_LOCKED', signingCode: 'SIGNING_KEY_LOCKED' });
    t.equal(await issueState(world), before);
  },
);
