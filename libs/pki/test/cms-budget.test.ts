// SignerInfos per CMS on a budget (issue 15): a SignedData with 2,000 SignerInfos is not
// verified 2,000 times but answered TOTAL_FAILED / FORMAT_FAILURE naming maxSignerInfos;
// up to the limit every signer is verified as before. Time is a comment, never asserted.
import t from 'tap';
import { keySigner, MAX_SIGNER_INFOS, signCades, verifyCms, verifySignedData } from '../src/index.ts';
import { NOW, buildHierarchy } from './helpers/hierarchy.ts';
import { repeatSignerInfo } from './helpers/many-signers.ts';

const h = await buildHierarchy();
const content = new TextEncoder().encode('Công văn số 123-CV/TU ngày 01/06/2026.\n');
const cms = await signCades(content, keySigner(h.person.privateKey), {
  certificate: h.person.certificate,
  chain: [h.intermediate.certificate],
});
const trust = { trustAnchors: [h.root.certificate], crls: [h.rootCrl, h.intermediateCrl], time: NOW };

void t.test('2,000 SignerInfos: FORMAT_FAILURE naming the limit, none verified', async (t) => {
  const many = repeatSignerInfo(cms, 2000);
  const started = performance.now();
  const r = verifyCms(many, { ...trust, detachedContent: content });
  t.comment(
    `${many.length.toLocaleString('en-US')}-byte CMS with 2,000 SignerInfos answered in ${((performance.now() - started) / 1000).toFixed(3)} s`,
  );
  t.equal(r.indication, 'TOTAL_FAILED');
  t.equal(r.subIndication, 'FORMAT_FAILURE');
  t.match(r.message, /2000 SignerInfos, more than the 16 verified \(maxSignerInfos\)/);
  t.same(r.signers, []);
  t.equal(r.signedData, undefined, 'refused before the SignedData was parsed');
  const plain = verifySignedData(many, { ...trust, detachedContent: content });
  t.equal(plain.subIndication, 'FORMAT_FAILURE', 'verifySignedData (time-stamp tokens) too');
  t.match(plain.message, /maxSignerInfos/);
});

void t.test(`up to ${MAX_SIGNER_INFOS} SignerInfos are all verified; the limit can be set`, async (t) => {
  t.equal(MAX_SIGNER_INFOS, 16);
  const sixteen = verifyCms(repeatSignerInfo(cms, MAX_SIGNER_INFOS), { ...trust, detachedContent: content });
  t.equal(sixteen.indication, 'TOTAL_PASSED', sixteen.message);
  t.equal(sixteen.signers.length, MAX_SIGNER_INFOS);
  const three = repeatSignerInfo(cms, 3);
  const capped = verifyCms(three, { ...trust, detachedContent: content, maxSignerInfos: 2 });
  t.equal(capped.subIndication, 'FORMAT_FAILURE');
  t.match(capped.message, /3 SignerInfos, more than the 2 verified/);
  t.equal(verifyCms(three, { ...trust, detachedContent: content, maxSignerInfos: 3 }).indication, 'TOTAL_PASSED');
});
