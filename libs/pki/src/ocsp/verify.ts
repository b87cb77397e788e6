import { createHash } from 'node:crypto';
import { nodeCryptoEngine, type CryptoEngine } from '../crypto-engine.ts';
import type { EncodingPolicy } from '../der/reader.ts';
import { OID } from '../oids.ts';
import { checkAlgorithms, signatureUses, type AlgorithmPolicy, type AlgorithmUse } from '../policy/algorithm-policy.ts';
import { signatureScheme } from '../x509/algorithm.ts';
import { KeyUsageBit } from '../x509/extensions.ts';
import type { Name } from '../x509/name.ts';
import { allowsKeyUsage, type Certificate } from '../x509/certificate.ts';
import { certIdMatches, publicKeyBits } from './cert-id.ts';
import {
  ocspDerViolation,
  toBasicOcspResponse,
  type BasicOcspResponse,
  type OcspCertStatus,
  type OcspSingleResponse,
} from './response.ts';

/** The CA a response speaks for: its name and key (a trust anchor or a certificate). */
export interface OcspIssuer {
  readonly name: Name;
  readonly spki: Uint8Array;
  readonly certificate?: Certificate;
}

/** Outcome of {@link verifyOcspResponse}. */
export interface OcspVerification {
  readonly valid: boolean;
  readonly message: string;
  /** The status of the certificate asked about, when `valid`. */
  readonly status?: OcspCertStatus;
  /** The SingleResponse about the certificate, when the response has one (even if it is not accepted). */
  readonly single?: OcspSingleResponse;
  /** The certificate that signed the response (the CA's or a delegated responder's). */
  readonly responder?: Certificate;
  readonly response?: BasicOcspResponse;
  /** The algorithm-policy rule that made the response unusable, when one did. */
  readonly policyRule?: string;
}

/** Inputs of OCSP response verification. */
export interface OcspVerifyOptions {
  readonly issuer: OcspIssuer | Certificate;
  /** The certificate whose status is wanted. */
  readonly certificate: Certificate;
  /** Validation time; the response must not be stale at it (nextUpdate). Default now. */
  readonly time?: Date;
  /** The nonce sent in the request, when one was. */
  readonly nonce?: Uint8Array;
  /** How long a response without nextUpdate speaks for after its thisUpdate, in seconds; default one day. */
  readonly maxAgeWithoutNextUpdate?: number;
  /** Further candidate responder certificates (e.g. from a CMS or a B-LT signature). */
  readonly certificates?: readonly Certificate[];
  readonly engine?: CryptoEngine;
  /**
   * The algorithm policy (ETSI TS 119 312 style) for the response's signature (hash and the
   * responder's key), a delegated responder certificate's signature and the CertID hash (as an
   * identifier); default `DEFAULT_ALGORITHM_POLICY`.
   */
  readonly algorithmPolicy?: AlgorithmPolicy;
  /**
   * When the policy judges those algorithms; default `time`. A response has no proof of
   * existence of its own (producedAt is what its signature claims), so a caller validating
   * at a past time passes the present.
   */
  readonly algorithmTime?: Date;
  /** 'der' (default): a response that is not DER (X.690 §10) is not accepted; 'ber' accepts it. */
  readonly encoding?: EncodingPolicy;
}

const verifyCache = new WeakMap<BasicOcspResponse, Map<string, boolean>>();

function signedBy(r: BasicOcspResponse, spki: Uint8Array, engine: CryptoEngine): boolean {
  let m = verifyCache.get(r);
  if (m === undefined) verifyCache.set(r, (m = new Map<string, boolean>()));
  const id = Buffer.from(spki).toString('base64');
  let ok = m.get(id);
  if (ok === undefined) {
    try {
      ok = engine.verify(signatureScheme(r.signatureAlgorithm), spki, r.tbs, r.signature);
    } catch {
      ok = false;
    }
    m.set(id, ok);
  }
  return ok;
}

function matchesResponderId(r: BasicOcspResponse, name: Name, spki: Uint8Array): boolean {
  const rid = r.responderId;
  if ('byName' in rid) return rid.byName.key === name.key;
  try {
    return createHash('sha1').update(publicKeyBits(spki)).digest().equals(rid.byKey);
  } catch {
    // A certificate whose key does not parse identifies no responder.
    return false;
  }
}

/**
 * RFC 6960 §4.2.2.2 / §3.2: finds who signed the response and checks they may:
 * the CA itself, or a certificate issued by the CA (signature verifies with the
 * CA key) with extKeyUsage id-kp-OCSPSigning, valid at producedAt. Returns the
 * signer's certificate (the CA's may be absent for a bare trust anchor), `null`
 * when the CA key signed without a certificate, or undefined when no one authorised did.
 */
export function findAuthorisedResponder(
  r: BasicOcspResponse,
  issuer: OcspIssuer,
  extra: readonly Certificate[],
  engine: CryptoEngine,
): Certificate | null | undefined {
  if (matchesResponderId(r, issuer.name, issuer.spki) && signedBy(r, issuer.spki, engine))
    return issuer.certificate ?? null;
  for (const c of [...r.certificates, ...extra]) {
    if (c.issuer.key !== issuer.name.key || !matchesResponderId(r, c.subject, c.spki)) continue;
    if (!(c.extKeyUsage ?? []).includes(OID.ocspSigning) || !allowsKeyUsage(c, KeyUsageBit.digitalSignature)) continue;
    if (r.producedAt < c.notBefore || r.producedAt > c.notAfter) continue;
    try {
      if (!engine.verify(signatureScheme(c.signatureAlgorithm), issuer.spki, c.tbs, c.signatureValue)) continue;
    } catch {
      continue;
    }
    if (signedBy(r, c.spki, engine)) return c;
  }
  return undefined;
}

/**
 * Verifies a BasicOCSPResponse (or OCSPResponse) for one certificate (RFC 6960
 * §3.2): the CertID matches the certificate and its issuer, the responder is
 * authorised, the signature verifies, the nonce matches when given, and the
 * response is not stale at `time`: `time` ≤ nextUpdate, or without nextUpdate
 * ≤ thisUpdate + `maxAgeWithoutNextUpdate`. A response that is not DER, or whose signature,
 * responder certificate or CertID hash the algorithm policy refuses, is not valid (it names
 * the rule in `policyRule`). Never throws.
 */
export function verifyOcspResponse(
  response: Uint8Array | BasicOcspResponse,
  options: OcspVerifyOptions,
): OcspVerification {
  let r: BasicOcspResponse;
  try {
    r = toBasicOcspResponse(response);
  } catch (e) {
    return { valid: false, message: e instanceof Error ? e.message : 'Unreadable OCSP response.' };
  }
  try {
    return check(r, options);
  } catch (e) {
    return { valid: false, message: e instanceof Error ? e.message : 'Unreadable OCSP response.', response: r };
  }
}

function check(r: BasicOcspResponse, options: OcspVerifyOptions): OcspVerification {
  const engine = options.engine ?? nodeCryptoEngine;
  const issuer: OcspIssuer =
    'tbs' in options.issuer
      ? { name: options.issuer.subject, spki: options.issuer.spki, certificate: options.issuer }
      : options.issuer;
  const time = options.time ?? new Date();
  const single = r.responses.find((s) =>
    certIdMatches(s.certId, options.certificate, { subjectDer: issuer.name.der, spki: issuer.spki }),
  );
  if (single === undefined)
    return {
      valid: false,
      message: 'The response does not speak of this certificate (no matching CertID).',
      response: r,
    };
  const responder = findAuthorisedResponder(r, issuer, options.certificates ?? [], engine);
  if (responder === undefined)
    return {
      valid: false,
      message: 'The response is not signed by the CA or a responder it authorised (RFC 6960 §4.2.2.2).',
      single,
      response: r,
    };
  const violation = (options.encoding ?? 'der') === 'der' ? ocspDerViolation(r) : undefined;
  if (violation !== undefined)
    return { valid: false, message: `The response is not DER (X.690 §10): ${violation}.`, single, response: r };
  const uses: AlgorithmUse[] = [
    ...signatureUses(r.signatureAlgorithm, responder === null ? issuer.spki : responder.spki),
    { kind: 'hash', hash: single.certId.hash, purpose: 'identifier' },
  ];
  if (responder !== null && responder !== issuer.certificate)
    uses.push(...signatureUses(responder.signatureAlgorithm, issuer.spki));
  const weak = checkAlgorithms(uses, options.algorithmTime ?? time, undefined, options.algorithmPolicy);
  if (!weak.ok)
    return {
      valid: false,
      message: `The response cannot be relied on: ${weak.message}`,
      single,
      response: r,
      policyRule: weak.rule.name,
    };
  if (options.nonce !== undefined && (r.nonce === undefined || Buffer.compare(r.nonce, options.nonce) !== 0))
    return { valid: false, message: 'The response nonce differs from the request nonce.', single, response: r };
  // A response produced after `time` still speaks for it (validation at a past time); one produced before is good until nextUpdate.
  const until =
    single.nextUpdate ?? new Date(single.thisUpdate.getTime() + (options.maxAgeWithoutNextUpdate ?? 86_400) * 1000);
  if (time > until)
    return {
      valid: false,
      message: `The response is stale at ${time.toISOString()} (thisUpdate ${single.thisUpdate.toISOString()}, good until ${until.toISOString()}).`,
      single,
      response: r,
    };
  return {
    valid: true,
    message: `OCSP status ${single.certStatus.status}.`,
    status: single.certStatus,
    single,
    response: r,
    ...(responder === null ? {} : { responder }),
  };
}
