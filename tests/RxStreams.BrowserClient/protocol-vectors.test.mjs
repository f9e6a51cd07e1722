// The wire codec of the browser client against docs/protocol-vectors.json (the vectors the .NET codec passes too),
// plus the JavaScript-specific rules of docs/protocol.md section 13.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { _protocol, RxStreamsError } from "../../src/RxStreams.AspNetCore/Client/rxstreams.js";

const vectors = JSON.parse(readFileSync(new URL("../../docs/protocol-vectors.json", import.meta.url), "utf8"));
const { decode, encode, encodeFrame } = _protocol;

const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
const toHex = (bytes) => Buffer.from(bytes).toString("hex");

function rejects(bytes, code, maxFrameSize = vectors.defaultMaxFrameSize) {
  let error;
  try {
    decode(bytes, maxFrameSize);
  } catch (e) {
    error = e;
  }
  assert.ok(error, "the message is rejected");
  assert.ok(error instanceof RxStreamsError, `an RxStreamsError, not ${error}`);
  assert.equal(error.code, code, error.message);
  return error;
}

test("the vector file is the one this client speaks", () => {
  assert.equal(vectors.version, _protocol.VERSION);
  assert.ok(vectors.valid.length >= 50 && vectors.invalid.length >= 100);
});

describe("valid vectors", () => {
  for (const vector of vectors.valid) {
    test(vector.name, () => {
      const bytes = fromHex(vector.hex);
      // Decoding yields exactly the frames, every field compared (and no other field).
      assert.deepStrictEqual(decode(bytes, vectors.defaultMaxFrameSize), vector.frames);
      // Encoding those frames gives back exactly the bytes, as one batch and frame by frame.
      assert.equal(toHex(encode(vector.frames)), vector.hex);
      assert.equal(vector.frames.map((f) => toHex(encodeFrame(f))).join(""), vector.hex);
      // The callback form hands over the same frames in order.
      const seen = [];
      decode(bytes, vectors.defaultMaxFrameSize, (f) => seen.push(f));
      assert.deepStrictEqual(seen, vector.frames);
    });
  }
});

describe("invalid vectors", () => {
  for (const vector of vectors.invalid) {
    test(`${vector.name} → ${vector.code}`, () => {
      rejects(fromHex(vector.hex), vector.code, vector.maxFrameSize ?? vectors.defaultMaxFrameSize);
    });
  }
});

describe("JavaScript rules (protocol.md section 13)", () => {
  // One frame from its bytes after the length prefix (which is added; all these are under 128 bytes).
  const frame = (...bytes) => Uint8Array.from([bytes.length, ...bytes]);
  const TWO_POW_53 = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10];
  const MAX_SAFE = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f];

  test("an offset part above 2^53 - 1 is a protocol_error", () => {
    // NEXT on stream 1 at 2^53-0, then at 0-2^53.
    const error = rejects(frame(0x04, 0x01, 0x01, ...TWO_POW_53, 0x00), "protocol_error");
    assert.match(error.message, /2\^53/);
    rejects(frame(0x04, 0x01, 0x01, 0x00, ...TWO_POW_53), "protocol_error");
    // ERROR not_recovered whose first offset is 2^53-0.
    rejects(frame(0x06, 0x01, 0x01, 0x01, 0x78, 0x00, ...TWO_POW_53, 0x00), "protocol_error");
    // Just below: fine.
    assert.equal(decode(frame(0x04, 0x01, 0x01, ...MAX_SAFE, 0x00))[0].offset, "9007199254740991-0");
    assert.equal(decode(frame(0x06, 0x01, 0x01, 0x01, 0x78, 0x00, ...MAX_SAFE, 0x00))[0].offset, "9007199254740991-0");
  });

  test("offsets up to 2^53 - 1 round-trip exactly", () => {
    for (const offset of ["0-0", "1-1", "1700000000000-3", "9007199254740991-9007199254740991", "4294967296-4294967295"]) {
      const bytes = encodeFrame({ type: "next", streamId: 1, offset, payload: "{}" });
      assert.deepStrictEqual(decode(bytes), [{ type: "next", streamId: 1, offset, payload: "{}" }]);
    }
  });

  test("varints of the spec's table", () => {
    const table = [
      [0, "00"],
      [1, "01"],
      [127, "7f"],
      [128, "8001"],
      [300, "ac02"],
      [16384, "808001"],
      [65536, "808004"],
      [1700000000000, "80d095ffbc31"],
      [4294967295, "ffffffff0f"],
    ];
    for (const [value, hex] of table) {
      // As the major part of an offset (u64) and, within u32, as a REQUEST's n.
      const next = encodeFrame({ type: "next", streamId: 1, offset: `${value}-0`, payload: "" });
      assert.equal(toHex(next).slice(8, 8 + hex.length), hex, `offset major ${value}`);
      assert.deepStrictEqual(decode(next)[0].offset, `${value}-0`);
      if (value > 0 && value <= 4294967295) {
        const request = encodeFrame({ type: "request", streamId: 1, n: value });
        assert.equal(toHex(request).slice(6), hex, `request n ${value}`);
        assert.equal(decode(request)[0].n, value);
      }
    }
    assert.equal(toHex(encodeFrame({ type: "next", streamId: 1, offset: "9007199254740991-0", payload: "" })).slice(8, 24), "ffffffffffffff0f");
  });

  test("u32 values are decoded with arithmetic, not 32-bit bit operations", () => {
    assert.equal(decode(fromHex("070805ffffffff0f"))[0].n, 4294967295);
    assert.equal(decode(fromHex("0708058080808008"))[0].n, 2147483648);
  });

  test("strings: a leading U+FEFF is kept, invalid UTF-8 is refused; payloads are not checked", () => {
    const [open] = decode(fromHex("100313000befbbbf636861742f626f6d0a"));
    assert.equal(open.route, "\ufeffchat/bom");
    // A NEXT whose payload is not UTF-8 still decodes (the codec does not look at payloads).
    assert.equal(decode(fromHex("04040100ff"))[0].payload, "\ufffd");
  });

  test("payloads may be given as bytes", () => {
    const bytes = new TextEncoder().encode('{"a":1}');
    assert.equal(toHex(encodeFrame({ type: "next", streamId: 1, payload: bytes })), toHex(encodeFrame({ type: "next", streamId: 1, payload: '{"a":1}' })));
  });

  test("offsets in the API are validated", () => {
    assert.deepStrictEqual(_protocol.toOffset("1700000000000-3"), [1700000000000, 3]);
    for (const bad of ["", "1", "1-", "-1", "a-b", "1-2-3", "9007199254740992-0", " 1-2"]) {
      assert.throws(() => _protocol.toOffset(bad), TypeError, bad);
    }
    assert.ok(_protocol.isAfter("2-0", "1-9"));
    assert.ok(_protocol.isAfter("1-10", "1-9"));
    assert.ok(!_protocol.isAfter("1-9", "1-9"));
    assert.ok(!_protocol.isAfter("1-8", "1-9"));
    // Compared as numbers whatever their lengths, exactly up to 2^53 - 1.
    assert.ok(_protocol.isAfter("1700000000000-0", "999999999999-9"));
    assert.ok(!_protocol.isAfter("999999999999-9", "1700000000000-0"));
    assert.ok(_protocol.isAfter("9007199254740991-0", "9007199254740990-9007199254740991"));
    assert.ok(_protocol.isAfter("9007199254740991-9007199254740991", "9007199254740991-9007199254740990"));
    assert.ok(!_protocol.isAfter("9007199254740991-9007199254740991", "9007199254740991-9007199254740991"));
  });

  test("error messages name the frame, the problem and the byte", () => {
    const error = rejects(fromHex("0603010001ff01"), "protocol_error");
    assert.match(error.message, /OPEN frame at byte \d+: the route is not valid UTF-8/);
  });
});
