import { importPublicKey } from '../crypto-engine.ts';
import { signatureScheme, type AlgorithmIdentifier, type HashName } from '../x509/algorithm.ts';

/**
 * One use of an algorithm that a verifier relies on: the hash of a signature (or of the
 * message digest a signature covers), or the public key that verifies it with its size.
 * A hash with `purpose` 'identifier' names something rather than being signed (an OCSP
 * CertID's issuer name and key hashes, RFC 6960 §4.1.1): it needs second-preimage
 * resistance only, not the collision resistance a signature needs.
 */
export type AlgorithmUse =
  | { readonly kind: 'hash'; readonly hash: HashName; readonly purpose?: 'signature' | 'identifier' }
  | { readonly kind: 'rsa'; readonly bits: number }
  | { readonly kind: 'ec'; readonly curve: string }
  | { readonly kind: 'dsa'; readonly bits: number }
  | { readonly kind: 'ed25519' }
  | { readonly kind: 'unknown-key'; readonly type: string };

/**
 * A rule of an algorithm policy in the manner of ETSI TS 119 312: the uses it covers and
 * until when they are acceptable. Without `sunset` the uses are never acceptable; with it,
 * they are acceptable for a signature proven to exist before the sunset.
 */
export interface AlgorithmRule {
  /** Stable name, reported when the rule is broken (e.g. `TS119312:SHA1-SUNSET`). */
  readonly name: string;
  readonly description: string;
  readonly applies: (use: AlgorithmUse) => boolean;
  readonly sunset?: Date;
}

/** An algorithm policy: the first rule that applies to a use decides; a use no rule covers is acceptable. */
export type AlgorithmPolicy = readonly AlgorithmRule[];

/** The outcome of {@link checkAlgorithm}. */
export type AlgorithmCheck =
  { readonly ok: true } | { readonly ok: false; readonly rule: AlgorithmRule; readonly message: string };

const ACCEPTED_CURVES = new Set([
  'prime256v1',
  'secp384r1',
  'secp521r1',
  'brainpoolP256r1',
  'brainpoolP384r1',
  'brainpoolP512r1',
]);

/**
 * The default policy, after ETSI TS 119 312 (cryptographic suites): MD5 never; SHA-1 in
 * signatures only when proven to exist before 2016-01-01; RSA of 2048 bits or more (1024–2047
 * only before 2014-01-01); EC on P-256, P-384, P-521 or the brainpool r1 curves; DSA never.
 * SHA-2, RSASSA-PSS with SHA-2 and Ed25519 pass.
 */
export const DEFAULT_ALGORITHM_POLICY: AlgorithmPolicy = [
  {
    name: 'TS119312:MD5',
    description: 'MD5 is not acceptable for signatures at any date.',
    applies: (u) => u.kind === 'hash' && u.hash === 'md5',
  },
  {
    name: 'TS119312:SHA1-SUNSET',
    description: 'SHA-1 signatures are acceptable only when proven to exist before 2016-01-01.',
    // A SHA-1 CertID is an identifier, the default of RFC 6960 and the only hash of RFC 5019 §2.1.1.
    applies: (u) => u.kind === 'hash' && u.hash === 'sha1' && u.purpose !== 'identifier',
    sunset: new Date('2016-01-01T00:00:00Z'),
  },
  {
    name: 'TS119312:RSA-MIN-1024',
    description: 'RSA keys under 1024 bits are not acceptable at any date.',
    applies: (u) => u.kind === 'rsa' && u.bits < 1024,
  },
  {
    name: 'TS119312:RSA-2048',
    description: 'RSA keys under 2048 bits are acceptable only for signatures proven to exist before 2014-01-01.',
    applies: (u) => u.kind === 'rsa' && u.bits < 2048,
    sunset: new Date('2014-01-01T00:00:00Z'),
  },
  {
    name: 'TS119312:EC-CURVE',
    description: 'EC keys are acceptable on P-256, P-384, P-521 and brainpoolP256r1/P384r1/P512r1 only.',
    applies: (u) => u.kind === 'ec' && !ACCEPTED_CURVES.has(u.curve),
  },
  {
    name: 'TS119312:DSA',
    description: 'DSA is not acceptable for new validations.',
    applies: (u) => u.kind === 'dsa',
  },
  {
    name: 'TS119312:UNKNOWN-KEY',
    description: 'Public keys of a type outside the policy are not acceptable.',
    applies: (u) => u.kind === 'unknown-key',
  },
];

/**
 * A policy for old signatures made outside the project (the RFC 4134 examples, NIST PKITS):
 * it refuses MD5 and RSA under 1024 bits only.
 */
export const LEGACY_ALGORITHM_POLICY: AlgorithmPolicy = DEFAULT_ALGORITHM_POLICY.filter(
  (r) => r.name === 'TS119312:MD5' || r.name === 'TS119312:RSA-MIN-1024',
);

/**
 * Whether `use` is acceptable under `policy` for a validation at `at`. A rule with a sunset
 * is met when the signature is proven to exist before it: `proofOfExistence` (e.g. the
 * best-signature-time of EN 319 102-1 §5.6.2.1) or, without one, the validation time itself.
 */
export function checkAlgorithm(
  use: AlgorithmUse,
  at: Date,
  proofOfExistence?: Date,
  policy: AlgorithmPolicy = DEFAULT_ALGORITHM_POLICY,
): AlgorithmCheck {
  const rule = policy.find((r) => r.applies(use));
  if (rule === undefined) return { ok: true };
  const existedAt = proofOfExistence !== undefined && proofOfExistence < at ? proofOfExistence : at;
  if (rule.sunset !== undefined && existedAt < rule.sunset) return { ok: true };
  return { ok: false, rule, message: `${describeUse(use)} refused by ${rule.name}: ${rule.description}` };
}

/**
 * The uses a signature relies on: the hash of its scheme (`algorithm`, RFC 5280 §4.1.1.2) and
 * the key that verifies it (`spki`). A scheme that cannot be read is left to the signature
 * check, which reports it as unsupported.
 */
export function signatureUses(algorithm: AlgorithmIdentifier, spki: Uint8Array): AlgorithmUse[] {
  const uses: AlgorithmUse[] = [keyUse(spki)];
  try {
    const scheme = signatureScheme(algorithm);
    if ('hash' in scheme) uses.push({ kind: 'hash', hash: scheme.hash });
  } catch {
    // Unsupported: the signature does not verify either.
  }
  return uses;
}

/** The first of `uses` that `policy` refuses at `at` (see {@link checkAlgorithm}), or `{ ok: true }`. */
export function checkAlgorithms(
  uses: readonly AlgorithmUse[],
  at: Date,
  proofOfExistence?: Date,
  policy: AlgorithmPolicy = DEFAULT_ALGORITHM_POLICY,
): AlgorithmCheck {
  for (const use of uses) {
    const check = checkAlgorithm(use, at, proofOfExistence, policy);
    if (!check.ok) return check;
  }
  return { ok: true };
}

/** The key algorithm and size of a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), as the policy judges it. */
export function keyUse(spki: Uint8Array): AlgorithmUse {
  let key;
  try {
    key = importPublicKey(spki);
  } catch {
    return { kind: 'unknown-key', type: 'unreadable' };
  }
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa' || type === 'rsa-pss') return { kind: 'rsa', bits: details.modulusLength ?? 0 };
  if (type === 'ec') return { kind: 'ec', curve: details.namedCurve ?? 'unknown' };
  if (type === 'dsa') return { kind: 'dsa', bits: details.modulusLength ?? 0 };
  if (type === 'ed25519') return { kind: 'ed25519' };
  return { kind: 'unknown-key', type };
}

function describeUse(use: AlgorithmUse): string {
  switch (use.kind) {
    case 'hash':
      return use.purpose === 'identifier' ? `${use.hash.toUpperCase()} (as an identifier)` : use.hash.toUpperCase();
    case 'rsa':
    case 'dsa':
      return `${use.kind.toUpperCase()}-${use.bits}`;
    case 'ec':
      return `EC ${use.curve}`;
    case 'ed25519':
      return 'Ed25519';
    case 'unknown-key':
      return `key type ${use.type}`;
  }
}
