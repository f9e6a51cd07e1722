// RxStreams peer to peer: moves a call to a client-hosted server (rx.listen / rx.connect with `peerToPeer`) from the
// server's relay onto a WebRTC data channel between the two browsers, and back to the relay when the channel fails.
// Served at /rx/peer.js and imported by the client (rxstreams.js) only when `peerToPeer` is asked for, so pages that
// do not use it load none of this. Guide: docs/browser-client.md ("Peer to peer"). Messages: docs/protocol.md 7.9.
//
// Everything is negotiated in-band, as items of the relayed call itself, so the server needs nothing new. Items of
// the call that are objects with a "$rxPeer" member are this module's (below, the other end's are "the peer"):
//
//   relay                                       what it means
//   {"$rxPeer":"hello"}                         the caller allows peer to peer (its first item on the call)
//   {"$rxPeer":"welcome"}                       the host allows it too: the caller offers
//   {"$rxPeer":"offer"|"answer","sdp":…}        the session descriptions
//   {"$rxPeer":"ice","c":…}                     an ICE candidate
//   {"$rxPeer":"switch","s":n}                  the sender's last item on the relay was number n: from n + 1 on it
//                                               sends on the data channel
//   {"$rxPeer":"fallback","s":n}                the sender gave the channel up: its next items on the relay are
//                                               numbered n + 1, n + 2, … (a resend of what was not acknowledged,
//                                               then new items), and so will the receiver
//   {"$rxPeer":"d","v":…}                       an application item that itself has a "$rxPeer" member, escaped
//
//   data channel
//   [n, value]                                  application item number n
//   {"$rxPeer":"ack","s":n}                     every item up to n was delivered
//
// Each direction numbers its application items. The receiver delivers an item only if its number is above the last
// one it delivered (nothing twice), and reads the channel only once the relay brought the "switch" (nothing out of
// order: the relay may still carry items sent before the switch while the channel already has later ones). The
// sender keeps what it sent on the channel until the receiver acknowledges it; when the channel fails, it sends
// "fallback" and those items again on the relay (nothing lost). A call that fell back stays on the relay.

const KEY = "$rxPeer";
const DEFAULT_TIMEOUT = 10000; // from the welcome until both directions are on the channel
const ACK_EVERY = 32; // items; or ACK_DELAY ms after the last unacknowledged delivery
const ACK_DELAY = 20;
const MAX_UNACKED = 4096; // items kept for a resend; more means the channel is stuck: fall back

const isControl = (value) => value !== null && typeof value === "object" && !Array.isArray(value) && Object.hasOwn(value, KEY);
const escape = (value) => (isControl(value) ? { [KEY]: "d", v: value } : value);

/** The RTCPeerConnection settings and the timeout of a `peerToPeer` option (`true` or an object). */
const settings = (peerToPeer) => {
  const { timeout = DEFAULT_TIMEOUT, RTCPeerConnection: RTC = globalThis.RTCPeerConnection, ...config } = peerToPeer === true ? {} : peerToPeer;
  return { timeout, RTC, config };
};

/**
 * One call's link to the peer, for both directions. `relay(value)` sends an item on the relayed call; `deliver(value)`
 * hands an application item to this end's observers; `changed(transport)` is told when everything, both ways, moves
 * to the channel ("peer") or back ("relay"). Feed it every item the relay brings (`relayItem`); `send` the
 * application's items through it. The caller's end is the `initiator` (it offers). `check(value)` throws for an item
 * the relay would refuse (over the maximum frame size): the channel holds items to the relay's limits, so that what
 * is sent there could also be sent again on the relay after a fallback.
 */
export function createLink({ relay, deliver, changed, initiator, peerToPeer, check }) {
  const { timeout, RTC, config } = settings(peerToPeer);
  let pc = null;
  let channel = null;
  let timer = 0;
  let started = false;
  let failed = false; // gave the channel up: relay only, for good
  let closed = false; // the call is over
  let transport = "relay";
  let reason = ""; // why this end gave the channel up
  // Sending: `sent` numbers the items; those sent on the channel wait in `unacked` for the peer's ack.
  let sent = 0;
  let sending = "relay";
  let unacked = [];
  let drains = [];
  // Receiving: `delivered` is the last number delivered; `numbered` the last number on the relay after a fallback
  // (null while the relay's items are not numbered, before any switch); `early` holds channel items that came before
  // the relay's switch.
  let delivered = 0;
  let receiving = "relay";
  let numbered = null;
  let early = [];
  let acked = 0; // the last number this end acknowledged
  let ackTimer = 0;
  // ICE candidates wait until the description went out, so the peer never gets one before it.
  let described = false;
  let candidates = [];

  const control = (type, fields) => relay({ [KEY]: type, ...fields });
  const update = () => {
    const now = sending === "peer" && receiving === "peer" && !failed && !closed ? "peer" : "relay";
    if (now !== transport) changed((transport = now));
  };

  const take = (number, value) => {
    if (number <= delivered) return; // delivered already (a resend of what was not acknowledged yet)
    delivered = number;
    deliver(value);
    if (delivered - acked >= ACK_EVERY) ack();
    else ackTimer ||= setTimeout(ack, ACK_DELAY);
  };
  const ack = () => {
    clearTimeout(ackTimer);
    ackTimer = 0;
    if (receiving !== "peer" || failed || closed || delivered === acked) return;
    acked = delivered;
    try {
      channel.send(JSON.stringify({ [KEY]: "ack", s: acked }));
    } catch {} // the channel is failing: its close falls back
  };

  const fromChannel = (data) => {
    if (failed || closed) return;
    let message;
    try {
      message = JSON.parse(data);
    } catch (e) {
      return fail("an item on the data channel is not JSON: " + e.message);
    }
    if (Array.isArray(message)) {
      if (!Number.isSafeInteger(message[0])) return fail("an item on the data channel has no number");
      if (receiving === "peer") take(message[0], message[1]);
      else if (early.push(message) > MAX_UNACKED) fail("the relay's switch did not come"); // wait for it: the relay still has items sent before these
    } else if (message?.[KEY] === "ack") {
      unacked = unacked.filter(([number]) => number > message.s);
      if (!unacked.length) drained();
    }
  };

  const drained = () => {
    const list = drains;
    drains = [];
    for (const fn of list) fn();
  };

  /** Both ends' channel is open: this end's items go there from now on, after the relay says so. */
  const goPeer = () => {
    if (failed || closed || sending === "peer") return;
    control("switch", { s: sent });
    sending = "peer";
    update();
  };

  /** This end gives the channel up: the relay carries everything again, from the first unacknowledged item. */
  const fail = (why) => {
    if (failed || closed) return;
    failed = true;
    clearTimeout(timer);
    hangUp();
    reason = why;
    const from = unacked.length ? unacked[0][0] - 1 : sent;
    const resend = unacked;
    unacked = [];
    sending = "relay";
    receiving = "relay";
    early = [];
    control("fallback", { s: from });
    for (const [, value] of resend) relay(escape(value));
    update();
    drained();
  };
  /** An application item from the relay: numbered after a fallback, not before any switch. */
  const data = (value) => (numbered === null ? deliver(value) : take(++numbered, value));

  const hangUp = () => {
    clearTimeout(ackTimer);
    if (!pc) return;
    pc.onicecandidate = pc.onconnectionstatechange = null;
    channel.onopen = channel.onclose = channel.onmessage = null;
    try {
      pc.close();
    } catch {}
  };

  const start = () => {
    if (started || failed || closed) return;
    started = true;
    timer = setTimeout(() => transport === "peer" || fail(`no data channel within ${timeout} ms`), timeout);
    try {
      if (!RTC) throw new Error("no RTCPeerConnection here");
      pc = new RTC(config);
      // Negotiated (same id on both ends): no in-band channel announcement to wait for.
      channel = pc.createDataChannel("rxstreams", { negotiated: true, id: 0 });
    } catch (e) {
      return fail(e.message);
    }
    channel.onopen = goPeer;
    channel.onclose = () => fail("the data channel closed");
    channel.onmessage = (event) => fromChannel(event.data);
    pc.onconnectionstatechange = () => /failed|closed/.test(pc.connectionState) && fail("the peer connection " + pc.connectionState);
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate || sending === "peer") return; // on the channel already: the relay stays quiet
      if (described) control("ice", { c: candidate.toJSON() });
      else candidates.push(candidate);
    };
    if (initiator) negotiate(pc.createOffer().then((offer) => pc.setLocalDescription(offer)));
  };
  const negotiate = (step) =>
    step.then(() => {
      if (failed || closed) return;
      control(pc.localDescription.type, { sdp: pc.localDescription.sdp });
      described = true;
      for (const candidate of candidates) control("ice", { c: candidate.toJSON() });
      candidates = [];
    }, (e) => fail("negotiation failed: " + e.message));

  return {
    get transport() {
      return transport;
    },
    /** Why this end gave the channel up ("" while it has not). */
    get reason() {
      return reason;
    },
    /** An item the relay brought: this module's message, or an application item (delivered). */
    relayItem(value) {
      if (closed) return;
      if (!isControl(value)) return data(value);
      const m = value;
      if (/^(switch|fallback)$/.test(m[KEY]) && !Number.isSafeInteger(m.s)) return fail(`a ${m[KEY]} without a number`);
      switch (m[KEY]) {
        case "d":
          return data(m.v);
        case "hello":
          if (started || initiator) return;
          control("welcome");
          return start();
        case "welcome":
          return initiator && start();
        case "offer":
          if (failed || !pc) return;
          return negotiate(pc.setRemoteDescription({ type: "offer", sdp: m.sdp }).then(() => pc.createAnswer()).then((answer) => pc.setLocalDescription(answer)));
        case "answer":
          if (failed || !pc) return;
          return pc.setRemoteDescription({ type: "answer", sdp: m.sdp }).catch((e) => fail("negotiation failed: " + e.message));
        case "ice":
          if (!failed && pc) pc.addIceCandidate(m.c).catch(() => {}); // one bad candidate: the others may do
          return;
        case "switch":
          // Everything the peer sent before it came on the relay: the channel's items follow on from m.s.
          delivered = m.s;
          numbered = null;
          if (failed) return;
          receiving = "peer";
          for (const [number, item] of early) take(number, item);
          early = [];
          return update();
        case "fallback":
          // The peer gave the channel up: its next items on the relay are numbered from m.s + 1.
          numbered = m.s;
          receiving = "relay";
          early = [];
          return fail("the peer fell back to the relay");
      }
    },
    /** An application item to the peer: on the channel once switched, on the relay before and after. */
    send(value) {
      if (sending === "peer") check?.(value); // on the relay, the client's own send checks it
      const number = ++sent;
      if (sending !== "peer") return relay(escape(value));
      unacked.push([number, value]);
      try {
        channel.send(JSON.stringify([number, value]));
      } catch (e) {
        return fail("sending failed: " + e.message);
      }
      if (unacked.length > MAX_UNACKED) fail(`${MAX_UNACKED} items were not acknowledged`);
    },
    /** Calls `fn` once nothing sent on the channel waits for an ack: the end of the call then follows every item. */
    drain(fn) {
      if (sending === "peer" && unacked.length) drains.push(fn);
      else fn();
    },
    /** The call is over: the channel closes, nothing is resent. */
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      hangUp();
      unacked = [];
      update();
      drained(); // what waited ends a call that is over anyway
    },
  };
}

/**
 * The caller's end (rx.connect with peerToPeer): `stream` is the client's `$connect/{name}` stream. The client calls
 * `stream.peer()` when the stream opens a call and `stream.peer(item)` for each item the relay brings.
 */
export function caller(stream, changes, rx, { peerToPeer }, [, RxStreamsError, payloadOf]) {
  const { next, complete } = stream; // the client's own: the relay
  let link = null;
  let completing = false;
  const setTransport = (transport) => {
    stream.transport = transport;
    for (const change of changes) change.next(transport);
  };
  const begin = () => {
    link?.close();
    completing = false;
    link = createLink({
      relay: (value) => stream.active && next(value),
      deliver: stream._deliver,
      changed: setTransport,
      initiator: true,
      peerToPeer,
      check: (value) => payloadOf(value, stream.route),
    });
    next({ [KEY]: "hello" });
  };
  stream.peer = (item) => {
    if (!item) return begin();
    if (!link) return false;
    link.relayItem(item.value);
    return true;
  };
  stream.next = (value) => {
    if (completing) throw new RxStreamsError("input_completed", `The input of "${stream.route}" is complete.`, stream.route);
    return link && stream.active ? link.send(value) : next(value);
  };
  stream.complete = () => {
    if (!link || completing) return complete();
    completing = true;
    link.drain(() => {
      completing = false;
      complete();
    });
  };
  // A lost connection ends the call (the host hears it cancelled): the next one starts over, with a hello.
  const off = rx.on("state", (state) => {
    if (state === "connected") return;
    link?.close();
    link = null;
    if (state === "closed") off();
  });
  if (stream.active && rx.state === "connected") begin(); // opened before this module was loaded
}

/**
 * The host's end (rx.listen with peerToPeer): wraps `onConnection` so that each call it is given can move to a data
 * channel when its caller says hello.
 */
export function host(onConnection, { peerToPeer }, [observe, , payloadOf]) {
  return (call) => {
    const input = new Set();
    const changes = new Set();
    let ending = false;
    const link = createLink({
      relay: (value) => call.next(value),
      deliver: (value) => {
        for (const observer of [...input]) if (input.has(observer)) observer.next(value);
      },
      changed: (transport) => {
        for (const change of changes) change.next(transport);
      },
      initiator: false,
      peerToPeer,
      check: (value) => payloadOf(value, "$connect/" + call.name),
    });
    call.subscribe({
      next: (value) => link.relayItem(value),
      complete() {
        const list = [...input];
        input.clear();
        for (const observer of list) observer.complete();
      },
    });
    call.onClose(() => link.close());
    const end = (fn) => {
      if (ending) return;
      ending = true;
      link.drain(fn);
    };
    onConnection({
      name: call.name,
      get transport() {
        return link.transport;
      },
      onTransport: (fn) => observe(changes, fn),
      subscribe: (observer) => observe(input, observer),
      next(value) {
        if (!ending) link.send(value);
      },
      complete: () => end(() => call.complete()),
      error: (code, message) => end(() => call.error(code, message)),
      onClose: call.onClose,
    });
  };
}
