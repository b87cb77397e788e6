/**
 * Trust anchors of an external hierarchy (e.g. the Government Cipher Committee's root CA,
 * Ban Cơ yếu Chính phủ), read once at start from the PEM bundle that
 * LIENTHONG_SIGNING_TRUST_ANCHORS_FILE names. Verification trusts them beside the local root.
 */
import { readFile } from 'node:fs/promises';
import { pemBlocks, readCertificate, type Certificate } from '@lienthong/pki';

/** The CA certificates of a PEM bundle; an unreadable file or one without certificates stops the start with a clear message. */
export async function readTrustAnchors(path: string): Promise<Certificate[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(
      `signing: LIENTHONG_SIGNING_TRUST_ANCHORS_FILE ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      { cause: error },
    );
  }
  const blocks = pemBlocks(text, 'CERTIFICATE');
  if (blocks.length === 0)
    throw new Error(`signing: LIENTHONG_SIGNING_TRUST_ANCHORS_FILE ${path} holds no PEM CERTIFICATE`);
  return blocks.map((der, i) => {
    try {
      return readCertificate(der);
    } catch (error) {
      throw new Error(`signing: certificate ${i + 1} of ${path} is not readable X.509`, { cause: error });
    }
  });
}
