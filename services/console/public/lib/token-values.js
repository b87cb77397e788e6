// What the "Ký bằng USB token" path reads from the signer: the token key's certificate (a PEM
// file, its CAs in further blocks, or one DER file) and the token's signature value (pasted
// base64, or the raw bytes of a file). Plain functions without imports, tested under node
// (test/token-values.test.ts); a value that cannot be one throws a TokenInputError in Vietnamese.

export class TokenInputError extends Error {
  constructor(message) {
    super(message);
    // Shown by ErrorBox as a problem's detail, as the services' refusals are.
    this.problem = { detail: message };
  }
}

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Base64 of bytes (btoa over a binary string: the browser's and node's own). */
export function toBase64(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/**
 * The certificate and chain (base64 DER, as intake's preparation takes them) of a file's
 * bytes: the PEM CERTIFICATE blocks (RFC 7468) in order, or the whole file as one DER
 * certificate (it starts with a SEQUENCE).
 */
export function certificatesOf(bytes) {
  const text = new TextDecoder('latin1').decode(bytes);
  if (text.includes('-----BEGIN')) {
    const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) =>
      m[1].replace(/\s+/g, ''),
    );
    if (blocks.length === 0 || !blocks.every((b) => base64Pattern.test(b) && b.length > 0))
      throw new TokenInputError('Tệp PEM không có chứng thư số (CERTIFICATE) đọc được.');
    const [certificate, ...chain] = blocks;
    return { certificate, chain: chain.slice(0, 4) };
  }
  if (bytes.length < 64 || bytes[0] !== 0x30) throw new TokenInputError('Tệp không phải chứng thư số (PEM hoặc DER).');
  return { certificate: toBase64(bytes), chain: [] };
}

/** A pasted signature value: base64 (spaces and line breaks ignored), 4 to 2048 characters. */
export function signatureValueOfText(text) {
  const value = text.replace(/\s+/g, '');
  if (value.length < 4 || value.length > 2048 || !base64Pattern.test(value))
    throw new TokenInputError('Giá trị chữ ký phải là chuỗi base64 (như công cụ ký xuất ra).');
  return value;
}

/** A signature value file: its raw bytes (a DER or r‖s ECDSA value, an RSA value), or base64 text in it. */
export function signatureValueOfFile(bytes) {
  if (bytes.length === 0 || bytes.length > 1536)
    throw new TokenInputError(`Tệp chữ ký không hợp lệ (${bytes.length} byte).`);
  const text = new TextDecoder('latin1').decode(bytes).trim();
  // A value saved as base64 text (a line of it): taken as the text. ECDSA DER starts 0x30 '0',
  // so only a text long enough and all base64 is read so.
  if (text.length >= 64 && base64Pattern.test(text.replace(/\s+/g, ''))) return signatureValueOfText(text);
  return toBase64(bytes);
}

/** Hexadecimal of base64 bytes in groups of four, for reading a digest out loud. */
export function hexOf(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .replace(/(.{8})(?!$)/g, '$1 ');
}
