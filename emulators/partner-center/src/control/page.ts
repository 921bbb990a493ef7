/**
 * The page a person sees at `/`: the partner's referrals, what Microsoft can do with each, the
 * webhook registration and its recent deliveries, and a few controls for time and faults. Plain
 * HTML and a little script over the `/_emulator` API; everything shown is escaped.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Partner Center emulator</title>
<style>
  :root { --ink:#1b1b1b; --muted:#616161; --line:#e0e0e0; --accent:#0f6cbd; --ok:#107c10; --bad:#c50f1f; --warn:#bc4b09; --bg:#faf9f8; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.45 "Segoe UI", system-ui, sans-serif; color:var(--ink); background:var(--bg); }
  header { background:#fff; border-bottom:1px solid var(--line); padding:16px 28px; display:flex; align-items:baseline; gap:16px; flex-wrap:wrap; }
  header h1 { font-size:20px; font-weight:600; margin:0; }
  header .meta { color:var(--muted); }
  main { padding:20px 28px; display:grid; gap:20px; grid-template-columns: minmax(0,2fr) minmax(300px,1fr); }
  section { background:#fff; border:1px solid var(--line); border-radius:6px; padding:16px 18px; }
  section h2 { font-size:15px; font-weight:600; margin:0 0 12px; }
  .wide { grid-column: 1 / -1; }
  table { width:100%; border-collapse:collapse; }
  th, td { text-align:left; padding:7px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
  th { font-weight:600; color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.03em; }
  td small { color:var(--muted); display:block; }
  .badge { display:inline-block; white-space:nowrap; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; background:#ebf3fc; color:var(--accent); }
  .badge.Closed { background:#f5f5f5; color:var(--muted); } .badge.Won { background:#f1faf1; color:var(--ok); }
  .badge.Lost, .badge.Declined, .badge.Expired { background:#fdf3f4; color:var(--bad); } .badge.New { background:#fff9f5; color:var(--warn); }
  button { font:inherit; border:1px solid #d1d1d1; background:#fff; border-radius:4px; padding:3px 10px; cursor:pointer; margin:0 4px 4px 0; }
  button.primary { background:var(--accent); border-color:var(--accent); color:#fff; }
  button:hover { border-color:var(--accent); }
  form { display:grid; gap:8px; }
  label { display:grid; gap:2px; font-size:12px; color:var(--muted); }
  input, select, textarea { font:inherit; padding:5px 7px; border:1px solid #d1d1d1; border-radius:4px; color:var(--ink); width:100%; }
  .row { display:grid; grid-template-columns:1fr 1fr; gap:8px; }
  .empty { color:var(--muted); font-style:italic; }
  .delivery { display:flex; justify-content:space-between; gap:8px; border-bottom:1px solid var(--line); padding:5px 0; }
  .delivered { color:var(--ok); } .parked, .dropped { color:var(--bad); } .pending { color:var(--warn); }
  #message { min-height:1.4em; color:var(--bad); margin:0 28px; }
  code { font-size:12px; }
</style>
</head>
<body>
<header>
  <h1>Partner Center emulator</h1>
  <span class="meta" id="partner"></span>
  <span class="meta">Emulator time: <strong id="now"></strong></span>
</header>
<p id="message" role="status"></p>
<main>
  <section class="wide">
    <h2>Referrals</h2>
    <table>
      <thead><tr><th>Deal</th><th>Direction</th><th>Status</th><th>Value</th><th>Microsoft CRM id</th><th>Updated</th><th>Act as Microsoft</th></tr></thead>
      <tbody id="referrals"><tr><td colspan="7" class="empty">Loading…</td></tr></tbody>
    </table>
  </section>
  <section>
    <h2>Webhook deliveries</h2>
    <p id="registration" class="empty"></p>
    <div id="deliveries"></div>
  </section>
  <section>
    <h2>Send a referral to this partner</h2>
    <form id="incoming">
      <label>From <select name="from"><option value="microsoft">Microsoft</option><option value="partner">Another partner (Fabrikam Partners)</option></select></label>
      <label>Deal name <input name="name" required value="Woodgrove: Azure migration"></label>
      <label>Customer <input name="customer" required value="Woodgrove Bank"></label>
      <div class="row">
        <label>Deal value <input name="dealValue" type="number" min="0" value="25000"></label>
        <label>Currency <input name="currency" value="USD" maxlength="3"></label>
      </div>
      <label>Country (ISO alpha-2) <input name="country" value="US" maxlength="2"></label>
      <label>Notes <textarea name="notes" rows="2">Customer wants help planning a move to Azure.</textarea></label>
      <button class="primary" type="submit">Send referral</button>
    </form>
    <h2 style="margin-top:18px">Time and faults</h2>
    <button data-clock="86400000">+1 day</button><button data-clock="1209600000">+14 days</button>
    <button data-fault="throttle">Next 5 calls: 429</button><button data-fault="drop">Lose next webhook</button><button data-fault="reset">Clear faults</button>
  </section>
</main>
<script>
const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => { const e = Object.assign(document.createElement(tag), props); e.append(...children); return e; };
const say = (text) => { $("message").textContent = text || ""; };

async function call(method, path, body) {
  const response = await fetch("/_emulator" + path, { method, headers: body ? { "content-type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined });
  const data = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error((data && data.error && data.error.message) || response.statusText);
  return data;
}
const act = (method, path, body) => call(method, path, body).then(() => { say(""); return refresh(); }).catch((e) => say(e.message));

function actions(r) {
  const id = r.id, out = [];
  const closed = r.status === "Closed";
  const visible = r.consent && r.consent.consentToShareReferralWithMicrosoftSellers === true;
  const msx = r.trackingInfo && r.trackingInfo.microsoftMsxId;
  if (!closed && r.direction === "Outgoing" && visible && !msx) {
    out.push(el("button", { className: "primary", textContent: "Accept co-sell", onclick: () => act("POST", "/microsoft/referrals/" + id + "/accept", {}) }));
    out.push(el("button", { textContent: "Decline", onclick: () => act("POST", "/microsoft/referrals/" + id + "/decline", {}) }));
  }
  if (!closed) {
    out.push(el("button", { textContent: "Update value", onclick: () => {
      const value = prompt("New deal value", r.details && r.details.dealValue);
      if (value !== null) act("PATCH", "/microsoft/referrals/" + id, { details: { dealValue: value } });
    } }));
    out.push(el("button", { textContent: "Won", onclick: () => act("POST", "/microsoft/referrals/" + id + "/close", { substatus: "Won" }) }));
    out.push(el("button", { textContent: "Lost", onclick: () => act("POST", "/microsoft/referrals/" + id + "/close", { substatus: "Lost" }) }));
  }
  return out;
}

function when(iso) { return iso ? new Date(iso).toLocaleString() : ""; }

async function refresh() {
  const state = await call("GET", "/state");
  $("partner").textContent = state.partner.organizationName + " · " + state.urls.referrals;
  $("now").textContent = when(state.now);
  const mine = state.referrals.filter((x) => x.mine).map((x) => x.referral).reverse();
  const rows = mine.map((r) => el("tr", {},
    el("td", {}, el("strong", { textContent: r.name || "(no name)" }), el("small", { textContent: (r.customerProfile && r.customerProfile.name || "") + " · " + r.type + (r.direction === "Incoming" && r.inviteContext && r.inviteContext.invitedBy ? " · from " + r.inviteContext.invitedBy.organizationName : "") }), el("small", {}, el("code", { textContent: r.id }))),
    el("td", { textContent: r.direction }),
    el("td", {}, el("span", { className: "badge " + r.status + " " + r.substatus, textContent: r.status + " · " + r.substatus })),
    el("td", { textContent: r.details && r.details.dealValue != null ? Number(r.details.dealValue).toLocaleString() + " " + (r.details.currency || "") : "" }),
    el("td", { textContent: (r.trackingInfo && r.trackingInfo.microsoftMsxId) || "" }),
    el("td", { textContent: when(r.updatedDateTime) }),
    el("td", {}, ...actions(r))));
  $("referrals").replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colSpan: 7, className: "empty", textContent: "No referrals yet. Share a deal from Dynamics 365 or send one from here." }))]));
  $("registration").textContent = state.registration ? "Sending " + state.registration.WebhookEvents.join(", ") + " to " + state.registration.WebhookUrl : "No webhook registered yet.";
  $("deliveries").replaceChildren(...state.deliveries.slice(0, 12).map((d) => el("div", { className: "delivery" },
    el("span", {}, el("strong", { textContent: d.eventName }), el("small", { textContent: " " + d.resourceUri.split("/").pop() })),
    el("span", { className: d.state, textContent: d.state + (d.attempts.length ? " (" + d.attempts.length + ")" : "") }))));
}

$("incoming").addEventListener("submit", (event) => {
  event.preventDefault();
  const f = new FormData(event.target);
  const from = f.get("from") === "microsoft" ? "microsoft" : { organizationId: "fabrikam-partners", organizationName: "Fabrikam Partners" };
  act("POST", "/microsoft/referrals", { from, referral: {
    name: f.get("name"),
    customerProfile: { name: f.get("customer"), address: { country: f.get("country") } },
    details: { dealValue: f.get("dealValue"), currency: f.get("currency"), notes: f.get("notes") },
  } });
});
document.querySelectorAll("[data-clock]").forEach((b) => b.addEventListener("click", () => act("POST", "/clock", { advanceMs: Number(b.dataset.clock) })));
document.querySelectorAll("[data-fault]").forEach((b) => b.addEventListener("click", () => {
  const kind = b.dataset.fault;
  if (kind === "reset") act("DELETE", "/faults");
  else act("PUT", "/faults", kind === "throttle" ? { throttle: { remaining: 5, retryAfterSeconds: 2 } } : { dropWebhooks: { next: 1 } });
}));
refresh().catch((e) => say(e.message));
setInterval(() => refresh().catch((e) => say(e.message)), 2000);
</script>
</body>
</html>
`;
