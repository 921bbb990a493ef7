/**
 * The imported solution's customizations (customizations.xml of the packed zip), read the way the
 * platform uses them at run time: form definitions, command bar changes, views and web resource
 * dependencies.
 */

export class SolutionCustomizations {
  private constructor(private readonly document: Document) {}

  static async load(): Promise<SolutionCustomizations> {
    const response = await fetch("/sandbox/solution/customizations.xml");
    if (!response.ok) throw new Error(`The solution's customizations.xml could not be read (HTTP ${response.status}).`);
    const document = new DOMParser().parseFromString(await response.text(), "application/xml");
    const error = document.querySelector("parsererror");
    if (error) throw new Error(`The solution's customizations.xml is not well-formed XML: ${error.textContent ?? ""}`);
    return new SolutionCustomizations(document);
  }

  private entity(logicalName: string): Element | undefined {
    return children(this.document.documentElement, "Entities")
      .flatMap((entities) => children(entities, "Entity"))
      .find((entity) => text(child(entity, "Name")).toLowerCase() === logicalName.toLowerCase());
  }

  /** The main form (`<systemform>`) the solution ships or changes for a table. */
  mainForm(logicalName: string): Element | undefined {
    const entity = this.entity(logicalName);
    const forms = entity && children(child(entity, "FormXml"), "forms").find((f) => f.getAttribute("type") === "main");
    return forms ? child(forms, "systemform") : undefined;
  }

  /** The solution's command bar changes for a table. */
  ribbon(logicalName: string): Element | undefined {
    const entity = this.entity(logicalName);
    return entity ? child(entity, "RibbonDiffXml") : undefined;
  }

  /** A view by its id: `{ entity, columns, order }` from its layout and FetchXML. */
  view(savedQueryId: string): { entity: string; columns: string[]; order?: { attribute: string; descending: boolean } } | undefined {
    const wanted = savedQueryId.replace(/[{}]/g, "").toLowerCase();
    const query = [...this.document.getElementsByTagName("savedquery")].find(
      (q) => text(child(q, "savedqueryid")).replace(/[{}]/g, "").toLowerCase() === wanted,
    );
    if (!query) return undefined;
    const fetchEntity = query.getElementsByTagName("fetch")[0]?.getElementsByTagName("entity")[0];
    const columns = [...query.getElementsByTagName("cell")].map((cell) => cell.getAttribute("name") ?? "").filter(Boolean);
    const order = fetchEntity?.getElementsByTagName("order")[0];
    return {
      entity: fetchEntity?.getAttribute("name") ?? "",
      columns,
      ...(order ? { order: { attribute: order.getAttribute("attribute") ?? "", descending: order.getAttribute("descending") === "true" } } : {}),
    };
  }

  /** Names of the web resources a web resource depends on (its DependencyXml libraries). */
  dependencies(webResourceName: string): string[] {
    const resource = [...this.document.getElementsByTagName("WebResource")].find((r) => text(child(r, "Name")) === webResourceName);
    const xml = resource ? text(child(resource, "DependencyXml")) : "";
    if (!xml) return [];
    const dependencies = new DOMParser().parseFromString(xml, "application/xml");
    return [...dependencies.getElementsByTagName("Library")].map((library) => library.getAttribute("name") ?? "").filter(Boolean);
  }
}

export function child(parent: Element | undefined, name: string): Element | undefined {
  if (!parent) return undefined;
  for (const node of parent.children) if (node.localName === name) return node;
  return undefined;
}

export function children(parent: Element | undefined, name: string): Element[] {
  return parent ? [...parent.children].filter((node) => node.localName === name) : [];
}

export function text(element: Element | undefined): string {
  return element?.textContent?.trim() ?? "";
}

/** The label for a language out of `<labels><label description languagecode/></labels>` (or Titles/Title). */
export function localizedLabel(parent: Element | undefined, languageId: number, container = "labels", item = "label"): string | undefined {
  const labels = children(child(parent, container), item);
  const pick = (lcid: number) => labels.find((l) => l.getAttribute("languagecode") === String(lcid))?.getAttribute("description");
  return pick(languageId) ?? pick(1033) ?? labels[0]?.getAttribute("description") ?? undefined;
}
