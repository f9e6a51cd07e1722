// The RxStreams admin page (docs/operations.md, "Admin page"). It uses the toolkit itself: the browser client opens
// the "$admin" stream, whose items are the merged snapshots of every node of the cluster (one per interval), and the
// page draws them. Everything the server sends is written with textContent: channel and user names are not trusted.
const rxPath = document.body.dataset.rx;
const { connect } = await import(rxPath + "/client.js");

const HISTORY = 60;
const history = new Map(); // key → last HISTORY values
const status = document.getElementById("status");
const updated = document.getElementById("updated");

function setStatus(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

function remember(key, value) {
  let values = history.get(key);
  if (!values) history.set(key, values = []);
  values.push(value);
  if (values.length > HISTORY) values.shift();
  return values;
}

const SVG = "http://www.w3.org/2000/svg";
function spark(values) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "spark");
  svg.setAttribute("viewBox", "0 0 120 24");
  svg.setAttribute("preserveAspectRatio", "none");
  const line = document.createElementNS(SVG, "polyline");
  const max = Math.max(1, ...values);
  const step = 120 / (HISTORY - 1);
  const offset = HISTORY - values.length;
  line.setAttribute("points", values.map((v, i) => `${((offset + i) * step).toFixed(1)},${(23 - (v / max) * 22).toFixed(1)}`).join(" "));
  svg.append(line);
  return svg;
}

function cell(row, text, className, field) {
  const td = document.createElement("td");
  if (className) td.className = className;
  if (field) td.dataset.field = field;
  if (text instanceof Node) td.append(text); else td.textContent = text;
  row.append(td);
  return td;
}

function fill(table, rows, empty) {
  const body = document.querySelector(`#${table} tbody`);
  if (rows.length === 0) {
    const row = document.createElement("tr");
    row.className = "empty";
    const td = cell(row, empty);
    td.colSpan = document.querySelectorAll(`#${table} thead th`).length;
    rows = [row];
  }
  body.replaceChildren(...rows);
}

const number = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });
function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${number.format(n / 1024)} KiB`;
  return `${number.format(n / 1024 / 1024)} MiB`;
}
function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${number.format(s / 3600)} h`;
}
const sum = (items, f) => items.reduce((total, item) => total + f(item), 0);
const shortId = id => id.slice(0, 6);

function tiles(view) {
  const nodes = view.nodes;
  const totals = [
    ["nodes", nodes.length, String],
    ["connections", sum(nodes, n => n.connections), String],
    ["streams", sum(nodes, n => n.streams), String],
    ["items/s", sum(nodes, n => n.itemsPerSecond), v => number.format(v)],
    ["send queue", sum(nodes, n => n.sendQueueBytes), bytes],
    ["drops", sum(nodes, n => n.drops), String],
  ];
  document.getElementById("totals").replaceChildren(...totals.map(([label, value, format]) => {
    const tile = document.createElement("div");
    tile.className = "tile";
    tile.dataset.total = label;
    const name = document.createElement("div");
    name.className = "label";
    name.textContent = label;
    const figure = document.createElement("div");
    figure.className = "value";
    figure.textContent = format(value);
    tile.append(name, figure, spark(remember(`total:${label}`, value)));
    return tile;
  }));
}

function nodes(view) {
  fill("nodes", view.nodes.map(n => {
    const row = document.createElement("tr");
    row.dataset.node = n.node;
    const name = cell(row, n.name, "name", "name");
    const id = document.createElement("span");
    id.className = "muted";
    id.textContent = ` ${shortId(n.node)}${n.node === view.node ? " (this page)" : ""}`;
    name.append(id);
    cell(row, n.backplane, "", "backplane");
    cell(row, duration(n.at - n.startedAt), "num", "up");
    cell(row, String(n.connections), "num", "connections");
    cell(row, spark(remember(`node:${n.node}:connections`, n.connections)));
    cell(row, String(n.streams), "num", "streams");
    cell(row, spark(remember(`node:${n.node}:streams`, n.streams)));
    cell(row, number.format(n.itemsPerSecond), "num", "items");
    cell(row, spark(remember(`node:${n.node}:items`, n.itemsPerSecond)));
    cell(row, bytes(n.sendQueueBytes), "num", "sendQueue").title = `largest: ${bytes(n.largestSendQueueBytes)}`;
    cell(row, spark(remember(`node:${n.node}:queue`, n.sendQueueBytes)));
    cell(row, String(n.drops), "num", "drops");
    cell(row, duration(Math.max(0, view.at - n.at)), "num", "seen");
    return row;
  }), "No node has reported yet.");
}

function channels(view) {
  const merged = new Map();
  for (const n of view.nodes) {
    for (const c of n.channels) {
      const key = `${c.durable ? "d" : "e"}:${c.name}`;
      const m = merged.get(key) ?? { name: c.name, durable: c.durable, subscribers: 0, rate: 0, nodes: 0 };
      m.subscribers += c.subscribers;
      m.rate += c.rate;
      if (c.subscribers > 0) m.nodes++;
      merged.set(key, m);
    }
  }
  const rows = [...merged.entries()]
    .sort(([, a], [, b]) => b.subscribers - a.subscribers || b.rate - a.rate || a.name.localeCompare(b.name))
    .map(([key, c]) => {
      const row = document.createElement("tr");
      row.dataset.channel = c.name;
      cell(row, c.name, "name", "name");
      cell(row, c.durable ? "durable" : "ephemeral", "", "kind");
      cell(row, String(c.subscribers), "num", "subscribers");
      cell(row, number.format(c.rate), "num", "rate");
      cell(row, spark(remember(`channel:${key}`, c.rate)));
      cell(row, String(c.nodes), "num", "nodes");
      return row;
    });
  fill("channels", rows, "No channel yet.");
}

function presence(view) {
  const merged = new Map();
  for (const n of view.nodes) {
    for (const p of n.presence) {
      const m = merged.get(p.name) ?? { members: 0, byNode: [] };
      m.members += p.members;
      m.byNode.push(`${n.name} ${shortId(n.node)}: ${p.members}`);
      merged.set(p.name, m);
    }
  }
  fill("presence", [...merged.entries()].sort(([a, x], [b, y]) => y.members - x.members || a.localeCompare(b)).map(([name, p]) => {
    const row = document.createElement("tr");
    row.dataset.presence = name;
    cell(row, name, "name", "name");
    cell(row, String(p.members), "num", "members");
    cell(row, p.byNode.join(", "), "muted", "nodes");
    return row;
  }), "No presence set.");
}

function servers(view) {
  const rows = [];
  for (const n of view.nodes) {
    for (const s of n.servers) {
      const row = document.createElement("tr");
      row.dataset.server = s.name;
      cell(row, s.name, "name", "name");
      cell(row, `${n.name} ${shortId(n.node)}`, "", "node");
      cell(row, s.connection, "muted", "connection");
      rows.push(row);
    }
  }
  const streams = sum(view.nodes, n => n.callerStreams);
  fill("servers", rows, streams > 0 ? `No server; ${streams} caller streams open.` : "No client hosts a server.");
}

function queues(view) {
  const merged = new Map();
  for (const n of view.nodes) {
    for (const q of n.queues) {
      const m = merged.get(q.name) ?? { consumers: 0, enqueued: 0, delivered: 0, acknowledged: 0 };
      m.consumers += q.consumers;
      m.enqueued += q.enqueued;
      m.delivered += q.delivered;
      m.acknowledged += q.acknowledged;
      merged.set(q.name, m);
    }
  }
  fill("queues", [...merged.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, q]) => {
    const lag = Math.max(0, q.enqueued - q.acknowledged);
    const row = document.createElement("tr");
    row.dataset.queue = name;
    cell(row, name, "name", "name");
    cell(row, String(q.consumers), "num", "consumers");
    cell(row, String(q.enqueued), "num", "enqueued");
    cell(row, String(q.delivered), "num", "delivered");
    cell(row, String(q.acknowledged), "num", "acknowledged");
    cell(row, String(lag), "num", "lag");
    cell(row, spark(remember(`queue:${name}`, lag)));
    cell(row, String(Math.max(0, q.delivered - q.acknowledged)), "num", "inFlight");
    return row;
  }), "No work queue.");
}

function render(view) {
  tiles(view);
  nodes(view);
  channels(view);
  presence(view);
  servers(view);
  queues(view);
  updated.textContent = `updated ${new Date(view.at).toLocaleTimeString()}`;
}

const rx = connect(rxPath, {
  onStateChange: state => {
    if (status.dataset.state !== "error") setStatus(state === "connected" ? "live" : "connecting", state === "connected" ? "live" : `${state}…`);
  },
});
rx.open("$admin").subscribe({
  next: view => {
    setStatus("live", "live");
    render(view);
  },
  error: error => setStatus("error", `${error.code}: ${error.message}`),
});
