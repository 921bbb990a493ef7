/**
 * MSAL token cache kept in a file encrypted with AES-256-GCM, so the Partner Center refresh token
 * (which acts for a real user) is never on disk in clear. The key comes from a secret in the
 * environment. The file also remembers when the refresh token last changed, which is what the
 * expiry warning is based on.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ICachePlugin, TokenCacheContext } from "@azure/msal-node";

const FORMAT = "cosell-token-cache";
const VERSION = 1;
const ADDITIONAL_DATA = Buffer.from(`${FORMAT}:v${VERSION}`);

export class TokenCacheError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TokenCacheError";
  }
}

interface CacheContents {
  /** MSAL's serialized cache (JSON text). */
  msal: string;
  /** Hash of the refresh tokens, to notice when Entra ID issues new ones. */
  refreshTokenFingerprint?: string;
  /** ISO time the current refresh token was first seen. */
  refreshTokenRenewedAt?: string;
}

export interface TokenCacheMetadata {
  hasRefreshToken: boolean;
  refreshTokenRenewedAt?: Date;
}

/**
 * Reads a 256-bit key from a secret: 32 bytes as base64 (`openssl rand -base64 32`) or 64 hex digits.
 * @param name the setting's name, for the error message
 */
export function tokenCacheKeyFromSecret(secret: string | undefined, name: string): Buffer {
  const value = secret?.trim();
  if (!value) {
    throw new TokenCacheError(`${name} is not set. It encrypts the Partner Center token cache; create one with "openssl rand -base64 32" and keep it with the relay's other secrets.`);
  }
  const hex = /^[0-9a-f]{64}$/i.test(value);
  const key = hex ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
  if (key.length !== 32 || (!hex && !/^[A-Za-z0-9+/]{43}=?$/.test(value))) {
    throw new TokenCacheError(`${name} must be 32 random bytes as base64 (openssl rand -base64 32) or as 64 hex digits.`);
  }
  return key;
}

export class EncryptedTokenCache implements ICachePlugin {
  private contents: CacheContents | undefined;

  constructor(
    readonly file: string,
    private readonly key: Buffer,
    private readonly now: () => number = Date.now,
  ) {
    if (key.length !== 32) throw new TokenCacheError("The token cache key must be 32 bytes.");
  }

  async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
    this.contents = await this.read();
    if (this.contents) context.tokenCache.deserialize(this.contents.msal);
  }

  async afterCacheAccess(context: TokenCacheContext): Promise<void> {
    if (!context.cacheHasChanged) return;
    const msal = context.tokenCache.serialize();
    const fingerprint = refreshTokenFingerprint(msal);
    const renewed = fingerprint !== undefined && fingerprint !== this.contents?.refreshTokenFingerprint;
    const contents: CacheContents = {
      msal,
      refreshTokenFingerprint: fingerprint,
      refreshTokenRenewedAt: renewed ? new Date(this.now()).toISOString() : fingerprint ? this.contents?.refreshTokenRenewedAt : undefined,
    };
    await this.write(contents);
    this.contents = contents;
  }

  async metadata(): Promise<TokenCacheMetadata> {
    const contents = await this.read();
    return {
      hasRefreshToken: Boolean(contents?.refreshTokenFingerprint),
      refreshTokenRenewedAt: contents?.refreshTokenRenewedAt ? new Date(contents.refreshTokenRenewedAt) : undefined,
    };
  }

  private async read(): Promise<CacheContents | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new TokenCacheError(`The token cache ${this.file} cannot be read: ${(error as Error).message}`, { cause: error });
    }
    let envelope: { format?: unknown; version?: unknown; iv?: unknown; tag?: unknown; data?: unknown };
    try {
      envelope = JSON.parse(text);
    } catch (error) {
      throw new TokenCacheError(`The token cache ${this.file} is not a token cache file. Delete it and sign in again.`, { cause: error });
    }
    if (envelope.format !== FORMAT || envelope.version !== VERSION || typeof envelope.iv !== "string" || typeof envelope.tag !== "string" || typeof envelope.data !== "string") {
      throw new TokenCacheError(`The token cache ${this.file} is not a version ${VERSION} ${FORMAT} file. Delete it and sign in again.`);
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(envelope.iv, "base64"));
      decipher.setAAD(ADDITIONAL_DATA);
      decipher.setAuthTag(Buffer.from(envelope.tag, "base64"));
      const plain = Buffer.concat([decipher.update(Buffer.from(envelope.data, "base64")), decipher.final()]);
      return JSON.parse(plain.toString("utf8")) as CacheContents;
    } catch (error) {
      throw new TokenCacheError(
        `The token cache ${this.file} cannot be decrypted with the configured key: the key changed or the file was altered. ` +
          "Restore the previous key, or delete the file and sign in again.",
        { cause: error },
      );
    }
  }

  /** Write to a temporary file and rename, so a crash never leaves half a cache. */
  private async write(contents: CacheContents): Promise<void> {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(ADDITIONAL_DATA);
    const data = Buffer.concat([cipher.update(JSON.stringify(contents), "utf8"), cipher.final()]);
    const envelope = { format: FORMAT, version: VERSION, alg: "AES-256-GCM", iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64"), data: data.toString("base64") };
    await mkdir(path.dirname(path.resolve(this.file)), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(temporary, JSON.stringify(envelope), { mode: 0o600 });
    await rename(temporary, this.file);
  }
}

function refreshTokenFingerprint(serialized: string): string | undefined {
  let cache: { RefreshToken?: Record<string, { secret?: string }> };
  try {
    cache = JSON.parse(serialized);
  } catch {
    return undefined;
  }
  const secrets = Object.values(cache.RefreshToken ?? {})
    .map((entry) => entry.secret)
    .filter((secret): secret is string => Boolean(secret))
    .sort();
  if (secrets.length === 0) return undefined;
  return createHash("sha256").update(secrets.join("\n")).digest("base64");
}
