// A model-driven form host for one built PCF control: it builds the ComponentFramework context
// (parameters, mode, resx strings, user settings, webAPI over the Dataverse Web API of this origin),
// renders what updateView returns, and feeds getOutputs back into the parameters the way a form does.
"use strict";

(function () {
  const WEB_API = "/api/data/v9.2/";
  const FORMATTED = "@OData.Community.Display.V1.FormattedValue";
  const entitySets = new Map();

  async function send(method, path, body) {
    const response = await fetch(WEB_API + path, {
      method,
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json; charset=utf-8",
        "OData-MaxVersion": "4.0",
        "OData-Version": "4.0",
        Prefer: 'odata.include-annotations="*"',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      // Xrm.WebApi rejects with the error code as a number and the Dataverse message.
      const error = (json && json.error) || {};
      throw { errorCode: parseInt(error.code || "0", 16) || response.status, message: error.message || `HTTP ${response.status}` };
    }
    return { json, response };
  }

  async function entitySet(logicalName) {
    if (!entitySets.has(logicalName)) {
      const { json } = await send("GET", `EntityDefinitions(LogicalName='${logicalName}')?$select=EntitySetName`);
      entitySets.set(logicalName, json.EntitySetName);
    }
    return entitySets.get(logicalName);
  }

  const query = (options) => (options ? (options.startsWith("?") ? options : `?${options}`) : "");
  const idOf = (response) => /\(([0-9a-f-]{36})\)$/i.exec(response.headers.get("OData-EntityId") || "")[1];

  const webAPI = {
    async retrieveRecord(entityType, id, options) {
      return (await send("GET", `${await entitySet(entityType)}(${id})${query(options)}`)).json;
    },
    async retrieveMultipleRecords(entityType, options) {
      const { json } = await send("GET", `${await entitySet(entityType)}${query(options)}`);
      return { entities: json.value, nextLink: json["@odata.nextLink"] };
    },
    async createRecord(entityType, data) {
      const { response } = await send("POST", await entitySet(entityType), data);
      return { id: idOf(response), entityType };
    },
    async updateRecord(entityType, id, data) {
      await send("PATCH", `${await entitySet(entityType)}(${id})`, data);
      return { id, entityType };
    },
    async deleteRecord(entityType, id) {
      await send("DELETE", `${await entitySet(entityType)}(${id})`);
      return { id, entityType };
    },
  };

  async function resx(control, languageId) {
    const text = await (await fetch(`/controls/${control}/strings/${control}.${languageId}.resx`)).text();
    const xml = new DOMParser().parseFromString(text, "application/xml");
    return new Map([...xml.querySelectorAll("root > data")].map((data) => [data.getAttribute("name"), data.querySelector("value").textContent]));
  }

  function property(spec) {
    const raw = spec.type === "DateAndTime.DateAndTime" && spec.raw ? new Date(spec.raw) : spec.raw;
    const options = spec.options || [];
    const formatted = options.length ? (options.find((o) => o.Value === raw) || { Label: "" }).Label : raw == null ? "" : String(raw);
    return {
      type: spec.type,
      raw,
      formatted,
      error: false,
      errorMessage: "",
      security: { editable: true, readable: true, secured: false },
      attributes: { Options: options.map((o) => ({ ...o, Color: "" })) },
    };
  }

  /** The subgrid of an N:N: the related rows of the form's record, read through the Web API. */
  function relatedDataSet(spec, record, onChange) {
    const dataset = {
      loading: true,
      error: false,
      errorMessage: "",
      records: {},
      sortedRecordIds: [],
      columns: spec.columns.map((name, order) => ({ name, displayName: name, dataType: "SingleLine.Text", alias: name, order, visualSizeFactor: 1 })),
      sorting: [],
      filtering: {},
      linking: {},
      paging: {
        pageSize: 25,
        totalResultCount: 0,
        hasNextPage: false,
        hasPreviousPage: false,
        firstPageNumber: 1,
        lastPageNumber: 1,
        setPageSize(size) {
          dataset.paging.pageSize = size;
        },
        reset: () => load(),
        loadNextPage() {},
        loadPreviousPage() {},
        loadExactPage() {},
      },
      refresh: () => load(),
      openDatasetItem: (reference) => window.PcfHost.opened.push(reference),
      getTargetEntityType: () => spec.entity,
      getTitle: () => spec.entity,
      getViewId: () => "",
      getSelectedRecordIds: () => [],
      setSelectedRecordIds() {},
      clearSelectedRecordIds() {},
    };
    async function load() {
      dataset.loading = true;
      onChange();
      try {
        const parent = await entitySet(record.entityName);
        const { json } = await send("GET", `${parent}(${record.id})/${spec.relationship}?$select=${spec.columns.join(",")}&$orderby=${spec.columns[0]} asc`);
        const key = `${spec.entity}id`;
        dataset.records = {};
        dataset.sortedRecordIds = json.value.map((row) => {
          const id = row[key];
          dataset.records[id] = {
            getRecordId: () => id,
            getValue: (column) => row[column],
            getFormattedValue: (column) => (row[column + FORMATTED] !== undefined ? row[column + FORMATTED] : row[column] == null ? "" : String(row[column])),
            getNamedReference: () => ({ id: { guid: id }, etn: spec.entity, name: row[spec.columns[0]] }),
          };
          return id;
        });
        dataset.paging.totalResultCount = json.value.length;
        dataset.error = false;
      } catch (error) {
        dataset.error = true;
        dataset.errorMessage = error.message;
      }
      dataset.loading = false;
      onChange();
    }
    load();
    return dataset;
  }

  window.PcfHost = {
    outputs: [],
    opened: [],
    async mount(spec) {
      const Control = window.CoSell[spec.control];
      const strings = await resx(spec.control, spec.languageId);
      const container = document.getElementById("control");
      const control = new Control();
      const parameters = {};
      const context = {
        parameters,
        updatedProperties: [],
        mode: {
          isControlDisabled: !!spec.disabled,
          isVisible: true,
          label: spec.label || "",
          allocatedWidth: spec.width,
          allocatedHeight: -1,
          trackContainerResize() {},
          setControlState: () => true,
          setFullScreen() {},
          contextInfo: { entityTypeName: spec.record.entityName, entityId: spec.record.id },
        },
        resources: { getString: (key) => (strings.has(key) ? strings.get(key) : key), getResource() {} },
        userSettings: { languageId: spec.languageId, isRTL: false, userId: "", userName: "", securityRoles: [], getTimeZoneOffsetMinutes: () => 0 },
        client: { getClient: () => "Web", getFormFactor: () => 1, isOffline: () => false, isNetworkAvailable: () => true, disableScroll: false },
        webAPI,
        events: {},
      };
      const render = (updated) => {
        context.updatedProperties = updated;
        window.ReactDOM.render(control.updateView(context), container);
      };
      for (const [name, propertySpec] of Object.entries(spec.properties || {})) parameters[name] = property(propertySpec);
      let started = false;
      if (spec.dataset) {
        parameters[spec.dataset.name] = relatedDataSet(spec.dataset, spec.record, () => started && render(["dataset"]));
      }
      control.init(
        context,
        () => {
          const outputs = control.getOutputs();
          window.PcfHost.outputs.push(outputs);
          for (const [name, value] of Object.entries(outputs)) parameters[name].raw = value === undefined ? null : value;
          render(Object.keys(outputs));
        },
        {},
      );
      started = true;
      render(Object.keys(parameters));
    },
  };
})();
