// The operator's view of csp-ledgerd: read-only, on the server's own
// endpoints. Every value is put on the page as text (textContent, never
// HTML): customer names and reasons are whatever a caller typed.
"use strict";

const tokenKey = "csp-ledger-token";
const views = ["overview", "reports", "history", "feed"];
const feedLinesKept = 200;
const rateSampleMs = 5000;

const byId = (id) => document.getElementById(id);

class AnswerError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let following = null;   // the AbortController of the live feed's request
let feedNext = null;    // the position the feed resumes from after a break
let rateTimer = null;
let lastSample = null;  // {at, total}

function token() {
  return sessionStorage.getItem(tokenKey);
}

function authorized() {
  return { headers: { Authorization: "Bearer " + token() }, cache: "no-store" };
}

// The body's {"ok":false,"error":...} becomes an AnswerError; 401 also
// signs out, since the token is no longer any use.
async function fetchJson(path) {
  const response = await fetch(path, authorized());
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AnswerError(response.status, "bad_answer", `${path} answered HTTP ${response.status} without JSON`);
  }
  if (response.status === 401) {
    signOut("The server no longer accepts this token (HTTP 401): sign in again.");
  }
  if (!response.ok) {
    const error = body && body.error ? body.error : {};
    throw new AnswerError(response.status, error.code || "http_" + response.status, error.message || `HTTP ${response.status}`);
  }
  return body;
}

function clear(element) {
  while (element.firstChild) element.removeChild(element.firstChild);
}

function element(tag, text, className) {
  const made = document.createElement(tag);
  if (text !== undefined && text !== null) made.textContent = String(text);
  if (className) made.className = className;
  return made;
}

function shown(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join(" ");
  if (typeof value === "object") {
    if ("amount" in value && "currency" in value) return `${value.amount} ${value.currency}`;
    return JSON.stringify(value);
  }
  return String(value);
}

// ---- signing in and out ----------------------------------------------

async function signIn(candidate) {
  const message = byId("sign-in-message");
  message.textContent = "";
  let response;
  try {
    response = await fetch("/reports/agents?limit=1", { headers: { Authorization: "Bearer " + candidate }, cache: "no-store" });
  } catch {
    message.textContent = "The server cannot be reached. Is csp-ledgerd running?";
    return;
  }
  if (response.status === 401) {
    message.textContent = "This token is not in the server's tokens file (HTTP 401). Check it, or ask the operator for one.";
    return;
  }
  if (!response.ok) {
    message.textContent = `The server answered HTTP ${response.status}; try again later.`;
    return;
  }
  sessionStorage.setItem(tokenKey, candidate);
  byId("token").value = "";
  startApp();
}

function signOut(why) {
  sessionStorage.removeItem(tokenKey);
  if (following) following.abort();
  following = null;
  feedNext = null;
  clearInterval(rateTimer);
  rateTimer = null;
  lastSample = null;
  byId("nav").hidden = true;
  for (const view of views) byId(view).hidden = true;
  byId("sign-in").hidden = false;
  byId("sign-in-message").textContent = why || "";
  history.replaceState(null, "", "/");
}

function startApp() {
  byId("sign-in").hidden = true;
  byId("nav").hidden = false;
  const wanted = location.hash.slice(1);
  showView(views.includes(wanted) ? wanted : "overview");
  follow();
}

function showView(name) {
  for (const view of views) byId(view).hidden = view !== name;
  for (const button of document.querySelectorAll("nav button[data-view]")) {
    if (button.dataset.view === name) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  history.replaceState(null, "", "#" + name);
  if (name === "overview") loadOverview(false);
  if (name === "reports" && !byId("report-table").tHead.rows.length) showReport();
}

// ---- overview --------------------------------------------------------

async function loadOverview(isFresh) {
  try {
    const health = await (await fetch("/health", { cache: "no-store" })).json();
    byId("head-position").textContent = health.head_position;
  } catch {
    byId("head-position").textContent = "unreachable";
  }
  sampleRate();
  if (!rateTimer) rateTimer = setInterval(sampleRate, rateSampleMs);
  const state = byId("chain-state");
  const detail = byId("chain-detail");
  state.className = "";
  state.textContent = "checking…";
  detail.textContent = "";
  try {
    const audit = await fetchJson("/audit" + (isFresh ? "?fresh=1" : ""));
    if (audit.ok) {
      const result = audit.result;
      state.textContent = "verified";
      state.className = "good";
      detail.textContent = `${result.events_checked} events chain to head ${result.head_hash}; ${result.read_models}. Checked at ${audit.checked_at}.`;
    } else {
      const fault = audit.error;
      state.textContent = "FAULT";
      state.className = "bad";
      const where = fault.position !== undefined ? ` at position ${fault.position}` : "";
      detail.textContent = `audit_fault (${fault.fault})${where}: ${fault.message}. Checked at ${audit.checked_at}.`;
    }
  } catch (error) {
    state.textContent = "not checked";
    state.className = "bad";
    detail.textContent = error.message;
  }
}

function commandsAnswered(metricsText) {
  let total = 0;
  for (const line of metricsText.split("\n")) {
    if (line.startsWith("csp_ledger_commands_total{")) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

async function sampleRate() {
  if (byId("overview").hidden || !token()) return;
  let text;
  try {
    const response = await fetch("/metrics", authorized());
    if (!response.ok) return;
    text = await response.text();
  } catch {
    return;
  }
  const sample = { at: performance.now(), total: commandsAnswered(text) };
  const rate = byId("commands-rate");
  if (lastSample && sample.at > lastSample.at) {
    const perSecond = (sample.total - lastSample.total) / ((sample.at - lastSample.at) / 1000);
    rate.textContent = perSecond.toFixed(1);
  } else {
    rate.textContent = "measuring…";
  }
  lastSample = sample;
}

// ---- reports ---------------------------------------------------------

function reportQuery(format) {
  const kind = byId("report-kind").value;
  const parameters = new URLSearchParams();
  const add = (name, id) => {
    const value = byId(id).value.trim();
    if (value !== "") parameters.set(name, value);
  };
  add("customer", "report-customer");
  add("status", "report-status");
  add("as_of", "report-as-of");
  if (kind === "expiring-links") add("within_days", "report-within-days");
  if (format) parameters.set("format", format);
  const query = parameters.toString();
  return `/reports/${kind}` + (query ? "?" + query : "");
}

async function showReport() {
  const message = byId("report-message");
  message.textContent = "";
  const kind = byId("report-kind").value;
  let rows;
  try {
    rows = await fetchJson(reportQuery());
  } catch (error) {
    message.textContent = error.message;
    return;
  }
  renderTable(rows);
  byId("report-summary").textContent = rows.length === 1 ? "1 row" : `${rows.length} rows`;
  const chart = byId("report-chart");
  clear(chart);
  if (kind === "sales") drawSales(chart, rows);
}

function renderTable(rows) {
  const table = byId("report-table");
  clear(table.tHead);
  clear(table.tBodies[0]);
  const columns = [];
  for (const row of rows) {
    for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  }
  if (!columns.length) return;
  const head = table.tHead.insertRow();
  for (const column of columns) head.appendChild(element("th", column));
  for (const row of rows) {
    const line = table.tBodies[0].insertRow();
    for (const column of columns) {
      const value = row[column];
      const numeric = typeof value === "number" || (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value));
      line.appendChild(element("td", shown(value), numeric ? "number" : ""));
    }
  }
}

async function downloadCsv() {
  const message = byId("report-message");
  message.textContent = "";
  const response = await fetch(reportQuery("csv"), authorized());
  if (!response.ok) {
    try {
      message.textContent = (await response.json()).error.message;
    } catch {
      message.textContent = `HTTP ${response.status}`;
    }
    if (response.status === 401) signOut("The server no longer accepts this token (HTTP 401): sign in again.");
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = byId("report-kind").value + ".csv";
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// One bar chart per currency: amounts in different currencies do not add.
function drawSales(chart, rows) {
  const svgNs = "http://www.w3.org/2000/svg";
  const byCurrency = new Map();
  for (const row of rows) {
    if (!byCurrency.has(row.currency)) byCurrency.set(row.currency, []);
    byCurrency.get(row.currency).push(row);
  }
  for (const [currency, group] of byCurrency) {
    const barWidth = 56;
    const gap = 24;
    const plotHeight = 120;
    const width = Math.max(240, 60 + group.length * (barWidth + gap));
    const height = plotHeight + 90;
    const svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", `sales in ${currency} by market and month`);
    const make = (tag, attributes, text) => {
      const made = document.createElementNS(svgNs, tag);
      for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, String(value));
      if (text !== undefined) made.textContent = text;
      svg.appendChild(made);
      return made;
    };
    make("text", { x: 4, y: 14 }, `${currency}: sold (blue), refunded (red)`);
    const largest = Math.max(...group.map((row) => Number(row.purchased_amount)), 1);
    const base = plotHeight + 44;
    make("line", { x1: 30, y1: base, x2: width - 10, y2: base, class: "axis" });
    group.forEach((row, index) => {
      const x = 40 + index * (barWidth + gap);
      const sold = (Number(row.purchased_amount) / largest) * plotHeight;
      const refunded = (Number(row.refunded_amount) / largest) * plotHeight;
      make("rect", { x, y: base - sold, width: barWidth / 2, height: sold, class: "bar" });
      make("rect", { x: x + barWidth / 2, y: base - refunded, width: barWidth / 2, height: refunded, class: "refunded" });
      make("text", { x, y: base - sold - 4 }, row.purchased_amount);
      if (refunded > 0) make("text", { x: x + barWidth / 2, y: base - refunded - 16 }, row.refunded_amount);
      make("text", { x, y: base + 16 }, row.market);
      make("text", { x, y: base + 30 }, row.month);
    });
    chart.appendChild(svg);
  }
}

// ---- history ---------------------------------------------------------

function eventItem(line) {
  const item = element("li");
  const who = line.role ? `${line.actor} (${line.role})` : line.actor;
  item.appendChild(element("div", `#${line.position}  ${line.at}  ${line.type}  by ${who}`, "what"));
  const fields = Object.entries(line.event || {}).map(([key, value]) => `${key}=${shown(value)}`);
  if (line.withheld) fields.push(`withheld=${line.withheld.join(",")}`);
  if (fields.length) item.appendChild(element("div", fields.join("  "), "fields"));
  return item;
}

async function searchHistory() {
  const message = byId("history-message");
  const list = byId("history-events");
  message.textContent = "";
  clear(list);
  const kind = byId("history-kind").value;
  const id = byId("history-id").value.trim();
  try {
    const body = await fetchJson(`/history?${kind}=${encodeURIComponent(id)}`);
    for (const line of body.result.events) list.appendChild(eventItem(line));
  } catch (error) {
    message.textContent = error.message;
  }
}

// ---- live feed -------------------------------------------------------

async function follow() {
  if (following) return;
  const controller = new AbortController();
  following = controller;
  const status = byId("feed-status");
  const list = byId("feed-events");
  try {
    if (feedNext === null) {
      const health = await (await fetch("/health", { cache: "no-store" })).json();
      feedNext = health.head_position + 1;
    }
    const from = feedNext;
    const response = await fetch(`/events?follow=1&from=${from}`, { ...authorized(), signal: controller.signal });
    if (response.status === 401) {
      signOut("The server no longer accepts this token (HTTP 401): sign in again.");
      return;
    }
    if (!response.ok) throw new AnswerError(response.status, "http_" + response.status, `HTTP ${response.status}`);
    status.textContent = `Following the log from position ${from}: new events appear at the top.`;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let pending = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      pending += value;
      let end;
      while ((end = pending.indexOf("\n")) >= 0) {
        const text = pending.slice(0, end);
        pending = pending.slice(end + 1);
        if (!text.trim()) continue;
        const line = JSON.parse(text);
        if (line.position === undefined) continue;
        feedNext = line.position + 1;
        list.insertBefore(eventItem(line), list.firstChild);
        while (list.children.length > feedLinesKept) list.removeChild(list.lastChild);
      }
    }
    status.textContent = "The server ended the feed; reconnecting…";
  } catch (error) {
    if (controller.signal.aborted) return;
    status.textContent = `Disconnected (${error.message}); reconnecting in 5 s…`;
  }
  if (following !== controller) return;
  following = null;
  setTimeout(() => {
    if (token() && !following) follow();
  }, 5000);
}

// ---- wiring ----------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  byId("sign-in-form").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn(byId("token").value.trim());
  });
  byId("sign-out").addEventListener("click", () => signOut("Signed out."));
  for (const button of document.querySelectorAll("nav button[data-view]")) {
    button.addEventListener("click", () => showView(button.dataset.view));
  }
  byId("verify-now").addEventListener("click", () => loadOverview(true));
  byId("report-form").addEventListener("submit", (event) => {
    event.preventDefault();
    showReport();
  });
  byId("report-kind").addEventListener("change", () => {
    byId("report-within-days").closest("label").hidden = byId("report-kind").value !== "expiring-links";
    showReport();
  });
  byId("report-within-days").closest("label").hidden = true;
  byId("report-csv").addEventListener("click", downloadCsv);
  byId("history-form").addEventListener("submit", (event) => {
    event.preventDefault();
    searchHistory();
  });
  if (token()) startApp();
});
