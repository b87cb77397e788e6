/**
 * The "Ký bằng USB token" path's reading of what the signer gives (public/lib/token-values.js,
 * a browser module without imports, loaded here as it is): a PEM file's certificate and CAs,
 * one DER certificate, a pasted or saved signature value; hostile or wrong input is a
 * TokenInputError with a Vietnamese message, thrown before any request.
 */
import t from 'tap';
import type { Test } from 'tap';

interface TokenValues {
  TokenInputError: new (message: string) => Error;
  certificatesOf: (bytes: Uint8Array) => { certificate: string; chain: string[] };
  signatureValueOfText: (text: string) => string;
  signatureValueOfFile: (bytes: Uint8Array) => string;
  hexOf: (base64: string) => string;
}

// A browser module (no declarations): its path as a value, so that TypeScript does not resolve it.
const modulePath: string = '../public/lib/token-values.js';
const { TokenInputError, certificatesOf, hexOf, signatureValueOfFile, signatureValueOfText } = (await import(
  modulePath
)) as TokenValues;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const bytesOf = (text: string) => new TextEncoder().encode(text);
/** DER-shaped bytes (a SEQUENCE of `n` bytes): the page passes them on, signing reads them. */
const der = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 0x30 : i === 1 ? 0x82 : (i * seed) % 256));
const pem = (bytes: Uint8Array) =>
  `-----BEGIN CERTIFICATE-----\n${b64(bytes).replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;

function refused(t: Test, what: string, run: () => unknown): void {
  try {
    run();
    t.fail(`${what}: accepted`);
  } catch (e) {
    t.ok(e instanceof TokenInputError, `${what}: ${(e as Error).message}`);
    t.match((e as { problem?: { detail?: string } }).problem?.detail, /\S/, `${what}: a detail for ErrorBox`);
  }
}

void t.test('a PEM file: the first certificate, then its CAs; one DER certificate alone', async (t) => {
  const cert = der(400, 7);
  const ca = der(500, 11);
  t.same(certificatesOf(bytesOf(pem(cert) + pem(ca))), { certificate: b64(cert), chain: [b64(ca)] });
  t.same(certificatesOf(cert), { certificate: b64(cert), chain: [] }, 'DER');
});

void t.test('what is not a certificate is refused before any request', async (t) => {
  for (const [what, bytes] of [
    ['a PEM private key', bytesOf('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')],
    ['a PEM block of junk', bytesOf('-----BEGIN CERTIFICATE-----\n*** not base64 ***\n-----END CERTIFICATE-----\n')],
    ['an empty file', new Uint8Array(0)],
    ['a text file', bytesOf('Kính gửi các huyện ủy '.repeat(10))],
  ] as const)
    refused(t, what, () => certificatesOf(bytes));
});

void t.test('a signature value: pasted base64 (with line breaks), a raw file, base64 text in a file', async (t) => {
  const raw = der(72, 37);
  t.equal(signatureValueOfText(`${b64(raw).slice(0, 40)}\n  ${b64(raw).slice(40)}\n`), b64(raw));
  t.equal(signatureValueOfFile(raw), b64(raw), 'raw bytes');
  t.equal(signatureValueOfFile(bytesOf(`${b64(raw)}\n`)), b64(raw), 'base64 text saved in a file');
  for (const [what, text] of [
    ['not base64', 'chữ ký!'],
    ['too short', 'AA'],
    ['too long', 'A'.repeat(4096)],
    ['bad padding', 'AAAAA==='],
  ] as const)
    refused(t, what, () => signatureValueOfText(text));
  refused(t, 'an empty file', () => signatureValueOfFile(new Uint8Array(0)));
  refused(t, 'a file too large', () => signatureValueOfFile(new Uint8Array(4096)));
  t.equal(hexOf(b64(Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 1, 2]))), 'deadbeef 0102');
});
