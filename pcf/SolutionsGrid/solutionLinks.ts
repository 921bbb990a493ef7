import { OpportunitySolutionRelationship, OpportunityTable, SolutionTable } from "@cosell/core";
import { errorMessage } from "../shared/errors";

/** A row of the co-sell solution catalog, as the grid and the search show it. */
export interface CatalogSolution {
  id: string;
  name: string;
  solutionIdentifier: string;
  kind: number | null;
}

/** The part of a fetch Response the Web API calls read. */
export type HttpResponse = Pick<Response, "ok" | "status" | "text">;
export type HttpSend = (url: string, init: RequestInit) => Promise<HttpResponse>;

const WEB_API = "/api/data/v9.2";
const SEARCH_RESULTS = 10;

/** OData string literal: single quotes doubled, then URI-encoded (the options string is sent as is). */
const literal = (text: string): string => encodeURIComponent(`'${text.replace(/'/g, "''")}'`);

/**
 * Reads the catalog through `context.webAPI` and attaches/detaches solutions on the N:N.
 *
 * `context.webAPI` has no associate, and Dataverse documents `@odata.bind` on a collection-valued
 * navigation property in an update only for activity parties, so a PATCH through `updateRecord`
 * is not a supported way to fill an N:N. The control therefore calls the Web API's `$ref`
 * endpoints (dataverse-pcf.md §5, "N:N associate/disassociate") with a relative URI on the
 * organization the form runs in, as the signed-in user.
 */
export class SolutionLinks {
  constructor(
    private readonly webAPI: ComponentFramework.WebApi,
    private readonly send: HttpSend = (url, init) => fetch(url, init),
  ) {}

  /** Active catalog solutions whose name or solution id contains `term`, except `exclude`. */
  public async search(term: string, exclude: readonly string[]): Promise<CatalogSolution[]> {
    const text = term.trim();
    if (!text) return [];
    const select = [SolutionTable.primaryId, SolutionTable.name, SolutionTable.solutionIdentifier, SolutionTable.kind].join(",");
    const filter = `statecode eq 0 and (contains(${SolutionTable.name},${literal(text)}) or contains(${SolutionTable.solutionIdentifier},${literal(text)}))`;
    const options = `?$select=${select}&$filter=${filter}&$orderby=${SolutionTable.name} asc&$top=${SEARCH_RESULTS + exclude.length}`;
    const { entities } = await this.webAPI.retrieveMultipleRecords(SolutionTable.logicalName, options);
    const excluded = new Set(exclude.map((id) => id.toLowerCase()));
    return entities
      .map(toCatalogSolution)
      .filter((solution) => !excluded.has(solution.id))
      .slice(0, SEARCH_RESULTS);
  }

  public attach(opportunityId: string, solutionId: string): Promise<void> {
    const target = new URL(`${WEB_API}/${SolutionTable.entitySetName}(${bare(solutionId)})`, window.location.origin).href;
    return this.call("POST", `${this.collection(opportunityId)}/$ref`, JSON.stringify({ "@odata.id": target }));
  }

  public detach(opportunityId: string, solutionId: string): Promise<void> {
    return this.call("DELETE", `${this.collection(opportunityId)}(${bare(solutionId)})/$ref`);
  }

  private collection(opportunityId: string): string {
    return `${WEB_API}/${OpportunityTable.entitySetName}(${bare(opportunityId)})/${OpportunitySolutionRelationship.navigationProperty}`;
  }

  private async call(method: "POST" | "DELETE", url: string, body?: string): Promise<void> {
    const response = await this.send(url, {
      method,
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json; charset=utf-8",
        "OData-MaxVersion": "4.0",
        "OData-Version": "4.0",
      },
      body,
    });
    if (response.ok) return;
    const text = await response.text();
    let message = "";
    try {
      message = errorMessage(JSON.parse(text));
    } catch {
      message = text.trim();
    }
    throw new Error(message || `HTTP ${response.status}`);
  }
}

const bare = (id: string): string => id.replace(/[{}]/g, "").toLowerCase();

function toCatalogSolution(entity: ComponentFramework.WebApi.Entity): CatalogSolution {
  const kind = entity[SolutionTable.kind] as unknown;
  return {
    id: bare(String(entity[SolutionTable.primaryId])),
    name: String(entity[SolutionTable.name] ?? ""),
    solutionIdentifier: String(entity[SolutionTable.solutionIdentifier] ?? ""),
    kind: typeof kind === "number" ? kind : null,
  };
}
