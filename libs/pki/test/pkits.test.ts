// NIST PKITS v1.0.1 (public domain) through validatePath: every case of
// shared/conformance/nist-pkits/pkits.json (taken from google/boringssl).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { validatePath } from '../src/index.ts';
import { loadPkitsCases, pkitsDir } from '../../../test/support/conformance.ts';

const folder = pkitsDir;
const cases = loadPkitsCases();
const read = (p: string): Uint8Array => new Uint8Array(readFileSync(join(folder, p)));
// PKITS runs under the default algorithm policy on purpose: its certificates are sha256WithRSAEncryption with
// 2048-bit keys (the DSA cases are skipped) and its validation_time, 2011-04-15, is before every sunset of the
// policy, so the policy never decides a case and PKITS stays a judge of RFC 5280 §6 alone.
const DSA_CASES = new Set(['4.1.4', '4.1.5', '4.1.6']);
// PKITS tests RFC 5280 §6 alone. The default 'strict' policy adds the conforming-CA requirements of §4, as
// `openssl verify -x509_strict` does; where a PKITS case breaks one of them it is run under 'lenient' (plain §6),
// and a second test shows the strict refusal and why it is right.
const STRICT_REFUSES = new Map([
  [
    '4.6.4',
    {
      reason: 'BASIC_CONSTRAINTS',
      why: 'a CA certificate MUST mark basicConstraints critical (§4.2.1.9); OpenSSL -x509_strict refuses it too (CA_BCONS_NOT_CRITICAL)',
    },
  ],
]);

let agree = 0;
let total = 0;
for (const c of cases) {
  const name = `${c.test_number} ${c.title}`;
  if (DSA_CASES.has(c.test_number)) {
    void t.test(name, { skip: 'DSA keys are not supported (UNSUPPORTED_ALGORITHM)' }, () => {});
    continue;
  }
  total++;
  const certs = c.path_ca_to_ee.map(read);
  const strictRefusal = STRICT_REFUSES.get(c.test_number);
  const result = validatePath({
    ...(strictRefusal === undefined ? {} : { conformance: 'lenient' as const }),
    trustAnchors: [read(c.trust_anchor)],
    target: certs[certs.length - 1]!,
    intermediates: certs.slice(0, -1),
    crls: c.crls.map(read),
    time: new Date(c.validation_time),
    initialPolicySet: c.initial_policy_set,
    initialExplicitPolicy: c.initial_explicit_policy,
    initialPolicyMappingInhibit: c.initial_policy_mapping_inhibit,
    initialAnyPolicyInhibit: c.initial_inhibit_any_policy,
  });
  let ok = result.valid === c.expected_valid;
  if (ok && result.valid && c.expected_user_constrained_policy_set !== undefined) {
    ok =
      JSON.stringify([...c.expected_user_constrained_policy_set].sort()) ===
      JSON.stringify([...result.userConstrainedPolicySet].sort());
  }
  if (ok) agree++;
  void t.test(name, async (tt) => {
    tt.equal(result.valid, c.expected_valid, `valid (${result.reason ?? 'ok'}: ${result.message ?? ''})`);
    if (strictRefusal !== undefined) {
      tt.equal(result.conformance, 'lenient', 'judged under the lenient policy');
      const strict = validatePath({
        trustAnchors: [read(c.trust_anchor)],
        target: certs[certs.length - 1]!,
        intermediates: certs.slice(0, -1),
        crls: c.crls.map(read),
        time: new Date(c.validation_time),
      });
      tt.equal(strict.reason, strictRefusal.reason, `strict refuses: ${strictRefusal.why}`);
    }
    if (result.valid && c.expected_user_constrained_policy_set !== undefined) {
      tt.same(
        [...result.userConstrainedPolicySet].sort(),
        [...c.expected_user_constrained_policy_set].sort(),
        'user-constrained-policy-set',
      );
    }
  });
}
t.comment(`PKITS: ${agree} of ${total} RSA cases agree`);
