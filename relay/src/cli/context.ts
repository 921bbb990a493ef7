/**
 * What every command needs: where to print, the environment, and the pieces tests and embedders
 * put in place of the configured ones (CliDependencies).
 */
import type { PartnerCenterClientOptions } from "../partner-center/client";
import type { TokenProvider } from "../partner-center/tokens";

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export interface CliDependencies {
  io?: CliIo;
  env?: NodeJS.ProcessEnv;
  /** Used instead of the configured token source. */
  tokenProvider?: TokenProvider;
  /** Extra client settings (retry budget, fetch, hooks). */
  clientOptions?: Partial<PartnerCenterClientOptions>;
  /** Waits between status polls; replaceable so tests do not wait. */
  sleep?: (ms: number) => Promise<void>;
}

export interface CliContext {
  io: CliIo;
  env: NodeJS.ProcessEnv;
  sleep: (ms: number) => Promise<void>;
  dependencies: CliDependencies;
}

/** A failure the person can act on: printed as is, without a stack, and the command exits non-zero. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliFailure";
  }
}

export const consoleIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
