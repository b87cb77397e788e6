import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  explicit,
  is,
  parseDer,
  readOctetString,
  readOid,
  readSmallInt,
  sequence,
  type DerNode,
} from '../der/reader.ts';
import { OID } from '../oids.ts';
import { DIGESTS, WorkBudget, bmpPassword, legacyBmpPasswords, pkcs12Kdf, refuse } from './kdf.ts';
import { readSafe, type Pkcs12Bags } from './safe-contents.ts';

/** PBMAC1 (RFC 9579), refused by name. */
const PBMAC1 = '1.2.840.113549.1.5.14';

interface MacData {
  readonly digestOid: string;
  readonly mac: Uint8Array;
  readonly salt: Uint8Array;
  readonly iterations: number;
}

/** MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 } (RFC 7292 §4). */
function readMacData(node: DerNode): MacData {
  const [digestInfo, saltNode, iterNode] = sequence(node, 'MacData');
  const [alg, macNode] = sequence(digestInfo, 'DigestInfo');
  const digestOid = readOid(sequence(alg, 'DigestAlgorithmIdentifier')[0], 'MAC digest algorithm');
  return {
    digestOid,
    mac: readOctetString(macNode, 'MAC digest'),
    salt: readOctetString(saltNode, 'macSalt'),
    iterations: iterNode === undefined ? 1 : readSmallInt(iterNode, 'MAC iterations'),
  };
}

/** The BMP password encoding whose MAC matches (RFC 7292 §5, Appendix B), or a refusal. */
function verifyMac(macData: MacData, authSafe: Uint8Array, password: string, budget: WorkBudget): Buffer {
  if (macData.digestOid === PBMAC1)
    refuse(
      `The file's integrity uses PBMAC1 (${PBMAC1}, RFC 9579), which is not supported; re-export it with \`-macalg sha256\`.`,
    );
  const digest = DIGESTS[macData.digestOid];
  if (digest === undefined)
    refuse(`The file's MAC uses the digest ${macData.digestOid}, which is not supported (SHA-1 and SHA-2 are).`);
  if (macData.mac.length !== digest.u) refuse(`The file's MAC is ${macData.mac.length} bytes long for ${digest.name}.`);
  for (const bmp of [bmpPassword(password), ...legacyBmpPasswords(password)]) {
    budget.spend(macData.iterations, 'MAC');
    const key = pkcs12Kdf(digest, bmp, macData.salt, macData.iterations, 3, digest.u);
    const mac = createHmac(digest.name, key).update(authSafe).digest();
    if (timingSafeEqual(mac, macData.mac)) return bmp;
  }
  return refuse('Wrong password, or the file was altered (the integrity MAC does not match).');
}

/**
 * Reads a PFX (RFC 7292 §4) in password integrity mode: checks the MAC over the
 * AuthenticatedSafe, then decrypts and collects its bags. Files without a MAC
 * are refused: nothing would tell a wrong password or an altered file apart.
 */
export function readPfx(der: Uint8Array, password: string): Pkcs12Bags {
  const [versionNode, authSafeInfo, macNode, ...extra] = sequence(parseDer(der), 'PFX');
  if (extra.length > 0) refuse('The PFX has extra fields.');
  const version = readSmallInt(versionNode, 'PFX version');
  if (version !== 3) refuse(`The PFX version is ${version}; only version 3 (RFC 7292) is read.`);
  const [typeNode, wrapped] = sequence(authSafeInfo, 'authSafe ContentInfo');
  const type = readOid(typeNode, 'authSafe contentType');
  if (type === OID.signedData)
    refuse(
      'The file uses public-key integrity mode (signedData), which is not supported; re-export it with a password.',
    );
  if (type !== OID.data) refuse(`The authSafe has content type ${type}; only data (password integrity) is supported.`);
  if (wrapped === undefined || !is(wrapped, 0, 2)) refuse('The authSafe has no [0] content.');
  const authSafe = readOctetString(explicit(wrapped), 'authSafe content');
  if (macNode === undefined)
    refuse(
      'The file has no integrity check (no MacData); it is refused. Re-export it with a MAC (the default of `openssl pkcs12 -export`).',
    );
  const budget = new WorkBudget();
  const bmp = verifyMac(readMacData(macNode), authSafe, password, budget);
  const pw = { utf8: Buffer.from(password, 'utf8'), bmp };
  const bags: Pkcs12Bags = { keys: [], certificates: [] };
  for (const info of sequence(parseDer(authSafe), 'AuthenticatedSafe')) readSafe(info, bags, pw, budget);
  return bags;
}
