// The algorithm policy in the PAdES report: the rule a signature breaks and, for a path, the certificate.
import t from 'tap';
import type { AlgorithmUse } from '@lienthong/pki';
import { fixturePdf, signAs, verify } from './support.ts';

// The test root's key is RSA-3072, the intermediate's P-256: this table refuses only the root's key.
const noRsa3072 = [
  {
    name: 'TEST:NO-RSA-3072',
    description: 'No RSA-3072.',
    applies: (u: AlgorithmUse) => u.kind === 'rsa' && u.bits === 3072,
  },
];

void t.test('a path refused by the algorithm policy names the rule and the certificate it refuses', async (t) => {
  const pdf = await signAs(await fixturePdf(), { level: 'B-B' });
  const r = await verify(pdf, { algorithmPolicy: noRsa3072 });
  const sig = r.signatures[0];
  t.same([sig?.indication, sig?.subIndication], ['INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE'], sig?.message ?? '');
  t.equal(sig?.policyRule, 'TEST:NO-RSA-3072');
  t.equal(sig?.pathFailure?.reason, 'WEAK_ALGORITHM');
  t.equal(sig?.pathFailure?.policyRule, 'TEST:NO-RSA-3072');
  t.equal(sig?.pathFailure?.failedIndex, 1, 'the intermediate, signed with the root key');
  t.match(sig?.pathFailure?.certificate?.subject ?? '', /CN=Lienthong Test Issuing CA/);
  t.same(JSON.parse(JSON.stringify(r)), r, 'the report is plain JSON');
  const passed = await verify(pdf);
  t.equal(passed.signatures[0]?.pathFailure, undefined, 'no path failure when it passes');
  t.equal(passed.signatures[0]?.policyRule, undefined);
});
