import type { KeyObject } from 'node:crypto';
import type { CertificateTemplate } from './certificate-builder.ts';
import { OID } from '../oids.ts';
import {
  authorityInfoAccessExtension,
  basicConstraintsExtension,
  certificatePoliciesExtension,
  crlDistributionPointsExtension,
  extKeyUsageExtension,
  keyUsageExtension,
  ocspNoCheckExtension,
  subjectAltNameExtension,
  type ExtensionInput,
} from './extension-builder.ts';
import type { NameInput } from './name-builder.ts';
import { nameValues, type Name } from './name.ts';

/**
 * The prefix of the organizationIdentifier (X.520 2.5.4.97) that names a lienthong office in
 * the certificates of its seal and its people: the legal person semantics identifier
 * structure of ETSI EN 319 412-1 §5.1.4 with a scheme of local definition (two characters
 * and a colon: "LT:", the lienthong office registry), the country "VN", a hyphen-minus,
 * then the office code (the access token's `office` claim), e.g. `LT:VN-VPTU-CM`.
 */
export const officeIdentifierPrefix = 'LT:VN-';

/** The organizationIdentifier value that names office `code` (see {@link officeIdentifierPrefix}). */
export function officeIdentifier(code: string): string {
  return `${officeIdentifierPrefix}${code}`;
}

/**
 * The office code a certificate subject names in its organizationIdentifier
 * (`LT:VN-<code>`), or undefined when it names none or several. What it is worth is
 * what the issuer is worth: read it from a certificate whose path validated.
 */
export function officeCodeOf(subject: Name): string | undefined {
  const codes = nameValues(subject, OID.organizationIdentifier)
    .filter((value) => value.startsWith(officeIdentifierPrefix) && value.length > officeIdentifierPrefix.length)
    .map((value) => value.slice(officeIdentifierPrefix.length));
  return codes.length === 1 ? codes[0] : undefined;
}

/** Fields shared by every profile. */
export interface ProfileCommon {
  readonly publicKey: KeyObject | Uint8Array;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly validityDays?: number;
  readonly serialNumber?: Uint8Array | bigint;
  /** certificatePolicies OIDs (RFC 5280 §4.2.1.4). */
  readonly policies?: readonly string[];
  /** cRLDistributionPoints URIs (RFC 5280 §4.2.1.13). */
  readonly crlUris?: readonly string[];
  /** authorityInfoAccess OCSP URIs (RFC 5280 §4.2.2.1). */
  readonly ocspUris?: readonly string[];
  readonly caIssuersUris?: readonly string[];
}

function common(p: ProfileCommon, subject: NameInput, extensions: ExtensionInput[]): CertificateTemplate {
  const exts = [...extensions];
  if (p.policies !== undefined && p.policies.length > 0) exts.push(certificatePoliciesExtension(p.policies));
  if (p.crlUris !== undefined && p.crlUris.length > 0) exts.push(crlDistributionPointsExtension(p.crlUris));
  if ((p.ocspUris?.length ?? 0) > 0 || (p.caIssuersUris?.length ?? 0) > 0)
    exts.push(authorityInfoAccessExtension({ ocsp: p.ocspUris ?? [], caIssuers: p.caIssuersUris ?? [] }));
  return {
    subject,
    publicKey: p.publicKey,
    extensions: exts,
    ...(p.notBefore === undefined ? {} : { notBefore: p.notBefore }),
    ...(p.notAfter === undefined ? {} : { notAfter: p.notAfter }),
    ...(p.validityDays === undefined ? {} : { validityDays: p.validityDays }),
    ...(p.serialNumber === undefined ? {} : { serialNumber: p.serialNumber }),
  };
}

function organizationIdentifierOf(p: { readonly organizationIdentifier?: string }): NameInput {
  return p.organizationIdentifier === undefined
    ? []
    : [{ type: 'organizationIdentifier', value: p.organizationIdentifier }];
}

/** A CA (root or intermediate): basicConstraints cA (critical) with optional pathLenConstraint, keyUsage keyCertSign + cRLSign. */
export function caProfile(
  p: ProfileCommon & { readonly subject: NameInput; readonly pathLenConstraint?: number },
): CertificateTemplate {
  return common(p, p.subject, [
    basicConstraintsExtension(true, p.pathLenConstraint),
    keyUsageExtension(['keyCertSign', 'cRLSign']),
  ]);
}

/**
 * The seal of an office (con dấu của cơ quan): the subject names the
 * organisation, and with `organizationIdentifier` its registered identifier
 * (e.g. {@link officeIdentifier}; ETSI EN 319 412-3 asks it of legal persons); keyUsage
 * digitalSignature + nonRepudiation (contentCommitment).
 */
export function officeSealProfile(
  p: ProfileCommon & {
    readonly organisation: string;
    readonly office: string;
    readonly organizationIdentifier?: string;
    readonly locality?: string;
    readonly country?: string;
    readonly extendedKeyUsages?: readonly string[];
  },
): CertificateTemplate {
  const subject: NameInput = [
    { type: 'C', value: p.country ?? 'VN' },
    ...(p.locality === undefined ? [] : [{ type: 'L', value: p.locality }]),
    { type: 'O', value: p.organisation },
    ...organizationIdentifierOf(p),
    { type: 'CN', value: p.office },
  ];
  const exts = [basicConstraintsExtension(false), keyUsageExtension(['digitalSignature', 'nonRepudiation'])];
  if (p.extendedKeyUsages !== undefined) exts.push(extKeyUsageExtension(p.extendedKeyUsages, false));
  return common(p, subject, exts);
}

/**
 * A person who signs (người ký): name, title (chức vụ) and office in the subject, and with
 * `organizationIdentifier` the registered identifier of their organisation (the natural person
 * profile of ETSI EN 319 412-2 allows it beside organizationName); keyUsage digitalSignature +
 * nonRepudiation.
 */
export function personProfile(
  p: ProfileCommon & {
    readonly name: string;
    readonly title: string;
    readonly office: string;
    readonly organisation: string;
    readonly organizationIdentifier?: string;
    readonly email?: string;
    readonly country?: string;
    readonly extendedKeyUsages?: readonly string[];
  },
): CertificateTemplate {
  const subject: NameInput = [
    { type: 'C', value: p.country ?? 'VN' },
    { type: 'O', value: p.organisation },
    ...organizationIdentifierOf(p),
    { type: 'OU', value: p.office },
    { type: 'title', value: p.title },
    { type: 'CN', value: p.name },
  ];
  const exts = [basicConstraintsExtension(false), keyUsageExtension(['digitalSignature', 'nonRepudiation'])];
  if (p.email !== undefined) exts.push(subjectAltNameExtension({ email: [p.email] }));
  if (p.extendedKeyUsages !== undefined) exts.push(extKeyUsageExtension(p.extendedKeyUsages, false));
  return common(p, subject, exts);
}

/** A time-stamping authority (RFC 3161 §2.3): extKeyUsage id-kp-timeStamping only, critical. */
export function tsaProfile(p: ProfileCommon & { readonly subject: NameInput }): CertificateTemplate {
  return common(p, p.subject, [
    basicConstraintsExtension(false),
    keyUsageExtension(['digitalSignature', 'nonRepudiation']),
    extKeyUsageExtension([OID.timeStamping], true),
  ]);
}

/** A delegated OCSP responder (RFC 6960 §4.2.2.2): extKeyUsage id-kp-OCSPSigning and id-pkix-ocsp-nocheck. */
export function ocspResponderProfile(p: ProfileCommon & { readonly subject: NameInput }): CertificateTemplate {
  return common(p, p.subject, [
    basicConstraintsExtension(false),
    keyUsageExtension(['digitalSignature']),
    extKeyUsageExtension([OID.ocspSigning], false),
    ocspNoCheckExtension(),
  ]);
}
