/**
 * `cosell-relay backfill`: the initial load. Reads every referral from Partner Center, oldest change
 * first, and runs the same pull the webhook jobs run, a few at a time so neither platform's limits
 * are hit (both clients also wait out 429s). After each page the watermark moves on, so a stopped
 * backfill resumes where it left off. A referral that fails is queued for the relay to retry.
 */
import { Command, InvalidArgumentError } from "commander";
import { SingleBar } from "cli-progress";
import { createRelay, type Relay } from "../app";
import { odata } from "../partner-center/odata";
import { CliFailure, consoleIo, type CliContext } from "./context";
import { relayConfigFor, relayDependenciesFor } from "./relay-config";

export const BACKFILL_WATERMARK = "backfill";

interface BackfillOptions {
  concurrency: number;
  since?: Date;
  restart?: boolean;
}

export interface BackfillProgress {
  start(total: number | undefined): void;
  update(done: number, failed: number): void;
  stop(): void;
}

export function backfillCommand(context: CliContext): Command {
  return new Command("backfill")
    .description("Load every Partner Center referral into Dynamics 365 (resumable; a running relay must be stopped when it uses PGlite).")
    .option("--concurrency <n>", "referrals synced at once (1-16)", wholeNumber(1, 16), 4)
    .option("--since <date>", "only referrals changed after this date (ISO 8601)", date)
    .option("--restart", "ignore where the last backfill stopped and start from the beginning")
    .action(async (options: BackfillOptions, command: Command) => {
      const config = relayConfigFor(command, context);
      const relay = await createRelay(config, { ...relayDependenciesFor(context, config), purpose: "cosell-relay backfill" });
      try {
        const progress = context.io === consoleIo && process.stdout.isTTY ? barProgress() : lineProgress(context);
        const result = await backfill(relay, options, progress);
        context.io.out(
          `Backfilled ${result.done} referral${result.done === 1 ? "" : "s"}` +
            (result.failed ? `, of which ${result.failed} failed and ${result.failed === 1 ? "was" : "were"} queued for the relay to retry` : "") +
            (result.watermark ? `. Next run starts after ${result.watermark.toISOString()}.` : "."),
        );
        if (result.failed) {
          throw new CliFailure('Some referrals could not be loaded now. Start the relay to retry them; "cosell-relay dead-letter list" shows any that keep failing.');
        }
      } finally {
        await relay.stop();
      }
    });
}

export async function backfill(relay: Relay, options: BackfillOptions, progress: BackfillProgress): Promise<{ done: number; failed: number; watermark?: Date }> {
  const saved = options.restart ? undefined : await relay.state.watermark(BACKFILL_WATERMARK);
  // One millisecond back: referrals sharing the last timestamp may straddle two pages; pulling one twice is harmless.
  const since = options.since ?? (saved ? new Date(saved.getTime() - 1) : undefined);
  let done = 0;
  let failed = 0;
  let watermark = saved;
  let started = false;

  for await (const page of relay.partnerCenter.referrals.pages({
    filter: since ? odata.gt("updatedDateTime", since) : undefined,
    orderBy: { field: "updatedDateTime", direction: "asc" },
  })) {
    if (!started) {
      progress.start(page["@odata.count"]);
      started = true;
    }
    await eachLimited(page.value, options.concurrency, async (referral) => {
      if (!referral.id) return;
      try {
        await relay.engine.pullReferral({ referralId: referral.id, reason: "backfill" }, { retryCount: 0, retryLimit: relay.config.queue.retryLimit, final: false });
      } catch {
        failed++;
        await relay.inbox.pullReferral(referral.id, "backfill retry");
      }
      done++;
      progress.update(done, failed);
    });
    const latest = page.value.map((r) => Date.parse(r.updatedDateTime ?? "")).filter((t) => !Number.isNaN(t));
    if (latest.length) {
      watermark = new Date(Math.max(...latest, watermark?.getTime() ?? 0));
      await relay.state.advanceWatermark(BACKFILL_WATERMARK, watermark);
    }
  }
  if (!started) progress.start(0);
  progress.stop();
  return { done, failed, watermark };
}

/** Runs `work` over the items with at most `limit` running at once. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function barProgress(): BackfillProgress {
  const bar = new SingleBar({ format: "Backfill [{bar}] {value}/{total} referrals · {failed} failed · ETA {eta_formatted}", hideCursor: true });
  return {
    start: (total) => bar.start(total ?? 0, 0, { failed: 0 }),
    update: (value, failed) => {
      if (value > bar.getTotal()) bar.setTotal(value);
      bar.update(value, { failed });
    },
    stop: () => bar.stop(),
  };
}

/** For logs and pipes: a line now and then instead of a redrawn bar. */
function lineProgress(context: CliContext): BackfillProgress {
  let total: number | undefined;
  let last = 0;
  return {
    start: (count) => {
      total = count;
      context.io.out(total === undefined ? "Backfill started." : `Backfill started: ${total} referral${total === 1 ? "" : "s"} to load.`);
    },
    update: (done, failed) => {
      if (done - last < 25 && done !== total) return;
      last = done;
      context.io.out(`  ${done}${total === undefined ? "" : `/${total}`} referrals${failed ? ` (${failed} failed, queued for retry)` : ""}`);
    },
    stop: () => undefined,
  };
}

function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max) throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    return number;
  };
}

function date(value: string): Date {
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new InvalidArgumentError("Expected a date such as 2024-07-01 or 2024-07-01T00:00:00Z.");
  return parsed;
}
