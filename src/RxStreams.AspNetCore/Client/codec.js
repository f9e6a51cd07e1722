// RxStreams browser client, the wire codec: frames to bytes and back (docs/protocol.md, version 1), the protocol's
// constants and offsets, and the client's error type. rxstreams.js imports it; the served /rx/client.js bundles both
// into one file (tests/RxStreams.BrowserClient/build.mjs), and the npm package ships both.

export const VERSION = 1;
export const UNBOUNDED = 4294967295;
export const DEFAULT_MAX_FRAME_SIZE = 65536;
export const PROTOCOL_ERROR = "protocol_error";
export const FRAME_TOO_LARGE = "frame_too_large";
const TYPES = ["", "hello", "welcome", "open", "next", "complete", "error", "cancel", "request", "ping", "pong"];
const EMPTY = new Uint8Array(0);

export const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** An error of the protocol, the server or the client, with its snake_case `code` (docs/protocol.md section 9). */
export class RxStreamsError extends Error {
  constructor(code, message, route) {
    super(message || code);
    this.name = "RxStreamsError";
    this.code = code;
    if (route !== undefined) this.route = route;
  }
}

export const fail = (message, code = PROTOCOL_ERROR) => {
  throw new RxStreamsError(code, message);
};

// ---- Offsets: "major-minor" text in the API, two varints on the wire, each at most 2^53 - 1 here (section 13) ----

export const toOffset = (text) => {
  const m = /^(\d{1,16})-(\d{1,16})$/.exec(text);
  if (!m || Math.max(m[1], m[2]) > Number.MAX_SAFE_INTEGER) {
    throw new TypeError(`Invalid offset "${text}": not "major-minor", each at most 2^53 - 1.`);
  }
  return [+m[1], +m[2]];
};

/**
 * True when offset a comes after offset b. Both are valid already (decoded, or checked by toOffset on the way in),
 * so they are compared as they are: this runs for every item of a resumable stream.
 */
export const isAfter = (a, b) => {
  const i = a.indexOf("-");
  const j = b.indexOf("-");
  return (a.slice(0, i) - b.slice(0, j) || a.slice(i + 1) - b.slice(j + 1)) > 0;
};

// ---- Codec (sections 2 to 5) ----

/**
 * Decodes one WebSocket message: calls each(frame) for every frame in order (or returns them all when each is
 * omitted). Throws RxStreamsError with code protocol_error or frame_too_large; frames before the bad one have
 * been handed over already.
 */
export function decode(bytes, maxFrameSize = DEFAULT_MAX_FRAME_SIZE, each) {
  const frames = [];
  each ||= (frame) => frames.push(frame);
  let at = 0;
  let end = bytes.length;
  let start = 0;
  let name = "message";
  const bad = (what, code) => fail(`Malformed ${name} at byte ${at - start}: ${what}.`, code);
  if (end > maxFrameSize) bad(`${end} bytes, over the maximum frame size (${maxFrameSize})`, FRAME_TOO_LARGE);
  if (!end) bad("no frame");

  // size 5: a u32; size 8: a u64 that must stay within 2^53 - 1 (the 8th byte holds bits 49 to 55, so at most 0x0F).
  const varint = (what, size = 5) => {
    let value = 0;
    for (let i = 0; ; i++) {
      if (at >= end) bad(`the ${what} is cut short`);
      const b = bytes[at++];
      if (i === size - 1 && b > 15) bad(`the ${what} is above 2^${size === 5 ? 32 : 53} - 1`);
      value += (b & 127) * 2 ** (7 * i);
      if (b < 128) {
        if (i && !b) bad(`the ${what} is overlong`);
        return value;
      }
    }
  };
  const flags = (known) => {
    if (at >= end) bad("the flags are cut short");
    const value = bytes[at++];
    if (value & ~known) bad(`unknown flags 0x${(value & ~known).toString(16)}`);
    return value;
  };
  const text = (what) => {
    const length = varint(`${what} length`);
    if (length > end - at) bad(`the ${what} is cut short`);
    try {
      return strictUtf8.decode(bytes.subarray(at, (at += length)));
    } catch {
      return bad(`the ${what} is not valid UTF-8`);
    }
  };
  const offset = () => varint("offset", 8) + "-" + varint("offset", 8);
  const rest = () => lenientUtf8.decode(bytes.subarray(at, (at = end)));

  while (at < bytes.length) {
    start = at;
    end = bytes.length;
    name = "frame";
    const length = varint("length prefix");
    if (at - start + length > maxFrameSize) bad(`${length} bytes, over the maximum frame size (${maxFrameSize})`, FRAME_TOO_LARGE);
    if (!length) bad("the length is 0");
    if (at + length > end) bad("the message is cut short");
    end = at + length;
    const type = TYPES[bytes[at++]];
    if (!type) bad(`unknown type 0x${bytes[at - 1].toString(16)}`);
    name = type.toUpperCase() + " frame";
    const frame = { type };
    const u32 = (key) => (frame[key] = varint(key));
    const str = (key) => (frame[key] = text(key));
    const id = (zeroAllowed) => u32("streamId") || zeroAllowed || bad("the streamId is 0");
    switch (type) {
      case "hello":
      case "welcome":
        u32("version");
        str("sessionId");
        if (type === "welcome") {
          frame.resumed = flags(1) === 1;
          u32("keepAliveMilliseconds");
          u32("maxFrameSize");
        }
        break;
      case "open": {
        id();
        const f = flags(3);
        str("route");
        if (f & 1) frame.offset = offset();
        u32("credits");
        if (f & 2) frame.payload = rest();
        break;
      }
      case "next":
        id();
        if (flags(1)) frame.offset = offset();
        frame.payload = rest();
        break;
      case "error": {
        id(true);
        const f = flags(1);
        if (!/^[a-z][a-z0-9_]*$/.test(str("code"))) bad("the code is not snake_case");
        str("message");
        if (f) frame.offset = offset();
        break;
      }
      case "request":
        id();
        if (!u32("n")) bad("n is 0");
        break;
      case "complete":
      case "cancel":
        id();
    }
    if (at < end) bad(`${end - at} bytes are left over`);
    each(frame);
  }
  return frames;
}

const pushVarint = (to, value) => {
  for (; value > 127; value = Math.floor(value / 128)) to.push((value % 128) | 128);
  to.push(value);
};

/** Encodes one frame (the objects decode yields), length prefix included. Payloads are strings or UTF-8 bytes. */
export function encodeFrame(frame) {
  // Every frame type's fields are a subsequence of one order (section 4), so the fields present are written in it.
  const { type, offset, payload } = frame;
  const head = [TYPES.indexOf(type)];
  const uint = (value) => value != null && pushVarint(head, value);
  const text = (value) => {
    if (value == null) return;
    const bytes = utf8.encode(value);
    uint(bytes.length);
    for (const b of bytes) head.push(b);
  };
  const body = type === "open" || type === "next";
  uint(frame.version);
  text(frame.sessionId);
  uint(frame.streamId);
  // Flags: welcome (RESUMED), open (HAS_OFFSET, HAS_PAYLOAD), next and error (HAS_OFFSET).
  if (/^(welcome|open|next|error)$/.test(type)) head.push((offset != null) | ((type === "open" && payload != null) << 1) | frame.resumed);
  text(frame.route);
  text(frame.code);
  text(frame.message);
  if (offset != null) toOffset(offset).forEach(uint);
  uint(frame.credits);
  uint(frame.keepAliveMilliseconds);
  uint(frame.maxFrameSize);
  uint(frame.n);
  const bytes = !body || payload == null ? EMPTY : typeof payload === "string" ? utf8.encode(payload) : payload;
  const prefix = [];
  pushVarint(prefix, head.length + bytes.length);
  return concat([prefix, head, bytes]);
}

export function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** The codec, for tests and tools; not part of the supported API. */
export const _protocol = {
  decode,
  encodeFrame,
  encode: (frames) => concat(frames.map(encodeFrame)),
  toOffset,
  isAfter,
  VERSION,
  UNBOUNDED,
};
