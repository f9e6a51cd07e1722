// A fake-but-honest WebRTC for Node.js, which has none: RTCPeerConnection pairs that meet through the session
// descriptions they exchange (an offer's sdp names its connection; the answer names the offer), and negotiated data
// channels that deliver in order after a delay, as a real ordered, reliable channel does. It follows the browser where
// the tests depend on it: close() closes the local channel without firing its close event (the remote one fires),
// send() on a channel that is not open throws, ICE candidates come as events after setLocalDescription.

const connections = new Map(); // sdp -> the connection that described itself with it
let nextId = 1;

export function fakeWebRtc({ channelDelay = 1, openDelay = 30, neverOpen = false } = {}) {
  const created = [];

  class FakeDataChannel {
    constructor(owner) {
      this.owner = owner;
      this.readyState = "connecting";
      this.onopen = this.onclose = this.onmessage = null;
      this.sent = 0;
    }
    send(data) {
      if (this.readyState !== "open") throw Object.assign(new Error("RTCDataChannel.readyState is not 'open'"), { name: "InvalidStateError" });
      if (typeof data !== "string") throw new TypeError("The fake channel carries strings.");
      this.sent++;
      const remote = this.owner.remote?.channel;
      setTimeout(() => remote?.readyState === "open" && remote.onmessage?.({ data }), channelDelay);
    }
    /** Opened or closed by the fake network: the event fires, as in a browser. */
    _set(state) {
      if (this.readyState === state || this.readyState === "closed") return;
      this.readyState = state;
      (state === "open" ? this.onopen : this.onclose)?.({});
    }
  }

  class FakeRTCPeerConnection {
    constructor(configuration = {}) {
      this.configuration = configuration;
      this.id = nextId++;
      this.connectionState = "new";
      this.localDescription = null;
      this.remoteDescription = null;
      this.remote = null;
      this.channel = null;
      this.onicecandidate = this.onconnectionstatechange = null;
      this.candidates = [];
      created.push(this);
    }
    createDataChannel(label, { negotiated, id } = {}) {
      if (!negotiated || id !== 0) throw new Error("The fake supports the negotiated channel 0 only.");
      return (this.channel = new FakeDataChannel(this));
    }
    async createOffer() {
      return { type: "offer", sdp: `offer ${this.id}` };
    }
    async createAnswer() {
      return { type: "answer", sdp: `answer ${this.id} to ${this.remoteDescription.sdp}` };
    }
    async setLocalDescription(description) {
      this.localDescription = description;
      connections.set(description.sdp, this);
      setTimeout(() => this.onicecandidate?.({ candidate: { toJSON: () => ({ candidate: `candidate ${this.id}`, sdpMid: "0" }) } }), 1);
      setTimeout(() => this.onicecandidate?.({ candidate: null }), 2);
      if (description.type === "answer") this._connect();
    }
    async setRemoteDescription(description) {
      if (this.connectionState === "closed") throw new Error("closed");
      this.remoteDescription = description;
      this.remote = connections.get(description.sdp);
      if (!this.remote) throw new Error("The fake knows no connection for " + description.sdp);
      if (description.type === "answer") this._connect();
    }
    async addIceCandidate(candidate) {
      if (!this.remoteDescription) throw new Error("addIceCandidate before setRemoteDescription");
      this.candidates.push(candidate);
    }
    _connect() {
      // Both descriptions set on both ends: the channel opens a moment later (unless the network is blocked).
      const other = this.remote;
      if (neverOpen || !other || !this.localDescription || !this.remoteDescription || !other.localDescription || !other.remoteDescription) return;
      setTimeout(() => {
        for (const pc of [this, other]) {
          if (pc.connectionState === "closed") return;
        }
        for (const pc of [this, other]) {
          pc.connectionState = "connected";
          pc.channel?._set("open");
        }
      }, openDelay);
    }
    close() {
      if (this.connectionState === "closed") return;
      this.connectionState = "closed";
      if (this.channel) this.channel.readyState = "closed"; // no event on this end, as in a browser
      const other = this.remote;
      setTimeout(() => {
        if (!other || other.connectionState === "closed") return;
        other.connectionState = "disconnected";
        other.channel?._set("closed");
        if (other.connectionState === "disconnected") other.onconnectionstatechange?.({});
      }, channelDelay);
    }
  }

  return { RTCPeerConnection: FakeRTCPeerConnection, created };
}
