// The RxStreams chat page: plain DOM, no framework, no build step. Every stream of the server is opened with the
// browser client (/rx/client.js), which reconnects and resumes by itself; the page only renders what arrives.
//
//   rooms               the room directory (resumable, cached)      rooms/create   RPC
//   chat/{room}         a room: history, then live; we write posts  presence/{room} who is here (joining = subscribing)
//   typing/{room}       "is typing" (ephemeral)                     unread/{room}   the server's unread count
//   dm/{peer}           a private conversation                      unread/dm/{peer}
//   inbox               conversations others started with us        notices         why a message was refused
//   read                "I have seen up to this offset" (fire-and-forget)
//   contacts            names we gave people (resumable, cached)    contacts/name  give one (fire-and-forget)
//   inbox/remove        take a conversation off our list (it comes back when they write again)
//   calls               incoming calls ringing (and stopping)       calls/config   STUN/TURN servers
//   call/{media}/{peer} an outgoing call: its signalling, both ways  answer/{callId} taking a call
//   calls/decline       saying no
//
// Everything users type is shown with textContent: no user data ever goes through innerHTML.

import { connect } from "/rx/client.js";
import { model } from "/rx/model.js";

const $ = (id) => document.getElementById(id);
const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

const EMOJI = ["😄", "😂", "🙂", "😉", "😍", "🤔", "😎", "😢", "😱", "🥳", "👋", "👍", "👎", "👏", "🙏", "💪", "👀", "❤️",
  "🔥", "✨", "🎉", "🚀", "💯", "⚡", "☕", "🍕", "🍺", "🍰", "🐛", "🐱", "🐶", "🦄", "🌈", "✅", "❌", "⚠️", "💡", "💻"];
const GROUP_WINDOW = 5 * 60 * 1000; // consecutive messages of one author within this are grouped

let me = null; // { id, name }
let rx = null; // the RxStreams client
let session = []; // unsubscribe functions of the current client
const conversations = new Map(); // key ("room:general", "dm:<userId>") -> conversation
const knownRooms = new Map(); // name -> RoomInfo
const names = new Map(); // userId -> last display name seen
const contactNames = new Map(); // userId -> the name we gave them (server-side, every device)
let active = null; // the conversation shown

// ---- Identity: a cookie; changing the name signs in again and reconnects ----

async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.error || `${path}: ${response.status}`);
  return data;
}

const store = {
  key: (what) => `rxchat:${me.id}:${what}`,
  get(what, fallback) {
    try {
      return JSON.parse(localStorage.getItem(store.key(what))) ?? fallback;
    } catch {
      return fallback;
    }
  },
  set(what, value) {
    try {
      localStorage.setItem(store.key(what), JSON.stringify(value));
    } catch {}
  },
};

async function main() {
  me = await api("/api/me").catch(() => null);
  if (!me) return showWelcome();
  startApp();
}

function showWelcome() {
  $("app").hidden = true;
  $("welcome").hidden = false;
  $("login-name").focus();
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    me = await api("/api/login", { name: $("login-name").value });
    $("welcome").hidden = true;
    startApp();
  } catch (e) {
    $("login-error").textContent = e.message;
  }
});

$("name-form").addEventListener("submit", (event) => {
  event.preventDefault();
  rename();
});
$("name-input").addEventListener("change", () => rename());

async function rename() {
  const input = $("name-input");
  if (input.value.trim() === me.name) return;
  try {
    me = await api("/api/login", { name: input.value });
    input.value = me.name;
    names.set(me.id, me.name);
    // The WebSocket carries the cookie of when it connected: reconnect with the new one. Streams resume after the
    // last offset they saw (the client's cache), so nothing is missed and nothing is shown twice.
    stopSession();
    startSession();
    toast(`You are now ${me.name}.`);
  } catch (e) {
    toast(e.message);
    input.value = me.name;
  }
}

$("sign-out").addEventListener("click", async () => {
  await api("/api/logout", {}).catch(() => {});
  rx?.clearCache();
  rx?.close();
  location.reload();
});

function startApp() {
  $("app").hidden = false;
  $("name-input").value = me.name;
  names.set(me.id, me.name);
  for (const room of store.get("rooms", ["general"])) addConversation("room", room);
  for (const dm of store.get("dms", [])) addConversation("dm", dm.id, dm.name);
  startSession();
  const last = store.get("active", "room:general");
  activate(conversations.get(last) || conversations.values().next().value || null);
  renderRoomLists();
}

// ---- The connection and its streams ----

function startSession() {
  rx = connect("/rx", { logger: new URLSearchParams(location.search).has("debug") ? console : null });
  const on = (unsubscribe) => session.push(unsubscribe);
  on(rx.on("state", showState));
  on(rx.on("notRecovered", ({ route }) => toast(`Some older messages of ${route} are no longer available.`)));
  on(rx.on("error", (error) => toast(error.message)));
  showState(rx.state);

  const rooms = rx.open("rooms", { cache: true });
  rooms.load().forEach(addRoom);
  on(rooms.subscribe(addRoom));

  const inbox = rx.open("inbox", { cache: true });
  const onConversation = (c) => (c.removed ? dropConversation(c.peerId) : addConversation("dm", c.peerId, c.peerName));
  inbox.load().forEach(onConversation);
  on(inbox.subscribe(onConversation));

  on(rx.subscribe("notices", (notice) => toast(notice.text)));

  const contacts = rx.open("contacts", { cache: true });
  contacts.load().forEach(setContactName);
  on(contacts.subscribe(setContactName));

  on(rx.subscribe("calls/config", (config) => {
    // RTCIceServer: urls, and a username and credential for TURN only (null would become the string "null").
    iceServers = (config.iceServers || []).map(({ urls, username, credential }) => (username ? { urls, username, credential } : { urls }));
  }));
  on(rx.subscribe("calls", onIncoming));
  // A call's signalling does not survive a lost connection (a reopened call stream would ring again): end it.
  on(rx.on("state", (state) => state !== "connected" && call && endCall("Connection lost: the call ended.", "failed")));

  for (const conversation of conversations.values()) attach(conversation);
  if (active) watchTyping(active);
}

function stopSession() {
  for (const unsubscribe of session) unsubscribe();
  session = [];
  for (const conversation of conversations.values()) detach(conversation);
  rx?.close();
}

function showState(state) {
  const banner = $("banner");
  const dot = $("state");
  dot.dataset.state = state;
  dot.title = state;
  dot.setAttribute("aria-label", state);
  banner.hidden = state === "connected";
  banner.textContent = state === "closed" ? "Disconnected. Reload the page to reconnect."
    : state === "connecting" ? "Connecting…" : "Connection lost. Reconnecting…";
}

// ---- Conversations: rooms and direct messages ----

function addConversation(kind, name, title) {
  const key = `${kind}:${name}`;
  let conversation = conversations.get(key);
  if (conversation) {
    if (kind === "dm" && title) setPeerName(conversation, title);
    return conversation;
  }
  conversation = {
    key,
    kind,
    name, // the room name, or the peer's user id
    title: kind === "room" ? name : (title || names.get(name) || "someone"),
    route: kind === "room" ? `chat/${name}` : `dm/${name}`,
    stream: null,
    loaded: false, // its cached history has been rendered
    subscriptions: [],
    ids: new Set(), // message ids rendered (a resumed stream may repeat what the cache already had)
    last: null, // the last message rendered, for grouping
    list: el("div", "messages"),
    unread: 0,
    readSent: null,
    presence: new Map(), // member id -> member (rooms)
    typing: new Map(), // user id -> { name, until }
  };
  conversations.set(key, conversation);
  if (kind === "dm") {
    if (title) names.set(name, title);
    saveDms();
  }
  if (rx) attach(conversation);
  renderRoomLists();
  return conversation;
}

function attach(conversation) {
  const { kind, name } = conversation;
  const stream = (conversation.stream = rx.open(conversation.route, { cache: true }));
  if (!conversation.loaded) {
    conversation.loaded = true;
    stream.load().forEach((message) => render(conversation, message));
  }
  const subs = conversation.subscriptions;
  subs.push(stream.subscribe({
    next: (message) => {
      render(conversation, message);
      if (conversation === active) markReadSoon(conversation);
    },
    error: (error) => {
      toast(`${conversation.kind === "room" ? "#" + name : conversation.title}: ${error.message}`);
      if (error.code === "no_such_room" || error.code === "invalid_peer") remove(conversation);
    },
  }));
  subs.push(rx.subscribe(kind === "room" ? `unread/${name}` : `unread/dm/${name}`, (count) => setUnread(conversation, count)));
  if (kind === "room") {
    subs.push(rx.subscribe(`presence/${name}`, (event) => applyPresence(conversation, event)));
    // The room's topic and pinned message: a realtime model (whole states here; only changes on the wire).
    conversation.state = model(rx, `room/${name}`);
    subs.push(conversation.state.subscribe({
      next: () => conversation === active && renderRoomBar(),
      error: (error) => toast(`#${name}: ${error.message}`),
    }));
  }
}

// ---- A room's topic and pinned message (the model room/{name}) ----

function renderRoomBar() {
  const c = active;
  const state = c?.kind === "room" ? c.state?.current?.state : null;
  $("room-bar").hidden = !state;
  if (!state) return;
  $("topic").textContent = state.topic || "No topic";
  $("topic").classList.toggle("muted", !state.topic);
  $("pinned").hidden = !state.pinned;
  $("pinned-text").textContent = state.pinned ? `${state.pinned.from}: ${state.pinned.text}` : "";
  $("pinned-text").title = state.pinned ? `Pinned by ${state.pinned.pinnedBy}` : "";
}

function editRoom(edit) {
  const c = active;
  if (c?.kind !== "room" || !c.state) return;
  c.state.edit({ topic: null, pin: null, unpin: false, ...edit }).catch((e) => toast(e.message));
}

$("topic-edit").addEventListener("click", () => {
  const form = $("topic-form");
  form.hidden = !form.hidden;
  if (!form.hidden) {
    $("topic-input").value = active?.state?.current?.state.topic || "";
    $("topic-input").focus();
  }
});

$("topic-form").addEventListener("submit", (event) => {
  event.preventDefault();
  $("topic-form").hidden = true;
  editRoom({ topic: $("topic-input").value });
});

$("unpin").addEventListener("click", () => editRoom({ unpin: true }));

function detach(conversation) {
  for (const unsubscribe of conversation.subscriptions) unsubscribe();
  conversation.subscriptions = [];
  conversation.typingStop?.();
  conversation.typingStop = null;
}

function remove(conversation) {
  detach(conversation);
  conversations.delete(conversation.key);
  saveRooms();
  saveDms();
  if (active === conversation) activate(conversations.values().next().value || null);
  renderRoomLists();
}

function saveRooms() {
  store.set("rooms", [...conversations.values()].filter((c) => c.kind === "room").map((c) => c.name));
}

function saveDms() {
  store.set("dms", [...conversations.values()].filter((c) => c.kind === "dm").map((c) => ({ id: c.name, name: c.title })));
}

// What we call someone: the name we gave them, else their display name.
const shownName = (userId, fallback) => contactNames.get(userId) || fallback || names.get(userId) || "someone";
const titleOf = (conversation) => (conversation.kind === "dm" ? shownName(conversation.name, conversation.title) : conversation.name);

function setContactName(contact) {
  if (contact.name) contactNames.set(contact.peerId, contact.name);
  else contactNames.delete(contact.peerId);
  renderRoomLists();
  renderHeader();
  renderOnline();
  for (const author of document.querySelectorAll(`.message[data-user="${CSS.escape(contact.peerId)}"] .author`)) {
    author.textContent = shownName(contact.peerId, author.dataset.from);
  }
}

// Removing a direct conversation: on the server (every device hears it through the inbox), and here at once.
function removeConversation(conversation) {
  rx?.send("inbox/remove", { peerId: conversation.name }).catch((e) => toast(e.message));
  dropConversation(conversation.name);
}

function dropConversation(peerId) {
  const conversation = conversations.get(`dm:${peerId}`);
  if (!conversation) return;
  remove(conversation);
}

function setPeerName(conversation, name) {
  if (!name || conversation.title === name) return;
  conversation.title = name;
  names.set(conversation.name, name);
  saveDms();
  renderRoomLists();
  if (conversation === active) renderHeader();
}

function activate(conversation) {
  if (active && active !== conversation) {
    stopTyping();
    active.typingStop?.();
    active.typingStop = null;
    active.list.querySelectorAll(".divider").forEach((d) => d.remove());
  }
  active = conversation;
  closeSidebar();
  if (!conversation) {
    $("log").replaceChildren(el("p", "empty", "Join a room to start chatting."));
    renderHeader();
    renderRoomLists();
    return;
  }
  store.set("active", conversation.key);
  if (conversation.unread > 0) markNewMessages(conversation);
  $("log").replaceChildren(conversation.list);
  scrollToBottom();
  if (rx) watchTyping(conversation);
  renderHeader();
  renderTyping();
  renderRoomLists();
  renderOnline();
  markReadSoon(conversation);
  $("message").focus();
}

function renderHeader() {
  const c = active;
  $("title").textContent = !c ? "" : c.kind === "room" ? `# ${c.name}` : `@ ${titleOf(c)}`;
  $("subtitle").textContent = !c ? "" : c.kind === "room" ? onlineUsers(c).length + " online" : "private conversation";
  $("leave").hidden = !c;
  $("leave").textContent = c?.kind === "dm" ? "Remove" : "Leave";
  $("leave").title = c?.kind === "dm" ? "Remove this conversation from your list (it comes back when they write again)" : "";
  for (const id of ["call-video", "call-voice", "rename"]) $(id).hidden = c?.kind !== "dm";
  if (c?.kind !== "dm") $("rename-form").hidden = true;
  $("message").placeholder = !c ? "" : c.kind === "room" ? `Message #${c.name} (try :tada: or :+1:)` : `Message ${titleOf(c)}`;
  $("composer").hidden = !c;
  renderRoomBar();
}

// ---- Rooms: the directory, joining, creating, leaving ----

function addRoom(room) {
  if (knownRooms.has(room.name)) return;
  knownRooms.set(room.name, room);
  renderRoomLists();
}

function join(name) {
  const conversation = addConversation("room", name);
  saveRooms();
  activate(conversation);
}

$("new-room").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("new-room-name");
  if (!input.value.trim()) return;
  try {
    const room = await rx.invoke("rooms/create", { name: input.value });
    input.value = "";
    addRoom(room);
    join(room.name);
  } catch (e) {
    toast(e.message);
  }
});

$("leave").addEventListener("click", () => active && (active.kind === "dm" ? removeConversation(active) : remove(active)));

// ---- Contact names: a name for someone that only we see, kept on the server ----

$("rename").addEventListener("click", () => {
  const form = $("rename-form");
  form.hidden = !form.hidden;
  if (form.hidden || !active) return;
  $("rename-input").value = titleOf(active);
  $("rename-input").select();
});

$("rename-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (active?.kind !== "dm" || !rx) return;
  const name = $("rename-input").value.trim();
  const contact = { peerId: active.name, name: name && name !== active.title ? name : null };
  $("rename-form").hidden = true;
  rx.send("contacts/name", contact).then(() => setContactName(contact), (e) => toast(e.message));
});

$("rename-input").addEventListener("keydown", (event) => {
  if (event.key === "Escape") $("rename-form").hidden = true;
});

function renderRoomLists() {
  const joined = [...conversations.values()].filter((c) => c.kind === "room").sort((a, b) => a.name.localeCompare(b.name));
  const dms = [...conversations.values()].filter((c) => c.kind === "dm").sort((a, b) => titleOf(a).localeCompare(titleOf(b)));
  $("rooms").replaceChildren(...joined.map((c) => conversationItem(c, "#", c.name)));
  $("dms").replaceChildren(...dms.map((c) => conversationItem(c, "@", titleOf(c))));
  $("dms-empty").hidden = dms.length > 0;
  const more = [...knownRooms.keys()].filter((name) => !conversations.has(`room:${name}`)).sort();
  $("more-rooms").replaceChildren(...more.map((name) => {
    const button = el("button", "item");
    button.append(el("span", "sigil", "#"), el("span", "label", name), el("span", "join", "Join"));
    button.title = `Join #${name}`;
    button.addEventListener("click", () => join(name));
    const li = el("li");
    li.append(button);
    return li;
  }));
  $("more-rooms-title").hidden = more.length === 0;
  const total = [...conversations.values()].reduce((n, c) => n + (c === active && !document.hidden ? 0 : c.unread), 0);
  document.title = total ? `(${total}) RxStreams chat` : "RxStreams chat";
}

function conversationItem(conversation, sigil, label) {
  const button = el("button", "item");
  button.append(el("span", "sigil", sigil), el("span", "label", label));
  if (conversation === active) button.setAttribute("aria-current", "page");
  const unread = conversation === active ? 0 : conversation.unread;
  if (unread > 0) {
    const badge = el("span", "badge", unread > 99 ? "99+" : String(unread));
    badge.title = `${unread} unread`;
    button.append(badge);
    button.classList.add("has-unread");
  }
  button.addEventListener("click", () => activate(conversation));
  const li = el("li");
  li.append(button);
  return li;
}

// ---- Messages ----

function render(conversation, message) {
  if (!message?.id || conversation.ids.has(message.id)) return;
  conversation.ids.add(message.id);
  if (message.userId) names.set(message.userId, message.from);
  if (conversation.kind === "dm" && message.userId === conversation.name) setPeerName(conversation, message.from);
  if (conversation.typing.delete(message.userId) && conversation === active) renderTyping();
  if (conversation === active) followSoon(conversation, message.userId === me.id); // before the row is added

  const time = new Date(message.sentAt);
  const last = conversation.last;
  const grouped = last && last.userId === message.userId && time - last.time < GROUP_WINDOW;
  conversation.last = { userId: message.userId, time };

  const row = el("div", "message" + (grouped ? " grouped" : "") + (message.userId === me.id ? " mine" : ""));
  row.dataset.user = message.userId;
  const colour = grouped ? null : hue(message.userId);
  if (!grouped) {
    const avatar = el("div", "avatar", initials(message.from));
    avatar.style.setProperty("--hue", colour);
    avatar.setAttribute("aria-hidden", "true");
    row.append(avatar);
  }
  const body = el("div", "body");
  if (!grouped) {
    const meta = el("div", "meta");
    const author = el("span", "author", shownName(message.userId, message.from));
    author.dataset.from = message.from;
    author.style.setProperty("--hue", colour);
    const stamp = el("time", "time", time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
    stamp.dateTime = message.sentAt;
    stamp.title = time.toLocaleString();
    meta.append(author, stamp);
    body.append(meta);
  }
  const text = el("div", "text", message.text);
  if (/^(?:\p{Extended_Pictographic}|\u200d|\ufe0f|[\u{1F3FB}-\u{1F3FF}]|\s)+$/u.test(message.text) && [...message.text].length <= 6) text.classList.add("jumbo");
  body.append(text);
  row.append(body);
  if (conversation.kind === "room") {
    const pin = el("button", "ghost small pin", "Pin");
    pin.type = "button";
    pin.title = "Pin this message to the room";
    pin.setAttribute("aria-label", "Pin message");
    pin.addEventListener("click", () => editRoom({ pin: { messageId: message.id, from: message.from, text: message.text } }));
    row.append(pin);
  }
  conversation.list.append(row);
}

// Following new messages down: decided once per burst (a room's history, or the backlog after a reconnection, comes
// as hundreds of items in a few WebSocket messages), from where the reader was before the first row was added, and
// done once after the last. Measuring before every row would lay the whole log out again for each message.
let follow = null; // { conversation, down } while a burst of the shown conversation is being rendered
function followSoon(conversation, mine) {
  if (!follow) {
    const log = $("log");
    follow = { conversation, down: log.scrollHeight - log.scrollTop - log.clientHeight < 80 };
    queueMicrotask(() => {
      const { conversation: shown, down } = follow;
      follow = null;
      if (shown !== active) return;
      if (down) scrollToBottom();
      else $("jump").hidden = false;
    });
  }
  follow.down ||= mine; // one's own message is always followed
}

function markNewMessages(conversation) {
  // A divider above the first unread message: walk back over the others' last `unread` messages.
  let left = conversation.unread;
  let row = conversation.list.lastElementChild;
  let first = null;
  for (; row && left > 0; row = row.previousElementSibling) {
    if (row.classList.contains("message") && row.dataset.user !== me.id) {
      first = row;
      left--;
    }
  }
  if (first) first.before(el("div", "divider", "New messages"));
}

const initials = (name) => (name || "?").split(/\s+/).map((w) => [...w][0]).join("").slice(0, 2).toUpperCase();
const hue = (id) => [...(id || "")].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);

function scrollToBottom() {
  const log = $("log");
  log.scrollTop = log.scrollHeight;
  $("jump").hidden = true;
}

$("log").addEventListener("scroll", () => {
  const log = $("log");
  if (log.scrollHeight - log.scrollTop - log.clientHeight < 40) $("jump").hidden = true;
});
$("jump").addEventListener("click", scrollToBottom);

// ---- Unread counts: the server counts after our last-read offset; we tell it what we have seen ----

function setUnread(conversation, count) {
  conversation.unread = count;
  renderRoomLists();
}

// Only what was on screen counts as read: the conversation shown, in a visible page. The marker goes out a moment
// later (one for a burst of messages), even if the user has moved on meanwhile: they did see those messages.
function markReadSoon(conversation) {
  if (conversation !== active || document.hidden) return;
  conversation.seen = conversation.stream?.lastOffset; // what is on screen now, not what arrives after
  clearTimeout(conversation.readTimer);
  conversation.readTimer = setTimeout(() => markRead(conversation), 250);
}

function markRead(conversation) {
  const offset = conversation.seen;
  if (!offset || offset === conversation.readSent || !rx) return;
  conversation.readSent = offset;
  const target = conversation.kind === "room" ? { room: conversation.name } : { peer: conversation.name };
  rx.send("read", { ...target, offset }).catch(() => (conversation.readSent = null));
}

document.addEventListener("visibilitychange", () => {
  if (!document.hidden && active) markReadSoon(active);
  renderRoomLists();
});

// ---- Sending, typing, emoji ----

const composer = $("composer");
const message = $("message");

composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = message.value.trim();
  if (!text || !active || !rx) return;
  try {
    active.stream.next({ text });
    message.value = "";
    autosize();
    stopTyping();
  } catch (e) {
    toast(e.message);
  }
});

message.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    composer.requestSubmit();
  }
});

let lastTyping = 0;
message.addEventListener("input", () => {
  autosize();
  if (!message.value) return stopTyping();
  // The server samples once a second; others forget a "typing" after 3.5 s. One a second is plenty.
  if (active?.kind === "room" && active.typingStream && Date.now() - lastTyping > 1000) {
    lastTyping = Date.now();
    active.typingStream.next(true);
  }
});

function stopTyping() {
  if (lastTyping && active?.typingStream) active.typingStream.next(false);
  lastTyping = 0;
}

function autosize() {
  message.style.height = "auto";
  message.style.height = Math.min(message.scrollHeight, 160) + "px";
}

function watchTyping(conversation) {
  conversation.typingStop?.();
  conversation.typingStop = null;
  conversation.typingStream = null;
  if (conversation.kind !== "room" || !rx) return;
  const stream = (conversation.typingStream = rx.open(`typing/${conversation.name}`));
  conversation.typingStop = stream.subscribe((typing) => {
    if (!typing.active) conversation.typing.delete(typing.userId);
    else conversation.typing.set(typing.userId, { name: typing.name, until: Date.now() + 3500 });
    renderTyping();
    setTimeout(renderTyping, 3600);
  });
}

function renderTyping() {
  const now = Date.now();
  const typing = active ? [...active.typing.entries()].filter(([, t]) => t.until > now).map(([, t]) => t.name) : [];
  $("typing").textContent = typing.length === 0 ? ""
    : typing.length === 1 ? `${typing[0]} is typing…`
    : typing.length === 2 ? `${typing[0]} and ${typing[1]} are typing…`
    : "Several people are typing…";
}

const picker = $("emoji-picker");
picker.append(...EMOJI.map((emoji) => {
  const button = el("button", "emoji-choice", emoji);
  button.type = "button";
  button.addEventListener("click", () => {
    const at = message.selectionStart ?? message.value.length;
    message.setRangeText(emoji, at, message.selectionEnd ?? at, "end");
    message.focus();
    togglePicker(false);
  });
  return button;
}));
const togglePicker = (open = picker.hidden) => {
  picker.hidden = !open;
  $("emoji-button").setAttribute("aria-expanded", String(open));
};
$("emoji-button").addEventListener("click", () => togglePicker());
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  togglePicker(false);
  closeSidebar();
});
document.addEventListener("click", (event) => {
  if (!picker.hidden && !event.target.closest(".emoji")) togglePicker(false);
});

// ---- Presence: one entry per connection; the list shows each user once ----

function applyPresence(conversation, event) {
  const members = conversation.presence;
  if (event.kind === "snapshot") {
    members.clear();
    for (const member of event.members || []) members.set(member.id, member);
  } else if (event.kind === "left") {
    members.delete(event.member.id);
  } else if (event.member) {
    members.set(event.member.id, event.member);
  }
  for (const member of members.values()) if (member.data) names.set(member.user, member.data);
  if (conversation === active) {
    renderOnline();
    renderHeader();
  }
}

function onlineUsers(conversation) {
  const users = new Map();
  for (const member of conversation.presence.values()) users.set(member.user, member.user === me.id ? me.name : shownName(member.user, member.data));
  return [...users.entries()].sort(([a, x], [b, y]) => (a === me.id ? -1 : b === me.id ? 1 : x.localeCompare(y)));
}

function renderOnline() {
  const users = active?.kind === "room" ? onlineUsers(active) : active ? [[me.id, me.name], [active.name, titleOf(active)]] : [];
  $("online").replaceChildren(...users.map(([id, name]) => {
    const li = el("li");
    const button = el("button", "item person");
    const avatar = el("span", "avatar small", initials(name));
    avatar.style.setProperty("--hue", hue(id));
    avatar.setAttribute("aria-hidden", "true");
    button.append(avatar, el("span", "label", name));
    if (id === me.id) {
      button.append(el("span", "you", "you"));
      button.disabled = true;
    } else {
      button.title = `Send ${name} a private message`;
      button.addEventListener("click", () => activate(addConversation("dm", id, name)));
    }
    li.append(button);
    return li;
  }));
}

// ---- Calls: signalled over RxStreams, media peer to peer (WebRTC) ----
//
// Caller: camera and microphone, then call/{video|voice}/{peer}: "ringing" → "accepted" (a tab of theirs took it) →
// we send the offer and our ICE candidates, they come back with the answer and theirs. Callee: "calls" rings every
// tab; Accept opens answer/{callId} (the other tabs hear "taken"), the offer arrives, we answer. The server forwards
// signals only between the two participants; "declined", "noAnswer", "busy", "hangup" and "ended" end a call.

let iceServers = []; // from calls/config (Chat:Calls:IceServers on the server)
let call = null; // the call in progress: { peer, name, video, stream, unsubscribe, pc, local, pending, described }
let incoming = null; // the call ringing here

const callPanel = $("call");

function setCallState(text, state) {
  $("call-status").textContent = text;
  callPanel.dataset.state = state;
  callPanel.hidden = false;
  const over = !call;
  $("hang-up").hidden = over;
  $("mute").hidden = over;
  $("call-close").hidden = !over;
}

function placeCall(video) {
  if (!active || active.kind !== "dm" || !rx) return;
  if (call) return toast("You are already in a call.");
  const { name: peer, title } = active;
  startCall({ peer, video, name: () => shownName(peer, title) }, async () => {
    setCallState(`Calling ${call.name()}…`, "calling");
    await takeMedia();
    const stream = rx.open(`call/${video ? "video" : "voice"}/${peer}`);
    listen(stream, async (signal) => {
      switch (signal.kind) {
        case "ringing": return setCallState(`Ringing ${call.name()}…`, "ringing");
        case "busy": return endCall(`${call.name()} is busy in another call.`, "busy");
        case "declined": return endCall(`${call.name()} declined the call.`, "declined");
        case "noAnswer": return endCall(`No answer from ${call.name()}.`, "no-answer");
        case "hangup": return endCall(`${call.name()} hung up. Call ended.`, "ended");
        case "accepted": {
          setCallState(`Connecting to ${call.name()}…`, "connecting");
          const pc = connectPeer();
          await pc.setLocalDescription(await pc.createOffer());
          return signal_({ kind: "offer", data: pc.localDescription.toJSON() });
        }
        case "answer": return describe(signal.data);
        case "candidate": return addCandidate(signal.data);
      }
    });
  });
}

function acceptCall() {
  const ring = incoming;
  hideIncoming();
  if (!ring || !rx) return;
  if (call) return toast("You are already in a call.");
  startCall({ peer: ring.callerId, video: ring.video, name: () => shownName(ring.callerId, ring.callerName) }, async () => {
    setCallState(`Connecting to ${call.name()}…`, "connecting");
    try {
      await takeMedia();
    } catch (e) {
      rx.send("calls/decline", { callId: ring.callId }).catch(() => {});
      throw e;
    }
    connectPeer();
    const stream = rx.open(`answer/${ring.callId}`);
    listen(stream, async (signal) => {
      switch (signal.kind) {
        case "taken": return endCall("You answered this call on another device.", "taken");
        case "ended": return endCall(`${call.name()} hung up. Call ended.`, "ended");
        case "offer": {
          await describe(signal.data);
          await call.pc.setLocalDescription(await call.pc.createAnswer());
          return signal_({ kind: "answer", data: call.pc.localDescription.toJSON() });
        }
        case "candidate": return addCandidate(signal.data);
      }
    });
  });
}

async function startCall(details, run) {
  call = { ...details, pending: [], described: false };
  const mine = call;
  $("mute").setAttribute("aria-pressed", "false");
  try {
    await run();
  } catch (e) {
    if (call !== mine) return;
    if (e?.name === "NotAllowedError" || e?.name === "NotFoundError" || e?.name === "NotReadableError") {
      endCall(`Camera or microphone refused (${e.name}): allow them for this site to make calls.`, "refused");
    } else {
      endCall(`The call failed: ${e?.message || e}`, "failed");
    }
  }
}

async function takeMedia() {
  const local = await navigator.mediaDevices.getUserMedia({ audio: true, video: call.video });
  if (!call) {
    local.getTracks().forEach((track) => track.stop());
    throw new Error("hung up");
  }
  call.local = local;
  $("local-video").srcObject = local;
}

// A call's stream: its signals go to handle, one at a time, in order (each may await the browser's WebRTC work).
function listen(stream, handle) {
  const mine = call;
  mine.stream = stream;
  let queue = Promise.resolve();
  mine.unsubscribe = stream.subscribe({
    next: (signal) => (queue = queue.then(() => call === mine && handle(signal)).catch((e) => call === mine && endCall(`The call failed: ${e.message}`, "failed"))),
    error: (e) => queue.then(() => call === mine && endCall(e.code === "not_your_call" ? e.message : `The call failed: ${e.message}`, "failed")),
    complete: () => queue.then(() => call === mine && endCall("Call ended.", "ended")),
  });
}

function signal_(signal) {
  try {
    call?.stream?.next(signal);
  } catch (e) {
    endCall(`The call failed: ${e.message}`, "failed");
  }
}

function connectPeer() {
  const mine = call;
  const pc = (mine.pc = new RTCPeerConnection({ iceServers }));
  for (const track of mine.local.getTracks()) pc.addTrack(track, mine.local);
  pc.addEventListener("icecandidate", (event) => event.candidate && call === mine && signal_({ kind: "candidate", data: event.candidate.toJSON() }));
  pc.addEventListener("track", (event) => {
    const video = $("remote-video");
    if (video.srcObject !== event.streams[0]) video.srcObject = event.streams[0];
  });
  pc.addEventListener("connectionstatechange", () => {
    if (call !== mine) return;
    if (pc.connectionState === "connected") setCallState(`In a call with ${mine.name()}`, "connected");
    if (pc.connectionState === "failed") endCall(`The connection to ${mine.name()} failed (a TURN server may be needed: see the README).`, "failed");
  });
  return pc;
}

// Candidates that arrive before the session description wait for it.
async function describe(description) {
  await call.pc.setRemoteDescription(description);
  call.described = true;
  for (const candidate of call.pending.splice(0)) await call.pc.addIceCandidate(candidate);
}

async function addCandidate(candidate) {
  if (!call.pc || !call.described) call.pending.push(candidate);
  else await call.pc.addIceCandidate(candidate);
}

function endCall(text, state) {
  const ended = call;
  if (!ended) return;
  call = null;
  ended.unsubscribe?.(); // the server hears the stream end: the other side hears the call end
  ended.pc?.close();
  ended.local?.getTracks().forEach((track) => track.stop());
  $("remote-video").srcObject = null;
  $("local-video").srcObject = null;
  setCallState(text, state);
}

$("call-video").addEventListener("click", () => placeCall(true));
$("call-voice").addEventListener("click", () => placeCall(false));
$("hang-up").addEventListener("click", () => {
  signal_({ kind: "hangup" });
  endCall("Call ended.", "ended");
});
$("call-close").addEventListener("click", () => (callPanel.hidden = true));
$("mute").addEventListener("click", () => {
  const muted = $("mute").getAttribute("aria-pressed") !== "true";
  $("mute").setAttribute("aria-pressed", String(muted));
  call?.local?.getAudioTracks().forEach((track) => (track.enabled = !muted));
});

// Incoming calls ring every tab of ours; one taking it (or the caller giving up) stops the others.
function onIncoming(ring) {
  if (ring.state === "ring") {
    incoming = ring;
    $("incoming").dataset.callId = ring.callId;
    $("incoming-text").textContent = `${shownName(ring.callerId, ring.callerName)} is calling you (${ring.video ? "video" : "voice"})`;
    $("incoming").hidden = false;
  } else if (incoming?.callId === ring.callId) {
    hideIncoming();
    if (ring.state === "ended") toast(`Missed call from ${shownName(ring.callerId, ring.callerName)}.`);
  }
}

function hideIncoming() {
  incoming = null;
  $("incoming").hidden = true;
}

$("accept").addEventListener("click", acceptCall);
$("decline").addEventListener("click", () => {
  const ring = incoming;
  hideIncoming();
  if (ring) rx.send("calls/decline", { callId: ring.callId }).catch((e) => toast(e.message));
});

// ---- Small things ----

function toast(text) {
  const node = el("div", "toast", text);
  node.setAttribute("role", "status");
  $("toasts").append(node);
  setTimeout(() => node.remove(), 6000);
}

$("menu").addEventListener("click", () => {
  const open = !document.body.classList.contains("menu-open");
  document.body.classList.toggle("menu-open", open);
  $("menu").setAttribute("aria-expanded", String(open));
});
document.querySelector(".main").addEventListener("click", (event) => {
  if (document.body.classList.contains("menu-open") && !event.target.closest("#menu")) closeSidebar();
});
function closeSidebar() {
  document.body.classList.remove("menu-open");
  $("menu").setAttribute("aria-expanded", "false");
}

main();
