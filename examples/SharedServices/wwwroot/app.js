// Shared services: this tab either HOSTS a named service (rx.listen: the state lives here, and every other tab's
// stream to it is a call this tab answers) or CONNECTS to one (rx.connect: a duplex stream through the server).
// The service is a shared counter and a small whiteboard. Everything from the network is checked, and user text
// reaches the page through textContent only. Both ends ask for peerToPeer: a call then moves from the server's relay
// onto a WebRTC data channel between the two tabs (the client loads /rx/peer.js for it), and back to the relay if
// the channel fails. The page shows which carries it ("Link").
import { connect } from "/rx/client.js";
import { model } from "/rx/model.js";

const rx = connect("/rx");
const $ = (id) => document.getElementById(id);

const PALETTE = ["#1f2937", "#dc2626", "#2563eb", "#16a34a", "#d97706"];
const WIDTH = 480;
const HEIGHT = 270;
const MAX_STROKE_POINTS = 300;
const MAX_TOTAL_POINTS = 5000; // so that the whole state fits in one message (64 KiB frames)
const TAKEOVER_ATTEMPTS = 40; // the old host's name is freed a moment after it left (10 s at most)
// No STUN server: tabs on one machine or network reach each other by their host candidates. Between networks, give
// STUN/TURN servers here ({ iceServers: [{ urls: "stun:…" }] }); a call that cannot connect stays on the relay.
const PEER_TO_PEER = true;

// ---- What the page shows: the service's state, whoever holds it ----

let view = { count: 0, strokes: [], callers: 0 };
let role = "none"; // "host" | "caller" | "none"
let current = null; // { name, send(op), leave() } for the role this tab has
let lastName = "";

const setStatus = (text) => ($("status").textContent = text);

function render() {
  $("count").value = String(view.count);
  $("link").value = view.link || "—";
  $("callers").value = String(view.callers);
  $("strokes").value = String(view.strokes.length);
  draw();
}

function setRole(next, name = current?.name) {
  role = next;
  $("service").dataset.role = next;
  const active = next !== "none";
  $("name").readOnly = active;
  $("host").disabled = active;
  $("connect").disabled = active;
  $("leave").hidden = !active;
  $("increment").disabled = !active;
  $("clear").disabled = !active;
  $("board").classList.toggle("live", active);
  if (active) $("gone").hidden = true;
  else $("link").value = view.link = "—";
  if (name) lastName = name;
  renderServers(); // its buttons connect, so they follow the role too
}

// ---- Checking what arrives (a caller's operations, a host's updates): never trust the other tab ----

const isCount = (n) => Number.isSafeInteger(n) && n >= 0;

function cleanStroke(stroke) {
  if (!stroke || !PALETTE.includes(stroke.color) || !Array.isArray(stroke.points)) return null;
  const points = [];
  for (const p of stroke.points.slice(0, MAX_STROKE_POINTS)) {
    if (!Array.isArray(p) || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) return null;
    points.push([Math.min(WIDTH, Math.max(0, Math.round(p[0]))), Math.min(HEIGHT, Math.max(0, Math.round(p[1])))]);
  }
  return points.length ? { color: stroke.color, points } : null;
}

/** Keeps the newest strokes within the points budget. */
function trim(strokes) {
  let total = 0;
  let keep = strokes.length;
  while (keep > 0 && total + strokes[keep - 1].points.length <= MAX_TOTAL_POINTS) total += strokes[--keep].points.length;
  return keep ? strokes.slice(keep) : strokes;
}

/** An update from the host (or, when hosting, made here): the state, or one change to it. */
function applyUpdate(update) {
  switch (update?.type) {
    case "state":
      view = {
        link: view.link,
        count: isCount(update.count) ? update.count : 0,
        strokes: trim((Array.isArray(update.strokes) ? update.strokes : []).map(cleanStroke).filter(Boolean)),
        callers: isCount(update.callers) ? update.callers : 0,
      };
      break;
    case "count":
      if (isCount(update.count)) view.count = update.count;
      break;
    case "stroke": {
      const stroke = cleanStroke(update.stroke);
      if (stroke) view.strokes = trim([...view.strokes, stroke]);
      break;
    }
    case "clear":
      view.strokes = [];
      break;
    case "callers":
      if (isCount(update.callers)) view.callers = update.callers;
      break;
    default:
      return;
  }
  render();
}

// ---- Hosting: rx.listen(name, onConnection). Each caller is one connection: its input, our answers ----

async function host(name, initial = { count: 0, strokes: [] }) {
  const service = { count: initial.count, strokes: trim(initial.strokes.slice()) };
  const calls = new Set();
  const broadcast = (update) => {
    for (const call of calls) call.next(update);
    applyUpdate(update);
  };
  const apply = (op) => {
    switch (op?.op) {
      case "increment":
        service.count++;
        return broadcast({ type: "count", count: service.count });
      case "stroke": {
        const stroke = cleanStroke(op.stroke);
        if (!stroke) return;
        service.strokes = trim([...service.strokes, stroke]);
        return broadcast({ type: "stroke", stroke });
      }
      case "clear":
        service.strokes = [];
        return broadcast({ type: "clear" });
      default:
        // "get" (rx.invoke("$connect/" + name, { op: "get" })) is answered by the state every caller gets first.
    }
  };
  const callersChanged = () => broadcast({ type: "callers", callers: calls.size });
  // The host's "Link": how many of its callers are on a data channel with this tab.
  const linksChanged = () => {
    const peers = [...calls].filter((call) => call.transport === "peer").length;
    view.link = `${peers} of ${calls.size} callers peer to peer`;
    render();
  };

  const listener = await rx.listen(name, (connection) => {
    calls.add(connection);
    connection.next({ type: "state", count: service.count, strokes: service.strokes, callers: calls.size });
    connection.subscribe({
      next: apply,
      // The caller's input ended (a request, or it went away): so does the call.
      complete: () => connection.complete(),
    });
    connection.onTransport(linksChanged);
    connection.onClose(() => {
      calls.delete(connection);
      callersChanged();
      linksChanged();
    });
    callersChanged();
    linksChanged();
  }, { peerToPeer: PEER_TO_PEER });
  current = {
    name,
    send: apply,
    leave() {
      listener.close();
      calls.clear();
    },
  };
  applyUpdate({ type: "state", count: service.count, strokes: service.strokes, callers: calls.size });
  setRole("host", name);
  setStatus(`Hosting "${name}". Its state lives in this tab; other tabs connect to it by name.`);
}

async function tryHost(name, initial, attempts = 1) {
  for (let attempt = 1; ; attempt++) {
    try {
      setStatus(`Hosting "${name}"…`);
      await host(name, initial);
      return;
    } catch (e) {
      if (e.code === "name_taken" && attempt < attempts) {
        // Taking over: the old host's name is released a moment after its callers hear it is gone.
        console.info(`"${name}" is still taken (attempt ${attempt}); retrying`);
        setStatus(`Waiting for "${name}" to be released…`);
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      setRole("none");
      setStatus(
        e.code === "name_taken"
          ? `"${name}" is taken: another tab hosts it. Connect to it instead.`
          : `Could not host "${name}": ${e.message}`,
      );
      return;
    }
  }
}

// ---- Connecting: rx.connect(name), a duplex stream to the host: through the server, then peer to peer ----

function join(name) {
  const stream = rx.connect(name, { peerToPeer: PEER_TO_PEER });
  const showLink = (transport) => {
    view.link = transport;
    render();
  };
  const stopLink = stream.onTransport(showLink);
  let joined = false;
  const stop = stream.subscribe({
    next(update) {
      if (!joined && update?.type === "state") {
        joined = true;
        setStatus(`Connected to "${name}", hosted by another tab.`);
      }
      applyUpdate(update);
    },
    error(e) {
      stopLink();
      current = null;
      setRole("none", name);
      if (e.code === "server_gone") {
        setStatus(`Host gone: the tab hosting "${name}" went away.`);
        $("gone").hidden = false;
      } else if (e.code === "no_such_server") {
        setStatus(`Nobody hosts "${name}". Host it here?`);
      } else {
        setStatus(`Disconnected from "${name}": ${e.message}`);
      }
    },
    complete() {
      stopLink();
      current = null;
      setRole("none", name);
      setStatus(`"${name}" ended the connection.`);
    },
  });
  current = {
    name,
    send: (op) => stream.next(op),
    leave() {
      stop();
      stopLink();
    },
  };
  view = { count: 0, strokes: [], callers: 0, link: stream.transport };
  render();
  setRole("caller", name);
  setStatus(`Connecting to "${name}"…`);
}

function leave() {
  const name = current?.name;
  current?.leave();
  current = null;
  setRole("none");
  setStatus(name ? `Left "${name}".` : "Choose a name, then host it or connect to it.");
}

// ---- The page ----

$("choose").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $("name").value.trim();
  if (!name || name.includes("/") || role !== "none") return;
  $("gone").hidden = true;
  if (event.submitter?.value === "host") tryHost(name);
  else join(name);
});
$("leave").addEventListener("click", leave);
$("takeover").addEventListener("click", () => {
  $("gone").hidden = true;
  $("name").value = lastName;
  tryHost(lastName, { count: view.count, strokes: view.strokes }, TAKEOVER_ATTEMPTS);
});
$("increment").addEventListener("click", () => current?.send({ op: "increment" }));
$("clear").addEventListener("click", () => current?.send({ op: "clear" }));

rx.on("state", (state) => {
  $("connection").textContent = state;
  $("connection").dataset.state = state;
});
rx.on("listenerLost", ({ name }) => {
  if (role === "host" && current?.name === name) {
    current = null;
    setRole("none", name);
    setStatus(`Lost "${name}": another tab took the name while this one was reconnecting.`);
  }
});
rx.on("error", (error) => console.warn("rxstreams:", error));

// ---- The whiteboard ----

let colour = PALETTE[0];
let drawing = null; // the stroke being drawn here

for (const c of PALETTE) {
  const swatch = document.createElement("button");
  swatch.type = "button";
  swatch.className = "swatch";
  swatch.style.background = c;
  swatch.setAttribute("role", "radio");
  swatch.setAttribute("aria-label", `Colour ${c}`);
  swatch.setAttribute("aria-checked", String(c === colour));
  swatch.addEventListener("click", () => {
    colour = c;
    for (const s of $("palette").children) s.setAttribute("aria-checked", String(s === swatch));
  });
  $("palette").append(swatch);
}

function draw() {
  const context = $("board").getContext("2d");
  context.clearRect(0, 0, WIDTH, HEIGHT);
  context.lineWidth = 3;
  context.lineCap = context.lineJoin = "round";
  for (const stroke of drawing ? [...view.strokes, drawing] : view.strokes) {
    context.strokeStyle = stroke.color;
    context.beginPath();
    stroke.points.forEach(([x, y], i) => (i ? context.lineTo(x, y) : context.moveTo(x, y)));
    if (stroke.points.length === 1) context.lineTo(stroke.points[0][0] + 0.1, stroke.points[0][1]);
    context.stroke();
  }
}

const pointOf = (event) => {
  const box = $("board").getBoundingClientRect();
  return [Math.round(((event.clientX - box.left) * WIDTH) / box.width), Math.round(((event.clientY - box.top) * HEIGHT) / box.height)];
};
$("board").addEventListener("pointerdown", (event) => {
  if (role === "none") return;
  $("board").setPointerCapture(event.pointerId);
  drawing = { color: colour, points: [pointOf(event)] };
  draw();
});
$("board").addEventListener("pointermove", (event) => {
  if (!drawing || drawing.points.length >= MAX_STROKE_POINTS) return;
  const [x, y] = pointOf(event);
  const [px, py] = drawing.points.at(-1);
  if (Math.abs(x - px) + Math.abs(y - py) < 2) return;
  drawing.points.push([x, y]);
  draw();
});
const finish = () => {
  if (!drawing) return;
  const stroke = drawing;
  drawing = null;
  current?.send({ op: "stroke", stroke });
  draw();
};
$("board").addEventListener("pointerup", finish);
$("board").addEventListener("pointercancel", finish);

// ---- The server's view: rx.subscribe("servers"), fed by hub.Servers.Watch() ----

const served = new Set();

function renderServers() {
  const list = $("servers");
  list.replaceChildren(
    ...[...served].sort().map((name) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "server";
      button.textContent = name;
      button.title = `Connect to "${name}"`;
      button.disabled = role !== "none";
      button.addEventListener("click", () => {
        if (role !== "none") return;
        $("name").value = name;
        $("gone").hidden = true;
        join(name);
      });
      item.append(button);
      return item;
    }),
  );
  $("no-servers").hidden = served.size > 0;
}

rx.subscribe("servers", {
  next(event) {
    if (event?.kind === "snapshot") {
      served.clear();
      for (const name of Array.isArray(event.names) ? event.names : []) if (typeof name === "string") served.add(name);
    } else if (typeof event?.name === "string") {
      if (event.kind === "created") served.add(event.name);
      else if (event.kind === "destroyed") served.delete(event.name);
    }
    renderServers();
  },
  error: (e) => ($("no-servers").textContent = `The list of servers is unavailable: ${e.message}`),
});

setRole("none");
render();

// ---- The shared to-do list: a realtime model (todo/{list}), the same in every tab on every node ----

const todo = model(rx, "todo/team");

function renderTodo({ state, version }) {
  const items = Object.entries(state.items ?? {}).sort(([, a], [, b]) => a.order - b.order);
  $("todo").replaceChildren(...items.map(([id, item]) => {
    const row = document.createElement("li");
    row.dataset.id = id;
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = item.done === true;
    box.addEventListener("change", () => editTodo({ id, done: box.checked }));
    const text = document.createElement("span");
    text.textContent = String(item.text ?? "");
    label.append(box, text);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove ${text.textContent}`);
    remove.addEventListener("click", () => editTodo({ id, remove: true }));
    row.append(label, remove);
    row.classList.toggle("done", item.done === true);
    return row;
  }));
  $("todo-version").value = String(version);
}

function editTodo(edit) {
  todo.edit({ add: null, id: null, done: null, remove: false, ...edit }).then(
    () => ($("todo-status").textContent = ""),
    (e) => ($("todo-status").textContent = e.message),
  );
}

todo.subscribe({ next: renderTodo, error: (e) => ($("todo-status").textContent = e.message) });

$("todo-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("todo-text");
  editTodo({ add: input.value });
  input.value = "";
});
