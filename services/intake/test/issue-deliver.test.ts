/**
 * `document.issued`'s `deliverTo` (what delivery sends to), with a REAL signing app: a
 * document addressed to offices and a recipient group issues with the listed offices and
 * the group's members (its listed offices and its rule's districts, as the directory has
 * them at issue), each once, sorted, without the issuing office; the envelope passes
 * libs/records. A group changed after the issue does not change what was published.
 */
import t from 'tap';
import { checkEvent, validateEventData } from '@lienthong/records';
import { seedDirectory } from '../src/directory/directory-import.ts';
import { issueAs, issueWorld, signedDocument } from './issue-support.ts';

const world = await issueWorld(t);

/** The `document.issued` envelopes in the outbox, by document. */
async function issuedEnvelopes() {
  const { rows } = await world.intake.pool.query<{
    envelope: { type: string; schemaVersion: number; subject: string; data: { deliverTo: string[] } };
  }>("SELECT envelope FROM outbox WHERE topic = 'lienthong.document.issued.v1'");
  return new Map(rows.map((r) => [r.envelope.subject, r.envelope]));
}

await t.test('offices and a group: the offices and the members, once, sorted, not the issuer', async (t) => {
  const id = await signedDocument(world, { recipients: { offices: ['TU-BL', 'HU-CM1'], groups: ['CM-HUYEN'] } });
  const res = await issueAs(world, id);
  t.equal(res.statusCode, 200, res.body);
  const envelope = (await issuedEnvelopes()).get(id)!;
  // CM-HUYEN lists VPTU-BL and VPTU-CM (the issuer) and takes the districts under TU-CM.
  t.same(envelope.data.deliverTo, ['HU-CM1', 'HU-CM2', 'TU-BL', 'VPTU-BL']);
  t.ok(validateEventData('document.issued', 1, envelope.data).ok, 'the data passes libs/records');
  t.doesNotThrow(() => checkEvent(envelope), 'the envelope passes libs/records');
});

await t.test('a group changed after the issue: what was published stays', async (t) => {
  const id = await signedDocument(world, { recipients: { groups: ['CM-HUYEN'] } });
  t.equal((await issueAs(world, id)).statusCode, 200);
  await seedDirectory(world.intake.pool, {
    groups: [{ code: 'CM-HUYEN', office: 'VPTU-CM', name: 'Chỉ còn Bạc Liêu', offices: ['VPTU-BL'] }],
  });
  t.equal((await issueAs(world, id)).statusCode, 200, 'issued again: the same answer');
  const envelope = (await issuedEnvelopes()).get(id)!;
  t.same(envelope.data.deliverTo, ['HU-CM1', 'HU-CM2', 'VPTU-BL'], 'the members at issue time');
});

await t.test('a group changed before the issue: its members then', async (t) => {
  const id = await signedDocument(world, { recipients: { groups: ['CM-HUYEN'] } });
  t.equal((await issueAs(world, id)).statusCode, 200);
  t.same((await issuedEnvelopes()).get(id)!.data.deliverTo, ['VPTU-BL']);
});
