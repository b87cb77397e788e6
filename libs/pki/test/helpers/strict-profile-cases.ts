// Edge cases of RFC 5280 §4 (conforming CAs) and of the trust anchor's own certificate.
import { KU, ext, gn, type EdgeKeys } from './edge-chains.ts';
import { leafWith, plus, without, type EdgeCase } from './strict-cases.ts';

const BC = '2.5.29.19';
const KU_OID = '2.5.29.15';
const SKI = '2.5.29.14';
const AKI = '2.5.29.35';

/** The certificate-profile cases, built for `keys`. */
export function profileCases(keys: EdgeKeys): EdgeCase[] {
  return [
    { name: 'a conforming chain', change: () => ({}), ours: 'valid', openssl: true },
    // CA certificates and basicConstraints (§4.2.1.9)
    {
      name: 'CA without basicConstraints',
      change: (b) => ({ ca: without(b.ca, BC) }),
      ours: 'BASIC_CONSTRAINTS',
      openssl: false,
      failedIndex: 1,
    },
    {
      name: 'CA with non-critical basicConstraints',
      change: (b) => ({ ca: plus(without(b.ca, BC), ext.basicConstraints(true, false)) }),
      ours: 'BASIC_CONSTRAINTS',
      openssl: false,
      failedIndex: 1,
    },
    {
      name: 'CA without keyUsage',
      change: (b) => ({ ca: without(b.ca, KU_OID) }),
      ours: 'KEY_USAGE',
      openssl: false,
      failedIndex: 1,
    },
    // keyUsage and pathLenConstraint on a leaf (§4.2.1.3, §4.2.1.9)
    {
      name: 'leaf asserting keyCertSign',
      change: (b) => ({ leaf: plus(without(b.leaf, KU_OID), ext.keyUsage([KU.digitalSignature, KU.keyCertSign])) }),
      ours: 'KEY_USAGE',
      openssl: false,
      failedIndex: 0,
    },
    {
      name: 'leaf with pathLenConstraint and cA false',
      change: (b) => leafWith(b, ext.basicConstraints(false, true, 0)),
      ours: 'BASIC_CONSTRAINTS',
      openssl: false,
      failedIndex: 0,
    },
    // key identifiers (§4.2.1.1, §4.2.1.2)
    {
      name: 'leaf without authorityKeyIdentifier',
      change: (b) => ({ leaf: without(b.leaf, AKI) }),
      ours: 'NON_CONFORMING',
      openssl: false,
      failedIndex: 0,
    },
    {
      name: 'CA without subjectKeyIdentifier',
      change: (b) => ({ ca: without(b.ca, SKI) }),
      ours: 'NON_CONFORMING',
      openssl: false,
      failedIndex: 1,
    },
    {
      name: 'leaf with a critical authorityKeyIdentifier',
      change: (b) => ({ leaf: plus(without(b.leaf, AKI), ext.aki(keys.ca.publicKey, true)) }),
      ours: 'NON_CONFORMING',
      openssl: false,
      failedIndex: 0,
    },
    {
      name: 'CA with a critical subjectKeyIdentifier',
      change: (b) => ({ ca: plus(without(b.ca, SKI), ext.ski(keys.ca.publicKey, true)) }),
      ours: 'NON_CONFORMING',
      openssl: false,
      failedIndex: 1,
    },
    // serial numbers (§4.1.2.2)
    {
      name: 'leaf serial number zero',
      change: (b) => ({ leaf: { ...b.leaf, serial: Uint8Array.of(0) } }),
      ours: 'NON_CONFORMING',
      openssl: true,
      why: '§4.1.2.2: the serial number MUST be a positive integer; OpenSSL does not look at serials when verifying',
      failedIndex: 0,
    },
    {
      name: 'leaf serial number negative',
      change: (b) => ({ leaf: { ...b.leaf, serial: Uint8Array.of(0xff, 0x01) } }),
      ours: 'NON_CONFORMING',
      openssl: true,
      why: '§4.1.2.2: the serial number MUST be a positive integer; OpenSSL does not look at serials when verifying',
      failedIndex: 0,
    },
    {
      name: 'CA serial number of 21 octets',
      change: (b) => ({ ca: { ...b.ca, serial: new Uint8Array(21).fill(0x11) } }),
      ours: 'NON_CONFORMING',
      openssl: true,
      why: '§4.1.2.2: conforming CAs MUST NOT use serial numbers longer than 20 octets; OpenSSL does not check',
      failedIndex: 1,
    },
    {
      name: 'leaf serial number of 20 octets with a sign octet',
      change: (b) => ({ leaf: { ...b.leaf, serial: Uint8Array.of(0, ...new Uint8Array(20).fill(0x99)) } }),
      ours: 'valid',
      openssl: true,
    },
    // names (§4.1.2.4, §4.1.2.6, §4.2.1.6)
    {
      name: 'CA with an empty subject (and leaf with an empty issuer)',
      change: (b) => ({ ca: { ...b.ca, subject: [] }, leaf: { ...b.leaf, issuer: [] } }),
      ours: 'NON_CONFORMING',
      openssl: false,
      failedIndex: 1,
    },
    {
      name: 'leaf with an empty subject and a non-critical subjectAltName',
      change: (b) => ({ leaf: plus({ ...b.leaf, subject: [] }, ext.san([gn.dns('vp.tinhuy.vn')])) }),
      ours: 'NON_CONFORMING',
      openssl: false,
      failedIndex: 0,
    },
    {
      name: 'leaf with an empty subject and a critical subjectAltName',
      change: (b) => ({ leaf: plus({ ...b.leaf, subject: [] }, ext.san([gn.dns('vp.tinhuy.vn')], true)) }),
      ours: 'valid',
      openssl: true,
    },
    // duplicate extensions (§4.2)
    {
      name: 'leaf with keyUsage twice',
      change: (b) => leafWith(b, ext.keyUsage([KU.digitalSignature])),
      ours: 'MALFORMED',
      openssl: false,
    },
    // the trust anchor's own certificate
    {
      name: 'expired trust anchor certificate',
      change: (b) => ({ root: { ...b.root, notAfter: new Date('2026-03-01T00:00:00Z') } }),
      ours: 'EXPIRED',
      openssl: false,
      failedIndex: 2,
    },
    {
      name: 'trust anchor with an unknown critical extension',
      change: (b) => ({ root: plus(b.root, ext.unknown(true)) }),
      ours: 'UNKNOWN_CRITICAL_EXTENSION',
      openssl: false,
      failedIndex: 2,
    },
    {
      name: 'trust anchor with an unknown non-critical extension',
      change: (b) => ({ root: plus(b.root, ext.unknown(false)) }),
      ours: 'valid',
      openssl: true,
    },
    {
      name: 'trust anchor with non-critical basicConstraints',
      change: (b) => ({ root: plus(without(b.root, BC), ext.basicConstraints(true, false)) }),
      ours: 'BASIC_CONSTRAINTS',
      openssl: false,
      failedIndex: 2,
    },
    {
      name: 'trust anchor without basicConstraints',
      change: (b) => ({ root: without(b.root, BC) }),
      ours: 'BASIC_CONSTRAINTS',
      openssl: false,
      failedIndex: 2,
    },
  ];
}
