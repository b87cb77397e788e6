import { encoded } from '../der/reader.ts';
import { ctx, int, oid, seq, tlv } from '../der/writer.ts';
import { OID } from '../oids.ts';
import type { Certificate } from '../x509/certificate.ts';
import type { Crl } from '../crl/crl.ts';
import { signedDataNodes } from './signed-data-nodes.ts';

/** Validation data to embed for CAdES-B-LT (ETSI EN 319 122-1 §5.4, §6.3). */
export interface ValidationData {
  /** Certificates of every path (signer, TSA, OCSP responders, CA certificates). */
  readonly certificates?: readonly (Certificate | Uint8Array)[];
  readonly crls?: readonly (Crl | Uint8Array)[];
  /** OCSPResponse DERs. */
  readonly ocspResponses?: readonly Uint8Array[];
}

const der = (x: Certificate | Crl | Uint8Array): Uint8Array => (x instanceof Uint8Array ? x : x.der);

/**
 * Embeds validation data the way CAdES baseline B-LT asks (ETSI EN 319 122-1
 * §6.3 (f)(g)): certificates into SignedData.certificates, CRLs into
 * SignedData.crls, OCSP responses into SignedData.crls as
 * OtherRevocationInfoFormat id-ri-ocsp-response (RFC 5940 §2.1), skipping
 * what is already there. Signed bytes and the signature-time-stamp are
 * untouched; SignedData version becomes 5 when OCSP responses are present
 * (RFC 5652 §5.1).
 */
export function addValidationData(cms: Uint8Array, data: ValidationData): Uint8Array {
  const n = signedDataNodes(cms);
  const have = new Set([...n.certificates, ...n.crls].map((x) => Buffer.from(encoded(x)).toString('base64')));
  const fresh = (b: Uint8Array): boolean => {
    const k = Buffer.from(b).toString('base64');
    if (have.has(k)) return false;
    have.add(k);
    return true;
  };
  const certs = [...n.certificates.map((c) => encoded(c)), ...(data.certificates ?? []).map(der).filter(fresh)];
  const ocsp = (data.ocspResponses ?? []).map((r) => tlv(0xa1, oid(OID.riOcspResponse), r));
  const crls = [...n.crls.map((c) => encoded(c)), ...(data.crls ?? []).map(der).filter(fresh), ...ocsp.filter(fresh)];
  const hasOther = crls.some((c) => c[0] === 0xa1);
  const version = hasOther ? int(5) : encoded(n.version);
  const signedData = seq(
    version,
    encoded(n.digestAlgorithms),
    encoded(n.encapContentInfo),
    ...(certs.length === 0 ? [] : [tlv(0xa0, ...certs)]),
    ...(crls.length === 0 ? [] : [tlv(0xa1, ...crls)]),
    tlv(0x31, ...n.signerInfos.map((s) => encoded(s))),
  );
  return seq(encoded(n.contentType), ctx(0, signedData));
}
