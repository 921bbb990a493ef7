/**
 * What a seller or an admin does in Dynamics 365, done through the Dataverse emulator's Web API with
 * their own token: create and edit opportunities, attach solutions, close deals, change environment
 * variables. Tests use it to act and to read what the relay wrote.
 */
import type { DataverseEmulator } from "../../../emulators/dataverse/src";

export type Row = Record<string, unknown>;

export class CrmSession {
  constructor(
    private readonly emulator: DataverseEmulator,
    private readonly token: () => Promise<string>,
  ) {}

  private async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetch(`${this.emulator.apiUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${await this.token()}`,
        Accept: "application/json",
        "OData-Version": "4.0",
        Prefer: 'odata.include-annotations="*"',
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return response;
  }

  async create(entitySet: string, body: Row): Promise<string> {
    const response = await this.call("POST", entitySet, body);
    const id = /\(([0-9a-f-]{36})\)/i.exec(response.headers.get("odata-entityid") ?? "")?.[1];
    if (!id) throw new Error(`POST ${entitySet} returned no OData-EntityId.`);
    return id.toLowerCase();
  }

  async update(entitySet: string, id: string, body: Row): Promise<void> {
    await this.call("PATCH", `${entitySet}(${id})`, body, { "If-Match": "*" });
  }

  async get(entitySet: string, id: string, select?: string[]): Promise<Row> {
    const query = select ? `?$select=${select.join(",")}` : "";
    return (await (await this.call("GET", `${entitySet}(${id})${query}`)).json()) as Row;
  }

  async list(entitySet: string, query = ""): Promise<Row[]> {
    return ((await (await this.call("GET", `${entitySet}${query}`)).json()) as { value: Row[] }).value;
  }

  async associate(entitySet: string, id: string, navigation: string, targetSet: string, targetId: string): Promise<void> {
    await this.call("POST", `${entitySet}(${id})/${navigation}/$ref`, { "@odata.id": `${this.emulator.apiUrl}${targetSet}(${targetId})` });
  }

  async action(name: string, body: Row): Promise<unknown> {
    const response = await this.call("POST", name, body);
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  }
}
