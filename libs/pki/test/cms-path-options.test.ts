// verifyCms and verifySignedData hand the path options to path validation: the revocation
// authority (the signing service's database for its own certificates) decides the signer's
// status, and the conformance policy is the caller's.
import t from 'tap';
import { keySigner, signCades, verifyCms, verifySignedData } from '../src/index.ts';
import { NOW, buildHierarchy } from './helpers/hierarchy.ts';

const h = await buildHierarchy();
const content = Buffer.from('Chỉ thị số 05-CT/TU', 'utf8');
const cms = await signCades(content, keySigner(h.person.privateKey), {
  certificate: h.person.certificate,
  chain: [h.intermediate.certificate],
});
const base = {
  detachedContent: content,
  trustAnchors: [h.root.certificate],
  crls: [h.rootCrl, h.intermediateCrl],
  revocation: 'crl' as const,
  time: NOW,
};
const revokedByAuthority = {
  revocationAuthority: (c: { serialHex: string }) =>
    c.serialHex === h.person.certificate.serialHex
      ? { status: 'revoked' as const, revocationDate: new Date(NOW.getTime() - 86_400_000), reason: 1 }
      : undefined,
};

void t.test('the revocation authority outranks a CRL that says nothing of the signer', async (t) => {
  t.equal(verifyCms(cms, base).indication, 'TOTAL_PASSED', 'without it the CRLs decide: good');
  const r = verifyCms(cms, { ...base, ...revokedByAuthority });
  t.equal(r.indication, 'TOTAL_FAILED', r.message);
  t.equal(r.subIndication, 'REVOKED');
  const lower = verifySignedData(cms, { ...base, ...revokedByAuthority });
  t.equal(lower.subIndication, 'REVOKED', 'the CMS layer hands it on too');
});

void t.test('the conformance policy reaches path validation and is reported', async (t) => {
  for (const conformance of ['strict', 'lenient'] as const) {
    const r = verifyCms(cms, { ...base, conformance });
    t.equal(r.indication, 'TOTAL_PASSED', `${conformance}: ${r.message}`);
    t.equal(r.path?.conformance, conformance, `${conformance} is the policy the path reports`);
  }
});
