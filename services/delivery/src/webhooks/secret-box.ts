/**
 * Webhook secrets at rest: AES-256-GCM under a key derived (HKDF-SHA256) from
 * `LIENTHONG_DELIVERY_WEBHOOK_KEY`, the office as additional data so that a sealed secret
 * copied to another office's row does not open. Stored as iv (12) | tag (16) | ciphertext.
 * A secret is shown once, when it is made; the service never hands it out again.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { secretPrefix } from './webhook-signature.ts';

/** Seals and opens the secrets of offices' webhooks. */
export interface SecretBox {
  seal(office: string, secret: string): Buffer;
  /** Throws when the sealed value was not made by this key for this office. */
  open(office: string, sealed: Buffer): string;
}

/** A box under `passphrase` (the configured key; at least 32 characters). */
export function createSecretBox(passphrase: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', passphrase, 'lienthong-delivery', 'webhook-secrets v1', 32));
  return {
    seal(office, secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(office));
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    open(office, sealed) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12)).setAAD(Buffer.from(office));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

/** A new webhook secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `${secretPrefix}${randomBytes(32).toString('base64')}`;
}
