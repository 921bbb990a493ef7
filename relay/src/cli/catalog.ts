/**
 * `cosell-relay catalog import <file.xlsx|file.csv>`: loads the co-sell solution catalog
 * (`cosell_solution`) from a spreadsheet. Every row is checked first; with any bad row nothing is
 * written (unless --skip-invalid). Rows are upserted by the solution id alternate key, so running
 * the same file again changes nothing.
 */
import { SolutionKindOptions, SolutionTable } from "@cosell/core";
import { Command } from "commander";
import { dataverseConnection } from "../composition/parts";
import { requireSections } from "../config/require";
import { DataverseRepository } from "../dataverse/repository";
import type { cosell_solution } from "../dataverse/entities";
import { readCatalogFile, type CatalogEntry } from "./catalog-file";
import { CliFailure, type CliContext } from "./context";
import { relayConfigFor } from "./relay-config";

interface ImportOptions {
  dryRun?: boolean;
  skipInvalid?: boolean;
}

export function catalogCommand(context: CliContext): Command {
  const catalog = new Command("catalog").description("Manage the co-sell solution catalog (Microsoft Solution Details) in Dataverse.");

  catalog
    .command("import <file>")
    .description("Create or update catalog rows from an .xlsx or .csv file with the columns Solution ID, Name, Kind and Publisher.")
    .option("--dry-run", "check the file and show what would change, without writing")
    .option("--skip-invalid", "import the valid rows even when others have errors")
    .action(async (file: string, options: ImportOptions, command: Command) => {
      const config = requireSections(relayConfigFor(command, context), ["dataverse"]);
      const { entries, errors } = await readCatalogFile(file);
      for (const error of errors) context.io.err(`Row ${error.row}: ${error.message}`);
      if (errors.length && !options.skipInvalid) {
        throw new CliFailure(`${errors.length} row${errors.length === 1 ? "" : "s"} of ${file} cannot be imported, so nothing was written. Fix ${errors.length === 1 ? "it" : "them"} and run the import again, or pass --skip-invalid to import the other rows.`);
      }
      if (entries.length === 0) throw new CliFailure(`${file} holds no solutions to import.`);

      const repository = new DataverseRepository(dataverseConnection(config.dataverse));
      const summary = { created: 0, updated: 0, unchanged: 0 };
      for (const entry of entries) {
        const existing = await repository.findSolution(entry.identifier);
        const change = existing ? (differs(existing, entry) ? "updated" : "unchanged") : "created";
        if (change !== "unchanged" && !options.dryRun) {
          try {
            await repository.upsertSolution({ identifier: entry.identifier, name: entry.name, kind: entry.kind, publisher: entry.publisher });
          } catch (error) {
            const done = summary.created + summary.updated;
            throw new CliFailure(
              `Row ${entry.row} (${entry.identifier}) could not be written: ${(error as Error).message}\n` +
                `${done} row${done === 1 ? " was" : "s were"} written before it. Running the import again is safe: rows already in place are left as they are.`,
            );
          }
        }
        summary[change]++;
        if (change !== "unchanged") context.io.out(`Row ${entry.row}: ${entry.identifier} ${options.dryRun ? `would be ${change}` : change} (${entry.name}, ${kindName(entry.kind)}).`);
      }
      const verb = options.dryRun ? "Would import" : "Imported";
      context.io.out(
        `${verb} ${entries.length} solution${entries.length === 1 ? "" : "s"} from ${file}: ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged` +
          (errors.length ? `; ${errors.length} row${errors.length === 1 ? "" : "s"} skipped.` : "."),
      );
    });

  return catalog;
}

function differs(existing: cosell_solution, entry: CatalogEntry): boolean {
  const row = existing as unknown as Record<string, unknown>;
  // A blank publisher in the file leaves the one in Dataverse as it is.
  const publisherChanged = entry.publisher !== undefined && row[SolutionTable.publisher] !== entry.publisher;
  return row[SolutionTable.name] !== entry.name || row[SolutionTable.kind] !== entry.kind || publisherChanged;
}

function kindName(kind: number): string {
  return kind === SolutionKindOptions.MicrosoftSolution ? "Microsoft solution" : "Co-sell ready partner solution";
}
