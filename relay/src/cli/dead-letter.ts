/**
 * `cosell-relay dead-letter list|retry [id|--all]`: the jobs that failed every retry, and putting
 * them back on their queue once the cause is fixed (the running relay then picks them up).
 */
import { Command } from "commander";
import { openStorage } from "../composition/parts";
import { startQueue, type DeadLetter, type JobQueue } from "../jobs/queue";
import { CliFailure, type CliContext } from "./context";
import { relayConfigFor } from "./relay-config";

export function deadLetterCommand(context: CliContext): Command {
  const command = new Command("dead-letter").description("List the jobs that failed every retry, and retry them.");

  command
    .command("list")
    .description("Show each dead-lettered job: its record, when it failed and why.")
    .action(async (_options, sub: Command) => {
      await withQueue(sub, context, async (queue) => {
        const letters = await queue.deadLetters();
        if (letters.length === 0) {
          context.io.out("No dead letters: every job either succeeded or is still being retried.");
          return;
        }
        context.io.out(`${letters.length} dead-lettered job${letters.length === 1 ? "" : "s"}:`);
        for (const letter of letters) context.io.out(`  ${describe(letter)}`);
        context.io.out('Fix the cause shown, then run "cosell-relay dead-letter retry <id>" or "cosell-relay dead-letter retry --all".');
      });
    });

  command
    .command("retry [id]")
    .description("Put a dead-lettered job (or --all of them) back on its queue.")
    .option("--all", "retry every dead-lettered job")
    .action(async (id: string | undefined, options: { all?: boolean }, sub: Command) => {
      if (!id && !options.all) throw new CliFailure('Name the job to retry (see "cosell-relay dead-letter list") or pass --all.');
      if (id && options.all) throw new CliFailure("Pass either a job id or --all, not both.");
      await withQueue(sub, context, async (queue) => {
        const ids = id ? [id] : (await queue.deadLetters()).map((letter) => letter.id);
        let retried = 0;
        for (const letterId of ids) {
          if (await queue.retryDeadLetter(letterId)) retried++;
          else throw new CliFailure(`No dead-lettered job has the id ${letterId}; "cosell-relay dead-letter list" shows the ids.`);
        }
        context.io.out(
          retried === 0
            ? "No dead letters to retry."
            : `Put ${retried} job${retried === 1 ? "" : "s"} back on the queue; the running relay works ${retried === 1 ? "it" : "them"} off with the usual retries.`,
        );
      });
    });

  return command;
}

async function withQueue(command: Command, context: CliContext, work: (queue: JobQueue) => Promise<void>): Promise<void> {
  const config = relayConfigFor(command, context);
  const storage = await openStorage(config, "cosell-relay dead-letter");
  try {
    const queue = await startQueue(storage.db, config.queue);
    try {
      await work(queue);
    } finally {
      await queue.stop();
    }
  } finally {
    await storage.close();
  }
}

function describe(letter: DeadLetter): string {
  const record = "opportunityId" in letter.data ? `opportunity ${letter.data.opportunityId}` : "referralId" in letter.data ? `referral ${letter.data.referralId}` : "reconcile";
  return `${letter.id}  ${letter.queue}  ${record}  failed ${letter.failedOn.toISOString()}: ${letter.error}`;
}
