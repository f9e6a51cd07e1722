// Peer to peer (peer.js): the bookkeeping of one call's link, both ends, over a relay that is slower than the data
// channel (so that channel items overtake the relay's, as they do between browsers) and the fake WebRTC of
// fake-peer.mjs. Each test sends numbered items both ways without pause while the link switches or falls back, and
// checks that each end received exactly 1..n, in order. The real thing runs in Chromium in the end-to-end tests
// (tests/RxStreams.EndToEnd.Tests/SharedServices/PeerToPeerTests.cs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createLink } from "../../src/RxStreams.AspNetCore/Client/peer.js";
import { fakeWebRtc } from "./fake-peer.mjs";
import { until, sleep } from "./fake-server.mjs";

const RELAY_DELAY = 15; // ms, one way: the relay through the server
const KEY = "$rxPeer";

/** Two ends of one call: the caller (which says hello and offers) and the host, over a fake relay. */
function pair({ caller = {}, host = {}, rtc = fakeWebRtc(), check } = {}) {
  const ends = {};
  for (const [name, options] of [["caller", caller], ["host", host]]) {
    const end = (ends[name] = { received: [], changes: [], relayed: 0, relayLog: [] });
    end.relay = (value) => {
      end.relayed++;
      end.relayLog.push(value);
      const copy = JSON.parse(JSON.stringify(value ?? null)); // the relay carries JSON
      setTimeout(() => ends[name === "caller" ? "host" : "caller"].link.relayItem(copy), RELAY_DELAY);
    };
    end.link = createLink({
      relay: end.relay,
      deliver: (value) => end.received.push(value),
      changed: (transport) => end.changes.push(transport),
      initiator: name === "caller",
      peerToPeer: { RTCPeerConnection: rtc.RTCPeerConnection, ...options },
      check,
    });
  }
  ends.rtc = rtc;
  ends.hello = () => ends.caller.relay({ [KEY]: "hello" }); // the caller's first item on the call
  return ends;
}

/** Sends 1, 2, 3… from `end` every millisecond until `stop()` says so; resolves with the last number sent. */
async function pump(end, stop) {
  let n = 0;
  while (!stop(n)) {
    end.link.send({ n: ++n });
    await sleep(1);
  }
  return n;
}

const numbers = (end) => end.received.map((v) => v.n);
const oneTo = (n) => Array.from({ length: n }, (_, i) => i + 1);

async function sendBothWays(ends, stop) {
  const [fromCaller, fromHost] = await Promise.all([pump(ends.caller, stop), pump(ends.host, stop)]);
  await until(() => numbers(ends.host).length >= fromCaller && numbers(ends.caller).length >= fromHost, "everything delivered", 5000);
  await sleep(3 * RELAY_DELAY); // a duplicate would have arrived by now
  assert.deepEqual(numbers(ends.host), oneTo(fromCaller), "the host got 1..n from the caller, in order, once each");
  assert.deepEqual(numbers(ends.caller), oneTo(fromHost), "the caller got 1..n from the host, in order, once each");
  ends.caller.received = [];
  ends.host.received = [];
  return [fromCaller, fromHost];
}

const close = (ends) => {
  ends.caller.link.close();
  ends.host.link.close();
};

test("switching to the data channel while items flow both ways: in order, none lost, none twice; the relay then stays quiet", async () => {
  const ends = pair();
  ends.hello();
  const peer = () => ends.caller.link.transport === "peer" && ends.host.link.transport === "peer";
  let after = 0;
  await sendBothWays(ends, (n) => (peer() ? ++after > 100 : n > 2000));
  assert.ok(peer(), "both ends are on the data channel");
  assert.deepEqual(ends.caller.changes, ["peer"]);
  assert.deepEqual(ends.host.changes, ["peer"]);
  assert.ok(ends.rtc.created.every((pc) => pc.channel.sent > 0), "items went over the channel");

  // On the channel, the relay carries nothing more, however much goes through.
  const relayed = ends.caller.relayed + ends.host.relayed;
  await sendBothWays(ends, (n) => n >= 300);
  assert.equal(ends.caller.relayed + ends.host.relayed, relayed, "nothing more went over the relay");
  close(ends);
});

test("a data channel that dies mid-stream falls back to the relay: what was not acknowledged is sent again, nothing twice", async () => {
  const ends = pair();
  ends.hello();
  await until(() => ends.caller.link.transport === "peer" && ends.host.link.transport === "peer", "the switch", 5000);
  let closedAt = 0;
  const [pcHost] = ends.rtc.created; // the host's: it made its connection first, at the hello
  await sendBothWays(ends, (n) => {
    if (n === 150) {
      pcHost.close(); // from one end, as a page would (no close event there): the other end's channel closes
      closedAt = n;
    }
    return n >= 400;
  });
  assert.equal(closedAt, 150);
  assert.equal(ends.caller.link.transport, "relay");
  assert.equal(ends.host.link.transport, "relay");
  assert.deepEqual(ends.caller.changes, ["peer", "relay"]);
  assert.deepEqual(ends.host.changes, ["peer", "relay"]);
  // It stays on the relay and keeps working.
  const relayed = ends.caller.relayed + ends.host.relayed;
  await sendBothWays(ends, (n) => n >= 50);
  assert.ok(ends.caller.relayed + ends.host.relayed >= relayed + 100);
  close(ends);
});

test("a channel that never opens: the link gives up after its timeout and the call stays on the relay, whole", async () => {
  const ends = pair({ caller: { timeout: 200 }, host: { timeout: 5000 }, rtc: fakeWebRtc({ neverOpen: true }) });
  ends.hello();
  await sendBothWays(ends, (n) => n >= 400);
  assert.equal(ends.caller.link.transport, "relay");
  assert.deepEqual(ends.caller.changes, []);
  assert.match(ends.caller.link.reason, /no data channel within 200 ms/);
  assert.match(ends.host.link.reason, /the peer fell back|the data channel closed/, "the other end gives up too");
  assert.deepEqual(ends.rtc.created.map((pc) => pc.connectionState), ["closed", "closed"], "both connections are closed");
  close(ends);
});

test("without RTCPeerConnection (Node.js, an old browser) both ends stay on the relay", async () => {
  const ends = pair({ caller: { RTCPeerConnection: undefined }, host: { RTCPeerConnection: undefined } });
  ends.hello();
  await sendBothWays(ends, (n) => n >= 100);
  assert.match(ends.caller.link.reason, /no RTCPeerConnection/);
  assert.equal(ends.host.link.transport, "relay");
});

test("items that look like the link's own messages are escaped on the relay and arrive as they were sent", async () => {
  const ends = pair({ rtc: fakeWebRtc({ neverOpen: true }) });
  const tricky = [{ [KEY]: "switch", s: 99 }, { [KEY]: "d", v: 1 }, [1, 2], null, "text"];
  for (const value of tricky) ends.caller.link.send(value);
  await until(() => ends.host.received.length === tricky.length, "the items");
  assert.deepEqual(ends.host.received, tricky);
  close(ends);
});

test("drain waits for the channel's acknowledgements, so the end of a call follows its last item", async () => {
  const ends = pair();
  ends.hello();
  await until(() => ends.caller.link.transport === "peer" && ends.host.link.transport === "peer", "the switch", 5000);
  for (let n = 1; n <= 100; n++) ends.host.link.send({ n });
  let drainedAt = -1;
  ends.host.link.drain(() => (drainedAt = ends.caller.received.length));
  assert.equal(drainedAt, -1, "items are still in flight");
  await until(() => drainedAt >= 0, "the drain");
  assert.equal(drainedAt, 100, "every item was delivered before the drain ran");
  close(ends);
});

test("on the data channel an item over the relay's frame size is refused as the relay refuses it, and the stream goes on", async () => {
  // The client's own check (payloadOf in rxstreams.js) throws frame_too_large; the link calls it for what goes on the
  // channel, so the limit holds on both links (and whatever the channel carried could go on the relay again).
  const checked = [];
  const check = (value) => {
    checked.push(value);
    if (JSON.stringify(value).length > 100) throw Object.assign(new Error("over the maximum frame size"), { code: "frame_too_large" });
  };
  const ends = pair({ check });
  ends.hello();
  const peer = () => ends.caller.link.transport === "peer" && ends.host.link.transport === "peer";
  await sendBothWays(ends, (n) => (peer() ? n > 50 : n > 2000));
  assert.ok(peer(), "both ends are on the data channel");
  assert.ok(checked.length > 0, "items on the channel are checked");

  assert.throws(() => ends.caller.link.send({ text: "x".repeat(200) }), (e) => e.code === "frame_too_large");
  assert.throws(() => ends.host.link.send({ text: "x".repeat(200) }), (e) => e.code === "frame_too_large");
  // The refused item took no number: what follows arrives whole and in order.
  await sendBothWays(ends, (n) => n >= 100);
  close(ends);
});
