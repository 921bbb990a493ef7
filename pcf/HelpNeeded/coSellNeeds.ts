import {
  checkCoSellRules,
  ContactTable,
  DEFAULT_SYNC_CONFIG,
  EnvironmentVariables,
  OpportunityColumns,
  OpportunitySolutionRelationship,
  OpportunityTable,
  parseSyncConfig,
  resolveMapping,
  SolutionTable,
  type ContactRecord,
  type OpportunityContext,
  type RuleCode,
  type SolutionRecord,
  type SyncConfig,
} from "@cosell/core";

/** What co-selling with Microsoft needs on the record besides the help choice itself. */
export type NeedKind = "contact" | "solution";

/** A broken rule: its stable code and, for an incomplete contact, who it is. */
export interface Problem {
  code: RuleCode;
  contact?: string;
}

export interface CoSellNeed {
  kind: NeedKind;
  /** Empty when the need is met. */
  problems: Problem[];
}

const rulesOf: Record<NeedKind, readonly RuleCode[]> = {
  contact: ["contact-required", "contact-incomplete"],
  solution: ["solution-required"],
};

/** The Potential Customer lookup's navigation property when it points at a contact. */
const CUSTOMER_CONTACT = `${OpportunityTable.customer}_${ContactTable.logicalName}`;
const VARIABLE_DEFINITION = "environmentvariabledefinition";
const VARIABLE_VALUES = "environmentvariabledefinition_environmentvariablevalue";

/**
 * Runs the core co-sell rules (the ones the form script and the relay run) on the saved customer
 * contact and attached solutions, as if the opportunity were being shared with the chosen help.
 * The control words the few rules it shows in its own resx: core's message catalogs hold every
 * language and would more than double the bundle.
 */
export class CoSellNeeds {
  private config: Promise<SyncConfig> | undefined;

  constructor(private readonly webAPI: ComponentFramework.WebApi) {}

  public async check(opportunityId: string, helpNeeded: number): Promise<CoSellNeed[]> {
    // Read once per form; a failed read is tried again on the next check.
    this.config ??= this.loadConfig().catch((error: unknown) => {
      this.config = undefined;
      throw error;
    });
    const config = await this.config;
    const context = await this.readOpportunity(opportunityId, helpNeeded, config);
    const violations = checkCoSellRules(context, config);
    return (Object.keys(rulesOf) as NeedKind[]).map((kind) => ({
      kind,
      problems: violations
        .filter((v) => rulesOf[kind].includes(v.code))
        .map((v) => (typeof v.params.contact === "string" ? { code: v.code, contact: v.params.contact } : { code: v.code })),
    }));
  }

  /**
   * The admin may remap contact columns in the Field mapping environment variable. A value the
   * relay would reject is reported by the relay's `doctor`; here the built-in mapping applies.
   */
  private async loadConfig(): Promise<SyncConfig> {
    const names = Object.values(EnvironmentVariables).map((v) => v.schemaName);
    const filter = names.map((name) => `schemaname eq '${name}'`).join(" or ");
    const { entities } = await this.webAPI.retrieveMultipleRecords(
      VARIABLE_DEFINITION,
      `?$select=schemaname,defaultvalue&$filter=${filter}&$expand=${VARIABLE_VALUES}($select=value)`,
    );
    const values = Object.fromEntries(
      entities.map((definition) => {
        const current = (definition[VARIABLE_VALUES] as { value?: string | null }[] | undefined)?.[0]?.value;
        return [String(definition.schemaname), current ?? (definition.defaultvalue as string | null)];
      }),
    );
    const parsed = parseSyncConfig(values);
    return parsed.ok ? parsed.config : DEFAULT_SYNC_CONFIG;
  }

  private async readOpportunity(opportunityId: string, helpNeeded: number, config: SyncConfig): Promise<OpportunityContext> {
    // A mapping entry set to null reads no column.
    const mapped = Object.values(resolveMapping(config).contact).flatMap((columns) => columns ?? []);
    const contactColumns = new Set([ContactTable.primaryId, ...mapped]);
    const solutionColumns = [SolutionTable.primaryId, SolutionTable.name, SolutionTable.solutionIdentifier, SolutionTable.kind];
    const contactSelect = `($select=${[...contactColumns].join(",")})`;
    const expand = [
      `${OpportunityTable.contact}${contactSelect}`,
      `${CUSTOMER_CONTACT}${contactSelect}`,
      `${OpportunitySolutionRelationship.navigationProperty}($select=${solutionColumns.join(",")})`,
    ].join(",");
    const record = await this.webAPI.retrieveRecord(
      OpportunityTable.logicalName,
      opportunityId,
      `?$select=${OpportunityTable.primaryId}&$expand=${expand}`,
    );
    // The customer contacts the relay sends: Contact, and the Potential Customer when it is a contact.
    const contacts = [record[OpportunityTable.contact], record[CUSTOMER_CONTACT]].filter(
      (contact, index, all): contact is ContactRecord =>
        !!contact && all.findIndex((other) => other?.[ContactTable.primaryId] === contact[ContactTable.primaryId]) === index,
    );
    return {
      opportunity: {
        opportunityid: opportunityId,
        // The rules only speak about what would be sent; evaluate as if sharing with the chosen help.
        [OpportunityColumns.syncWithPartnerCenter]: true,
        [OpportunityColumns.helpNeeded]: helpNeeded,
      },
      contacts,
      solutions: (record[OpportunitySolutionRelationship.navigationProperty] as SolutionRecord[] | undefined) ?? [],
    };
  }
}
