// Peer to peer through the client's API (rx.listen / rx.connect with peerToPeer): two clients, each on its own
// scripted connection, and the test as the server relaying the call between them (frames read from one socket,
// written to the other, a few milliseconds later), with the fake WebRTC of fake-peer.mjs. Checks the client's hooks:
// peer.js is loaded when asked for, the hello is the call's first item, the application never sees the link's
// messages, transport and onTransport, and a new call after a reconnection starts over.
import { test } from "node:test";
import assert from "node:assert/strict";
import { start, until, sleep } from "./fake-server.mjs";
import { fakeWebRtc } from "./fake-peer.mjs";

const NAME = "svc";
const UNBOUNDED = 4294967295;

/**
 * The server's part: relays the caller's `$connect` stream on `callerSocket` to a stream it opens to the host on
 * `hostSocket` (even ids), both ways, every 3 ms. `relayed` counts the NEXT frames it carried.
 */
function relay(t, callerSocket, hostSocket, hostId) {
  const state = { relayed: 0, callerId: 0, hostId, callerItems: [], stopped: false };
  const timer = setInterval(() => {
    for (const frame of callerSocket.unread()) {
      callerSocket.read++;
      if (frame.type === "open" && frame.route === "$connect/" + NAME) {
        state.callerId = frame.streamId;
        hostSocket.deliver({ type: "open", streamId: hostId, route: NAME, credits: UNBOUNDED });
      } else if (frame.streamId === state.callerId && frame.type === "next") {
        state.relayed++;
        state.callerItems.push(JSON.parse(frame.payload));
        hostSocket.deliver({ type: "next", streamId: hostId, payload: frame.payload });
      } else if (frame.streamId === state.callerId && (frame.type === "complete" || frame.type === "cancel")) {
        hostSocket.deliver({ type: frame.type, streamId: hostId });
      }
    }
    for (const frame of hostSocket.unread()) {
      hostSocket.read++;
      if (frame.streamId !== hostId || !state.callerId) continue;
      if (frame.type === "next") state.relayed++;
      if (frame.type === "next" || frame.type === "complete") callerSocket.deliver({ type: frame.type, streamId: state.callerId, payload: frame.payload });
    }
  }, 3);
  const stop = () => clearInterval(timer);
  t.after(stop);
  return Object.assign(state, { stop });
}

/** A host listening on NAME (with peerToPeer unless `hostPeer` is false) and a caller client, both connected. */
async function setUp(t, { hostPeer = true, rtc = fakeWebRtc() } = {}) {
  const host = start(t);
  const caller = start(t);
  const hostSocket = await host.net.connected();
  const callerSocket = await caller.net.connected();
  const calls = [];
  const peerToPeer = { RTCPeerConnection: rtc.RTCPeerConnection };
  const listening = host.rx.listen(NAME, (call) => calls.push(record(call)), hostPeer ? { peerToPeer } : undefined);
  const open = await hostSocket.expect("open", { route: "$listen/" + NAME });
  hostSocket.deliver({ type: "next", streamId: open.streamId, payload: JSON.stringify({ name: NAME }) });
  await listening;
  return { host, caller, hostSocket, callerSocket, calls, rtc, peerToPeer };
}

/** What one end received (numbers apart from anything else) and its transport changes. */
function record(end) {
  const r = { end, got: [], other: [], changes: [] };
  end.onTransport?.((transport) => r.changes.push(transport));
  end.subscribe((value) => (typeof value?.n === "number" ? r.got.push(value.n) : r.other.push(value)));
  return r;
}

const oneTo = (n) => Array.from({ length: n }, (_, i) => i + 1);

test("connect and listen with peerToPeer: hello first, the call switches, items keep their order both ways, the application sees only its own items", async (t) => {
  const { caller, hostSocket, callerSocket, calls, peerToPeer } = await setUp(t);
  const stream = caller.rx.connect(NAME, { peerToPeer });
  assert.equal(stream.transport, "relay", "before peer.js is even loaded");
  const mine = record(stream);
  const wire = relay(t, callerSocket, hostSocket, 2);
  await until(() => calls.length === 1, "the host's call");
  const theirs = calls[0];
  assert.equal(theirs.end.transport, "relay");
  assert.equal(theirs.end.name, NAME);

  // Both ends send 1, 2, 3… without pause until both are on the channel, then 100 more.
  let sentByCaller = 0;
  let sentByHost = 0;
  let stopAt = Infinity;
  while (sentByCaller < stopAt) {
    stream.next({ n: ++sentByCaller });
    theirs.end.next({ n: ++sentByHost });
    if (stopAt === Infinity && stream.transport === "peer" && theirs.end.transport === "peer") stopAt = sentByCaller + 100;
    assert.ok(sentByCaller < 5000, "the call switched");
    await sleep(1);
  }
  await until(() => theirs.got.length === sentByCaller && mine.got.length === sentByHost, "every item", 5000);
  await sleep(30);
  assert.deepEqual(theirs.got, oneTo(sentByCaller));
  assert.deepEqual(mine.got, oneTo(sentByHost));
  assert.deepEqual(wire.callerItems[0], { $rxPeer: "hello" }, "the hello is the call's first item");
  assert.deepEqual([theirs.other, mine.other], [[], []], "no message of the link reached the application");
  assert.deepEqual([mine.changes, theirs.changes], [["peer"], ["peer"]]);

  // On the channel the relay carries nothing, whatever goes through.
  const relayed = wire.relayed;
  for (let i = 0; i < 50; i++) {
    stream.next({ n: ++sentByCaller });
    theirs.end.next({ n: ++sentByHost });
  }
  await until(() => theirs.got.length === sentByCaller && mine.got.length === sentByHost, "the last items", 5000);
  assert.equal(wire.relayed, relayed);

  // Completing the input waits for the channel's acks, then COMPLETE goes on the relay: the host sees it after the items.
  let completedAfter = -1;
  theirs.end.subscribe({ complete: () => (completedAfter = theirs.got.length) });
  stream.next({ n: ++sentByCaller });
  stream.complete();
  assert.throws(() => stream.next({ n: 0 }), { code: "input_completed" });
  await until(() => completedAfter >= 0, "the end of the caller's input");
  assert.equal(completedAfter, sentByCaller);
});

test("a host without peerToPeer: the caller stays on the relay, and the host gets the hello as its first input", async (t) => {
  const { caller, hostSocket, callerSocket, calls, peerToPeer } = await setUp(t, { hostPeer: false });
  const stream = caller.rx.connect(NAME, { peerToPeer });
  const mine = record(stream);
  relay(t, callerSocket, hostSocket, 2);
  await until(() => calls.length === 1, "the host's call");
  const theirs = calls[0];
  for (let n = 1; n <= 20; n++) {
    stream.next({ n });
    theirs.end.next({ n });
    await sleep(1);
  }
  await until(() => theirs.got.length === 20 && mine.got.length === 20, "every item");
  assert.deepEqual([theirs.got, mine.got], [oneTo(20), oneTo(20)]);
  assert.deepEqual(theirs.other, [{ $rxPeer: "hello" }]);
  assert.equal(stream.transport, "relay");
  assert.deepEqual(mine.changes, []);
});

test("a caller that lost its connection starts a new call: a new hello, and the new call moves to the channel again", async (t) => {
  const { caller, hostSocket, callerSocket, calls, peerToPeer } = await setUp(t);
  const stream = caller.rx.connect(NAME, { peerToPeer });
  const mine = record(stream);
  const first = relay(t, callerSocket, hostSocket, 2);
  await until(() => calls.length === 1 && stream.transport === "peer" && calls[0].end.transport === "peer", "the first call on the channel", 5000);

  // The caller's connection drops: the server cancels the host's call; the client reconnects and reopens the stream.
  first.stop();
  callerSocket.drop();
  hostSocket.deliver({ type: "cancel", streamId: 2 });
  await until(() => stream.transport === "relay", "the caller back on the relay");
  const again = await caller.net.connected();
  const second = relay(t, again, hostSocket, 4);
  await until(() => calls.length === 2, "the host's second call");
  await until(() => stream.transport === "peer" && calls[1].end.transport === "peer", "the second call on the channel", 5000);
  assert.deepEqual(second.callerItems[0], { $rxPeer: "hello" }, "the new call starts with a hello");
  assert.deepEqual(mine.changes, ["peer", "relay", "peer"]);
  assert.deepEqual(calls[0].changes, ["peer", "relay"]);
  stream.next({ n: 1 });
  calls[1].end.next({ n: 1 });
  await until(() => calls[1].got.length === 1 && mine.got.length === 1, "items on the new call");
  assert.deepEqual([calls[1].other, mine.other], [[], []]);
});
