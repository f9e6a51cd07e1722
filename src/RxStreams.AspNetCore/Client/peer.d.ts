// /rx/peer.js: the WebRTC part of the browser client, which the client (/rx/client.js) imports by itself when
// `listen` or `connect` is given `peerToPeer`. Applications do not import it: the API is in client.d.ts
// (`PeerToPeerOptions`, `Transport`, `PeerStream`). Its exports are the client's internals and may change.

/** One call's link between the relay and a data channel (internal). */
export function createLink(options: {
  relay(value: unknown): void;
  deliver(value: unknown): void;
  changed(transport: "relay" | "peer"): void;
  initiator: boolean;
  peerToPeer: true | object;
}): {
  readonly transport: "relay" | "peer";
  readonly reason: string;
  relayItem(value: unknown): void;
  send(value: unknown): void;
  drain(fn: () => void): void;
  close(): void;
};
