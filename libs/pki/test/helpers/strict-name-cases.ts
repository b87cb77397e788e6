// Edge cases of name constraints (RFC 5280 §4.2.1.10, §6.1.3 (b)(c)) and of malformed names (§4.2.1.6).
import { ext, gn } from './edge-chains.ts';
import { caWith, leafWith, plus, type EdgeCase } from './strict-cases.ts';

const zeros = (n: number): number[] => Array.from({ length: n }, () => 0);
// 2001:db8::/32 as address and mask, and two addresses either side of its edge.
const V6_NET = gn.ip(0x20, 1, 0xd, 0xb8, ...zeros(12), 255, 255, 255, 255, ...zeros(12));
const V6_IN = gn.ip(0x20, 1, 0xd, 0xb8, ...zeros(11), 1);
const V6_OUT = gn.ip(0x20, 1, 0xd, 0xb9, ...zeros(11), 1);

export const NAME_CASES: EdgeCase[] = [
  // name constraints: the anchor's own, DNS, IPv4, IPv6, DN, on subject and subjectAltName
  {
    name: "anchor's own DNS constraint, leaf SAN outside",
    change: (b) => ({
      root: plus(b.root, ext.nameConstraints([gn.dns('tinhuy.vn')])),
      leaf: plus(b.leaf, ext.san([gn.dns('www.example.com')])),
    }),
    ours: 'NAME_CONSTRAINTS',
    openssl: false,
    failedIndex: 0,
  },
  {
    name: "anchor's own DNS constraint, leaf SAN inside",
    change: (b) => ({
      root: plus(b.root, ext.nameConstraints([gn.dns('tinhuy.vn')])),
      leaf: plus(b.leaf, ext.san([gn.dns('vp.tinhuy.vn')])),
    }),
    ours: 'valid',
    openssl: true,
  },
  {
    name: "anchor's own DN constraint, CA subject outside",
    change: (b) => ({ root: plus(b.root, ext.nameConstraints([gn.dn([{ type: 'C', value: 'US' }])])) }),
    ours: 'NAME_CONSTRAINTS',
    openssl: false,
    failedIndex: 1,
  },
  {
    name: 'CA DN constraint, leaf subject inside',
    change: (b) => caWith(b, ext.nameConstraints([gn.dn([{ type: 'C', value: 'VN' }])])),
    ours: 'valid',
    openssl: true,
  },
  {
    name: 'CA excludes 10.0.0.0/8, leaf SAN 10.1.2.3',
    change: (b) => ({
      ...caWith(b, ext.nameConstraints([], [gn.ip(10, 0, 0, 0, 255, 0, 0, 0)])),
      ...leafWith(b, ext.san([gn.ip(10, 1, 2, 3)])),
    }),
    ours: 'NAME_CONSTRAINTS',
    openssl: false,
    failedIndex: 0,
  },
  {
    name: 'CA permits 2001:db8::/32, leaf SAN 2001:db9::1',
    change: (b) => ({
      ...caWith(b, ext.nameConstraints([V6_NET])),
      ...leafWith(b, ext.san([V6_OUT])),
    }),
    ours: 'NAME_CONSTRAINTS',
    openssl: false,
    failedIndex: 0,
  },
  {
    name: 'CA permits 2001:db8::/32, leaf SAN 2001:db8::1',
    change: (b) => ({
      ...caWith(b, ext.nameConstraints([V6_NET])),
      ...leafWith(b, ext.san([V6_IN])),
    }),
    ours: 'valid',
    openssl: true,
  },
  {
    name: 'CA permits rfc822 tinhuy.vn, leaf SAN a@example.com',
    change: (b) => ({
      ...caWith(b, ext.nameConstraints([gn.email('tinhuy.vn')])),
      ...leafWith(b, ext.san([gn.email('a@example.com')])),
    }),
    ours: 'NAME_CONSTRAINTS',
    openssl: false,
    failedIndex: 0,
  },
  {
    name: 'CA excludes the leaf subject DN',
    change: (b) => caWith(b, ext.nameConstraints([], [gn.dn(b.leaf.subject)])),
    ours: 'NAME_CONSTRAINTS',
    openssl: false,
    failedIndex: 0,
  },
  {
    name: 'CA permits DN C=VN, leaf SAN directoryName C=US',
    change: (b) => ({
      ...caWith(b, ext.nameConstraints([gn.dn([{ type: 'C', value: 'VN' }])])),
      ...leafWith(
        b,
        ext.san([
          gn.dn([
            { type: 'C', value: 'US' },
            { type: 'CN', value: 'Other' },
          ]),
        ]),
      ),
    }),
    ours: 'NAME_CONSTRAINTS',
    openssl: false,
    failedIndex: 0,
  },
  {
    name: 'CA permits rfc822 tinhuy.vn, leaf subject emailAddress a@example.com',
    change: (b) => ({
      ...caWith(b, ext.nameConstraints([gn.email('tinhuy.vn')])),
      leaf: { ...b.leaf, subject: [...b.leaf.subject, { type: 'emailAddress', value: 'a@example.com' }] },
    }),
    ours: 'NAME_CONSTRAINTS',
    openssl: false,
    failedIndex: 0,
  },
  {
    name: 'CA permits URI .tinhuy.vn, leaf SAN https://docs.example.com/a',
    change: (b) => ({
      ...caWith(b, ext.nameConstraints([gn.uri('.tinhuy.vn')])),
      ...leafWith(b, ext.san([gn.uri('https://docs.example.com/a')])),
    }),
    ours: 'NAME_CONSTRAINTS',
    openssl: false,
    failedIndex: 0,
  },
  {
    name: 'CA permits URI .tinhuy.vn, leaf SAN https://docs.tinhuy.vn/a',
    change: (b) => ({
      ...caWith(b, ext.nameConstraints([gn.uri('.tinhuy.vn')])),
      ...leafWith(b, ext.san([gn.uri('https://docs.tinhuy.vn/a')])),
    }),
    ours: 'valid',
    openssl: true,
  },
  // a commonName that reads as a host name, with no dNSName in the subjectAltName (RFC 6125 §6.4.4)
  {
    name: 'CA permits DNS tinhuy.vn, leaf CN www.example.com and no SAN',
    change: (b) => ({
      ...caWith(b, ext.nameConstraints([gn.dns('tinhuy.vn')])),
      leaf: { ...b.leaf, subject: [...b.leaf.subject.slice(0, 2), { type: 'CN', value: 'www.example.com' }] },
    }),
    ours: 'NAME_CONSTRAINTS',
    openssl: false,
    failedIndex: 0,
  },
  {
    name: 'CA permits DNS tinhuy.vn, leaf CN www.example.com and SAN vp.tinhuy.vn',
    change: (b) => ({
      ...caWith(b, ext.nameConstraints([gn.dns('tinhuy.vn')])),
      leaf: plus(
        { ...b.leaf, subject: [...b.leaf.subject.slice(0, 2), { type: 'CN', value: 'www.example.com' }] },
        ext.san([gn.dns('vp.tinhuy.vn')]),
      ),
    }),
    ours: 'valid',
    openssl: true,
  },
  {
    name: "CA permits DNS tinhuy.vn, leaf CN a person's name and no SAN",
    change: (b) => ({
      ...caWith(b, ext.nameConstraints([gn.dns('tinhuy.vn')])),
      leaf: { ...b.leaf, subject: [...b.leaf.subject.slice(0, 2), { type: 'CN', value: 'Nguyễn Văn An' }] },
    }),
    ours: 'valid',
    openssl: true,
  },
  // malformed names
  {
    name: 'CA permits 10.0.0.0/8, leaf SAN iPAddress of 5 octets',
    change: (b) => ({
      ...caWith(b, ext.nameConstraints([gn.ip(10, 0, 0, 0, 255, 0, 0, 0)])),
      ...leafWith(b, ext.san([gn.ip(10, 1, 2, 3, 4)])),
    }),
    ours: 'NON_CONFORMING',
    openssl: false,
    failedIndex: 0,
  },
  {
    name: 'leaf SAN iPAddress of 5 octets, no constraints',
    change: (b) => leafWith(b, ext.san([gn.ip(10, 1, 2, 3, 4)])),
    ours: 'NON_CONFORMING',
    openssl: true,
    why: '§4.2.1.6: an iPAddress is 4 (IPv4) or 16 (IPv6) octets; OpenSSL reads SAN syntax only under a constraint',
    failedIndex: 0,
  },
  {
    name: 'leaf SAN dNSName "vp..tinhuy.vn"',
    change: (b) => leafWith(b, ext.san([gn.dns('vp..tinhuy.vn')])),
    ours: 'NON_CONFORMING',
    openssl: true,
    why: '§4.2.1.6: dNSName MUST be in the preferred name syntax (RFC 1034 §3.5), no empty label; OpenSSL does not check',
    failedIndex: 0,
  },
  {
    name: 'leaf SAN rfc822Name "an.nv" (no domain)',
    change: (b) => leafWith(b, ext.san([gn.email('an.nv')])),
    ours: 'NON_CONFORMING',
    openssl: true,
    why: '§4.2.1.6: an rfc822Name is a mailbox, local-part@domain (RFC 5322 addr-spec); OpenSSL does not check without a constraint',
    failedIndex: 0,
  },
  {
    name: 'leaf SAN relative URI "/docs"',
    change: (b) => leafWith(b, ext.san([gn.uri('/docs')])),
    ours: 'NON_CONFORMING',
    openssl: true,
    why: '§4.2.1.6: the name MUST NOT be a relative URI; OpenSSL does not check without a constraint',
    failedIndex: 0,
  },
  {
    name: 'CA with an IP constraint of 5 octets',
    change: (b) => caWith(b, ext.nameConstraints([gn.ip(10, 0, 0, 0, 255)])),
    ours: 'NON_CONFORMING',
    openssl: true,
    why: '§4.2.1.10: an iPAddress constraint is address and mask, 8 or 32 octets; OpenSSL only notices when a leaf has an iPAddress to check',
    failedIndex: 1,
  },
];
