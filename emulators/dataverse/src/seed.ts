/**
 * Seeding: rows in Web API JSON form (so `@odata.bind` works and values are validated), written
 * as the SYSTEM user without raising webhooks — the data was there before the test began.
 * Includes currencies and a small sample of accounts, contacts, opportunities and a lead.
 */
import { badRequest } from "./errors";
import type { DataverseEnvironment } from "./environment";
import { newGuid, stableGuid } from "./ids";
import type { CallContext } from "./webapi/context";
import { parsePrefer } from "./webapi/prefer";
import { parseBody } from "./webapi/write";

export interface CurrencySpec {
  code: string;
  name: string;
  symbol: string;
  /** Units per one base-currency unit. */
  exchangeRate: number;
  precision?: number;
}

/** The currencies of the product's markets; USD is the organisation's base currency. */
export const CURRENCIES: CurrencySpec[] = [
  { code: "USD", name: "US Dollar", symbol: "$", exchangeRate: 1 },
  { code: "EUR", name: "Euro", symbol: "€", exchangeRate: 0.92 },
  { code: "SEK", name: "Swedish Krona", symbol: "kr", exchangeRate: 10.5 },
  { code: "GBP", name: "Pound Sterling", symbol: "£", exchangeRate: 0.79 },
  { code: "CNY", name: "Chinese Yuan Renminbi", symbol: "¥", exchangeRate: 7.2 },
  { code: "PLN", name: "Polish Zloty", symbol: "zł", exchangeRate: 4.0 },
];

export interface SampleData {
  currencies: Record<string, string>;
  accounts: Record<string, string>;
  contacts: Record<string, string>;
  opportunities: Record<string, string>;
  leads: Record<string, string>;
}

export class Seeder {
  constructor(
    private readonly env: DataverseEnvironment,
    private readonly serviceRoot: () => string,
  ) {}

  /** Creates rows in a table (entity set or logical name) from Web API JSON bodies; returns their ids. */
  records(table: string, rows: Array<Record<string, unknown>>): string[] {
    const entity = this.env.catalog.entityBySetName(table) ?? this.env.catalog.entity(table);
    if (!entity) throw badRequest(`Cannot seed '${table}': no such table or entity set.`);
    const context: CallContext = {
      actor: this.env.systemActor,
      callerId: this.env.systemUserId,
      serviceRoot: this.serviceRoot(),
      preferences: parsePrefer(undefined),
      correlationId: newGuid(),
    };
    return this.env.store.transaction(() =>
      rows.map((row) => {
        const parsed = parseBody(this.env, entity, row, context, "create");
        const id = this.env.create(entity.logicalName, parsed.values, context.actor, { silent: true });
        for (const work of parsed.afterWrite) work(id);
        return id;
      }),
    );
  }

  /** Adds currencies (by ISO code) that are not there yet; returns code → transactioncurrencyid. */
  currencies(codes: string[] = CURRENCIES.map((c) => c.code)): Record<string, string> {
    const result: Record<string, string> = {};
    for (const code of codes) {
      const spec = CURRENCIES.find((c) => c.code === code.toUpperCase());
      if (!spec) throw badRequest(`Unknown currency '${code}'. Known: ${CURRENCIES.map((c) => c.code).join(", ")}.`);
      const existing = this.env.findByKey("transactioncurrency", { isocurrencycode: spec.code });
      result[spec.code] = existing?.[0] ?? this.env.create("transactioncurrency", {
        transactioncurrencyid: stableGuid("transactioncurrency", spec.code),
        isocurrencycode: spec.code,
        currencyname: spec.name,
        currencysymbol: spec.symbol,
        exchangerate: spec.exchangeRate,
        currencyprecision: spec.precision ?? 2,
      }, this.env.systemActor, { silent: true });
    }
    return result;
  }

  /** A small, realistic data set: customers in several countries, their contacts, open deals and a lead. */
  sampleData(): SampleData {
    const currencies = this.currencies();
    const [contoso, fabrikam, adventure] = this.records("accounts", [
      { name: "Contoso Ltd", address1_line1: "1 Microsoft Way", address1_city: "Redmond", address1_postalcode: "98052", address1_country: "US", telephone1: "+1 425 555 0100", websiteurl: "https://contoso.example" },
      { name: "Fabrikam AB", address1_line1: "Kungsgatan 1", address1_city: "Stockholm", address1_postalcode: "111 43", address1_country: "SE", "transactioncurrencyid@odata.bind": `/transactioncurrencies(${currencies.SEK})` },
      { name: "Adventure Works BV", address1_line1: "Damrak 1", address1_city: "Amsterdam", address1_postalcode: "1012 LG", address1_country: "NL", "transactioncurrencyid@odata.bind": `/transactioncurrencies(${currencies.EUR})` },
    ]);
    const [ana, erik, sanne] = this.records("contacts", [
      { firstname: "Ana", lastname: "Bowman", emailaddress1: "ana.bowman@contoso.example", telephone1: "+1 425 555 0101", jobtitle: "CIO", "parentcustomerid_account@odata.bind": `/accounts(${contoso})` },
      { firstname: "Erik", lastname: "Lindqvist", emailaddress1: "erik.lindqvist@fabrikam.example", jobtitle: "Head of IT", "parentcustomerid_account@odata.bind": `/accounts(${fabrikam})` },
      { firstname: "Sanne", lastname: "de Vries", emailaddress1: "sanne.devries@adventure-works.example", jobtitle: "CTO", "parentcustomerid_account@odata.bind": `/accounts(${adventure})` },
    ]);
    const [cloud, dataPlatform, security] = this.records("opportunities", [
      { name: "Contoso cloud migration", estimatedvalue: 250000, estimatedclosedate: inDays(60), description: "Move the ERP estate to Azure.", "parentaccountid@odata.bind": `/accounts(${contoso})`, "customerid_account@odata.bind": `/accounts(${contoso})`, "parentcontactid@odata.bind": `/contacts(${ana})`, "transactioncurrencyid@odata.bind": `/transactioncurrencies(${currencies.USD})` },
      { name: "Fabrikam data platform", estimatedvalue: 1200000, estimatedclosedate: inDays(90), "parentaccountid@odata.bind": `/accounts(${fabrikam})`, "customerid_account@odata.bind": `/accounts(${fabrikam})`, "parentcontactid@odata.bind": `/contacts(${erik})`, "transactioncurrencyid@odata.bind": `/transactioncurrencies(${currencies.SEK})` },
      { name: "Adventure Works security review", estimatedvalue: 80000, estimatedclosedate: inDays(30), "parentaccountid@odata.bind": `/accounts(${adventure})`, "customerid_account@odata.bind": `/accounts(${adventure})`, "parentcontactid@odata.bind": `/contacts(${sanne})`, "transactioncurrencyid@odata.bind": `/transactioncurrencies(${currencies.EUR})` },
    ]);
    const [lead] = this.records("leads", [
      { subject: "Northwind analytics modernisation", firstname: "Nina", lastname: "Kowalska", companyname: "Northwind Traders sp. z o.o.", emailaddress1: "nina.kowalska@northwind.example", address1_city: "Warsaw", address1_postalcode: "00-001", address1_country: "PL", estimatedamount: 150000, "transactioncurrencyid@odata.bind": `/transactioncurrencies(${currencies.PLN})` },
    ]);
    return {
      currencies,
      accounts: { contoso, fabrikam, adventure },
      contacts: { ana, erik, sanne },
      opportunities: { cloud, dataPlatform, security },
      leads: { northwind: lead },
    };
  }
}

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
