import * as React from "react";
import {
  Announced,
  CheckboxVisibility,
  DefaultButton,
  DetailsList,
  DetailsListLayoutMode,
  getId,
  IconButton,
  Label,
  Link,
  MessageBar,
  MessageBarType,
  SearchBox,
  SelectionMode,
  Spinner,
  SpinnerSize,
  Stack,
  Text,
  type IColumn,
  type ISearchBox,
} from "@fluentui/react";
import { SolutionKindOptions } from "@cosell/core";
import { errorMessage } from "../../shared/errors";
import type { Translate } from "../../shared/localization";
import type { CatalogSolution } from "../solutionLinks";

export interface SolutionsGridViewProps {
  solutions: CatalogSolution[];
  loading: boolean;
  /** The data-set could not be loaded. */
  loadError?: string;
  /** Adding and removing need a saved opportunity and an editable form. */
  canEdit: boolean;
  /** The opportunity has not been saved yet, so nothing can be attached. */
  unsaved: boolean;
  compact: boolean;
  t: Translate;
  search(term: string): Promise<CatalogSolution[]>;
  add(solution: CatalogSolution): Promise<void>;
  remove(solution: CatalogSolution): Promise<void>;
  open(solution: CatalogSolution): void;
}

/** Long enough to not query on every keystroke, short enough to feel immediate. */
const SEARCH_DELAY_MS = 300;

type Search = { state: "idle" } | { state: "searching"; term: string } | { state: "done"; term: string; results: CatalogSolution[] };

function kindLabel(kind: number | null, t: Translate): string {
  const name = (Object.keys(SolutionKindOptions) as (keyof typeof SolutionKindOptions)[]).find((key) => SolutionKindOptions[key] === kind);
  return name ? t(`Kind_${name}`) : "";
}

export function SolutionsGridView(props: SolutionsGridViewProps): React.ReactElement {
  const { solutions, loading, loadError, canEdit, unsaved, compact, t } = props;
  const [term, setTerm] = React.useState("");
  const [search, setSearch] = React.useState<Search>({ state: "idle" });
  const [saving, setSaving] = React.useState(false);
  const [failure, setFailure] = React.useState<string | undefined>();
  const [announcement, setAnnouncement] = React.useState("");
  const [ids] = React.useState(() => ({ search: getId("cosell-solutions-search"), results: getId("cosell-solutions-results") }));
  const latestQuery = React.useRef(0);
  const searchBox = React.useRef<ISearchBox>(null);
  const mounted = React.useRef(true);
  React.useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  // The latest props, for the debounced search (which must not restart on every render).
  const latest = React.useRef(props);
  latest.current = props;
  const attached = solutions.map((s) => s.id).join(",");

  React.useEffect(() => {
    const text = term.trim();
    const query = ++latestQuery.current;
    if (!text) {
      setSearch({ state: "idle" });
      return undefined;
    }
    const timer = setTimeout(() => {
      setSearch({ state: "searching", term: text });
      latest.current.search(text).then(
        (results) => {
          if (!mounted.current || query !== latestQuery.current) return;
          setSearch({ state: "done", term: text, results });
          setAnnouncement(results.length ? latest.current.t("Search_Found", results.length) : latest.current.t("Search_None", text));
        },
        (error: unknown) => {
          if (!mounted.current || query !== latestQuery.current) return;
          setSearch({ state: "idle" });
          setFailure(withDetail(latest.current.t("Error_Search"), error));
        },
      );
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
    // A solution attached in the meantime drops out of the results: search again when the list changes.
  }, [term, attached]);

  const act = async (solution: CatalogSolution, action: "add" | "remove"): Promise<void> => {
    setSaving(true);
    setFailure(undefined);
    try {
      await (action === "add" ? props.add(solution) : props.remove(solution));
      if (!mounted.current) return;
      if (action === "add") setTerm("");
      searchBox.current?.focus();
      setAnnouncement(t(action === "add" ? "Added" : "Removed", solution.name));
    } catch (error) {
      if (mounted.current) setFailure(withDetail(t(action === "add" ? "Error_Add" : "Error_Remove", solution.name), error));
    } finally {
      if (mounted.current) setSaving(false);
    }
  };

  const columns: IColumn[] = [
    {
      key: "name",
      name: t("Column_Name"),
      minWidth: 140,
      isRowHeader: true,
      isMultiline: true,
      onRender: (item: CatalogSolution) => (
        <Link onClick={() => props.open(item)} title={t("Open_Solution", item.name)}>
          {item.name}
        </Link>
      ),
    },
    { key: "identifier", name: t("Column_SolutionId"), fieldName: "solutionIdentifier", minWidth: 110 },
    ...(compact ? [] : [{ key: "kind", name: t("Column_Kind"), minWidth: 160, isMultiline: true, onRender: (item: CatalogSolution) => kindLabel(item.kind, t) }]),
    {
      key: "remove",
      name: t("Column_Actions"),
      isIconOnly: true,
      minWidth: 32,
      maxWidth: 32,
      onRender: (item: CatalogSolution) => (
        <IconButton
          iconProps={{ iconName: "Delete" }}
          ariaLabel={t("Remove_Label", item.name)}
          title={t("Remove_Label", item.name)}
          disabled={!canEdit || saving}
          onClick={() => void act(item, "remove")}
        />
      ),
    },
  ];

  return (
    <Stack tokens={{ childrenGap: 8 }} className="cosell-solutions">
      {!loading && !loadError && solutions.length === 0 && (
        <MessageBar messageBarType={MessageBarType.warning} isMultiline>
          {t("Rule_AtLeastOne")}
        </MessageBar>
      )}
      {loadError !== undefined && (
        <MessageBar messageBarType={MessageBarType.error} isMultiline>
          {withDetail(t("Error_Load"), loadError)}
        </MessageBar>
      )}
      {failure && (
        <MessageBar messageBarType={MessageBarType.error} isMultiline onDismiss={() => setFailure(undefined)} dismissButtonAriaLabel={t("Dismiss")}>
          {failure}
        </MessageBar>
      )}
      {loading ? (
        <Spinner size={SpinnerSize.medium} label={t("Loading")} />
      ) : solutions.length > 0 ? (
        <DetailsList
          items={solutions}
          columns={columns}
          getKey={(item: CatalogSolution) => item.id}
          setKey="cosell-solutions"
          selectionMode={SelectionMode.none}
          checkboxVisibility={CheckboxVisibility.hidden}
          layoutMode={DetailsListLayoutMode.justified}
          ariaLabelForGrid={t("Grid_Label")}
          onShouldVirtualize={() => false}
          compact
        />
      ) : (
        !loadError && <Text>{t("Empty")}</Text>
      )}
      {unsaved ? (
        <Text variant="small">{t("Save_First")}</Text>
      ) : (
        canEdit && (
          <Stack tokens={{ childrenGap: 4 }}>
            <Label htmlFor={ids.search}>{t("Search_Label")}</Label>
            <SearchBox
              componentRef={searchBox}
              id={ids.search}
              value={term}
              placeholder={t("Search_Placeholder")}
              onChange={(_event, value) => setTerm(value ?? "")}
              onClear={() => setTerm("")}
              aria-controls={ids.results}
            />
            <div id={ids.results}>
              {search.state === "searching" && <Spinner size={SpinnerSize.small} label={t("Searching")} labelPosition="right" />}
              {search.state === "done" && search.results.length === 0 && <Text>{t("Search_None", search.term)}</Text>}
              {search.state === "done" && search.results.length > 0 && (
                <ul aria-label={t("Results_Label")} style={{ listStyle: "none", margin: 0, padding: 0 }}>
                  {search.results.map((solution) => (
                    <li key={solution.id}>
                      <Stack horizontal verticalAlign="center" tokens={{ childrenGap: 8 }} styles={{ root: { padding: "4px 0" } }}>
                        <Stack grow styles={{ root: { minWidth: 0 } }}>
                          <Text>{solution.name}</Text>
                          <Text variant="small">{[solution.solutionIdentifier, kindLabel(solution.kind, t)].filter(Boolean).join(" · ")}</Text>
                        </Stack>
                        <DefaultButton
                          text={t("Add")}
                          ariaLabel={t("Add_Label", solution.name)}
                          disabled={saving}
                          onClick={() => void act(solution, "add")}
                        />
                      </Stack>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </Stack>
        )
      )}
      {saving && <Spinner size={SpinnerSize.small} label={t("Saving")} labelPosition="right" />}
      <Announced message={announcement} />
    </Stack>
  );
}

function withDetail(message: string, error: unknown): string {
  const detail = errorMessage(error);
  return detail ? `${message} ${detail}` : message;
}
