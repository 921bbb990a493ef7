/**
 * The relay's pino logger. Whatever a log call is handed, authorization headers, signatures, tokens
 * and secrets come out as "[redacted]": the relay holds credentials that act for real people.
 */
import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";

export interface LoggerOptions {
  level?: string;
  /** The Dataverse webhook's shared-secret header, which is redacted like the others. */
  secretHeaders?: string[];
  /** Default: standard output. */
  destination?: DestinationStream;
}

const SECRET_KEYS = [
  "authorization",
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "idToken",
  "clientSecret",
  "client_secret",
  "secret",
  "password",
  "signature",
  "cacheKey",
  "tokenCacheKey",
  "webhookSecret",
  "databaseUrl",
  "cookie",
];

const SECRET_HEADERS = ["authorization", "x-ms-signature", "cookie", "set-cookie", "proxy-authorization"];

export function redactPaths(secretHeaders: string[] = []): string[] {
  const headers = [...new Set([...SECRET_HEADERS, ...secretHeaders.map((h) => h.toLowerCase())])];
  return [
    ...SECRET_KEYS,
    ...SECRET_KEYS.map((key) => `*.${key}`),
    ...headers.flatMap((header) => [`req.headers["${header}"]`, `headers["${header}"]`, `*.headers["${header}"]`]),
  ];
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: "cosell-relay",
      level: options.level ?? "info",
      redact: { paths: redactPaths(options.secretHeaders), censor: "[redacted]" },
    },
    options.destination,
  );
}
