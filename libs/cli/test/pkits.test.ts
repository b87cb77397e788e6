// NIST PKITS v1.0.1 spot checks through the command line: the files of
// shared/conformance/nist-pkits, the expectation of pkits.json, the reason code.
import t from 'tap';
import { lienthong } from './helpers/cli.ts';
import { loadPkitsCases, pkitsDir } from '../../../test/support/conformance.ts';

const folder = pkitsDir;
const cases = loadPkitsCases();

/** PKITS case id → the reason the CLI must print for an invalid path (undefined: valid). */
const SPOT_CHECKS: Record<string, string | undefined> = {
  Section1ValidSignaturesTest1: undefined,
  Section1InvalidCASignatureTest2: 'SIGNATURE',
  Section1InvalidEESignatureTest3: 'SIGNATURE',
  Section2InvalidCAnotBeforeDateTest1: 'NOT_YET_VALID',
  Section2InvalidEEnotAfterDateTest6: 'EXPIRED',
  Section2ValidGeneralizedTimenotBeforeDateTest4: undefined,
  Section3InvalidNameChainingEETest1: 'NAME_CHAINING|NO_PATH',
  Section3ValidUTF8StringCaseInsensitiveMatchTest11: undefined,
  Section4MissingCRLTest1: 'NO_CRL',
  Section4InvalidRevokedCATest2: 'REVOKED',
  Section4InvalidRevokedEETest3: 'REVOKED',
  Section6InvalidMissingbasicConstraintsTest1: 'BASIC_CONSTRAINTS',
  Section6ValidSelfIssuedpathLenConstraintTest17: undefined,
  Section7InvalidkeyUsageCriticalkeyCertSignFalseTest1: 'KEY_USAGE',
  Section8AllCertificatesSamePolicyTest1Subpart2: undefined,
  Section8AllCertificatesSamePolicyTest1Subpart3: 'POLICY',
};

for (const [id, reason] of Object.entries(SPOT_CHECKS)) {
  const c = cases.find((x) => x.id === id);
  if (c === undefined) throw new Error(`PKITS case ${id} missing`);
  void t.test(`PKITS ${c.test_number} ${c.title}`, async (t) => {
    const [ee, ...reversed] = [...c.path_ca_to_ee].reverse();
    const args = [
      'pki',
      'verify-chain',
      ee!,
      '--anchor',
      c.trust_anchor,
      ...reversed.flatMap((p) => ['--intermediate', p]),
      ...c.crls.flatMap((p) => ['--crl', p]),
      '--at',
      c.validation_time,
    ];
    for (const p of c.initial_policy_set) args.push('--policy', p);
    if (c.initial_explicit_policy) args.push('--explicit-policy');
    const r = lienthong(folder, args);
    t.equal(r.code, c.expected_valid ? 0 : 1, `exit ${c.expected_valid ? 0 : 1}`, {
      stdout: r.stdout,
      stderr: r.stderr,
    });
    t.equal(c.expected_valid, reason === undefined, 'the spot-check table agrees with pkits.json');
    if (reason !== undefined) t.match(r.stdout, new RegExp(`^INVALID: (${reason}): `), `reason ${reason}`);
    else t.match(r.stdout, /^VALID/);
  });
}
